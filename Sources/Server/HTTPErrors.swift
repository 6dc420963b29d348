import HTTPTypes
import Hummingbird
import SyncCore
import SyncWire

/// A request the server answers with an error: the HTTP status and the JSON body. Domain
/// errors become HTTP here and only here.
struct RequestRefused: Error {
    let status: HTTPResponse.Status
    let error: WireError

    init(_ status: HTTPResponse.Status, code: String, message: String) {
        self.status = status
        error = WireError(code: code, message: message)
    }

    init(_ refused: SyncRefused) {
        switch refused {
        case .siteTaken, .wrongUnit: status = .forbidden
        case .quotaExceeded: status = .tooManyRequests
        case .batchTooLarge: status = .contentTooLarge
        default: status = .conflict
        }
        error = WireError(refused)
    }

    /// Any error thrown while serving, as what the client is told.
    static func from(_ error: any Error) -> RequestRefused {
        switch error {
        case let refused as RequestRefused:
            return refused
        case let refused as SyncRefused:
            return RequestRefused(refused)
        case let store as any StoreFailure:
            if store.isDiskFull {
                return RequestRefused(HTTPResponse.Status(code: 507, reasonPhrase: "Insufficient Storage"), code: "server_disk_full",
                                      message: "服务器的磁盘已满, 这次同步没有写入服务器; 本机的记录都在, 不受影响。请告诉服务器的管理员 (乡镇) 清理磁盘, 之后再同步")
            }
            if store.isTransient { return RequestRefused(.serviceUnavailable, code: "busy", message: store.description) }
            return RequestRefused(.internalServerError, code: "server_error", message: store.description)
        case let malformed as Wire.Malformed:
            return RequestRefused(.badRequest, code: "bad_request", message: "请求内容无效: \(malformed.detail)")
        case let tooLarge as Wire.TooLarge:
            return RequestRefused(.contentTooLarge, code: "batch_too_large", message: tooLarge.description)
        default:
            return RequestRefused(.internalServerError, code: "server_error", message: "服务器内部错误")
        }
    }

    func response(compress: Bool) -> Response {
        JSONBody.response(Wire.encode(error), status: status, compress: compress)
    }
}

/// JSON responses, gzip-compressed when the client accepts it.
enum JSONBody {
    /// Bytes handed to the connection at a time: the writer waits while the socket is full, so
    /// an answer is written only as fast as the client reads it.
    static let chunkBytes = 65_536

    /// `holding`: a request's place at its token's gate, kept until the answer is written.
    static func response(_ json: [UInt8], status: HTTPResponse.Status = .ok, compress: Bool, holding place: GatePlace? = nil) -> Response {
        var headers: HTTPFields = [.contentType: "application/json; charset=utf-8"]
        var body = json
        if compress {
            body = Gzip.compress(json)
            headers[.contentEncoding] = "gzip"
        }
        guard let place, body.count > chunkBytes else {
            return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: body)))
        }
        let bytes = body
        return Response(status: status, headers: headers, body: ResponseBody(contentLength: bytes.count) { writer in
            withExtendedLifetime(place) {}
            var offset = 0
            while offset < bytes.count {
                let end = min(offset + chunkBytes, bytes.count)
                try await writer.write(ByteBuffer(bytes: bytes[offset..<end]))
                offset = end
            }
            try await writer.finish(nil)
        })
    }
}
