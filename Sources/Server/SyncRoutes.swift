import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import Storage
import SyncCore

/// The request context of the sync server.
public struct SyncRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    public init(source: ApplicationRequestContextSource) { coreContext = .init(source: source) }
}

/// The protocol's endpoints (docs/PROTOCOL.md): each checks the device token, reads a gzip JSON
/// body within the size caps, calls `SyncService`, and answers gzip JSON; every failure is a
/// JSON error with its status.
struct SyncRoutes: Sendable {
    let replica: Replica
    let service: SyncService
    let configuration: ServerConfiguration
    let sessions: SessionLog

    func register(on router: Router<SyncRequestContext>) {
        router.post("/v1/push") { request, context in await handle(request, context) { body, access, session in
            let push = try Wire.pushRequest(body)
            try check(push.sender, against: access)
            let response = try service.push(push, scope: access.scope, now: now())
            let json = Wire.encode(response)
            await sessions.record(session: session, access: access, sender: push.sender,
                                  pushed: push.records.count - response.refused.count, conflicts: response.conflicted,
                                  bytesIn: body.count, bytesOut: json.count)
            return json
        } }
        router.post("/v1/pull") { request, context in await handle(request, context) { body, access, session in
            let pull = try Wire.pullRequest(body)
            try check(pull.sender, against: access)
            let response = try service.pull(pull, scope: access.scope, now: now())
            let json = Wire.encode(response)
            await sessions.record(session: session, access: access, sender: pull.sender, pulled: response.records.count,
                                  bytesIn: body.count, bytesOut: json.count)
            return json
        } }
        router.post("/v1/done") { request, context in await handle(request, context) { body, access, session in
            let done = try Wire.doneRequest(body)
            try check(done.sender, against: access)
            let response = try service.done(done, scope: access.scope, now: now())
            await sessions.record(session: session, access: access, sender: done.sender, conflicts: 0, bytesIn: body.count, bytesOut: 0)
            await sessions.finish(session: session, converged: response.converged)
            return Wire.encode(response)
        } }
        // Takes a body and throws it away: what a plain transfer costs, for `gongkai-bench`.
        router.post("/v1/sink") { request, context in await handle(request, context) { body, _, _ in
            Array("{\"bytes\":\(body.count)}".utf8)
        } }
        router.get("/v1/status") { request, _ -> Response in
            let identity = try? replica.identity()
            let json = JSONValueBody.status(protocol: syncProtocolVersion, schema: (try? replica.schemaVersion()) ?? 0,
                                            unit: identity?.unit.code ?? "", name: identity?.unit.name ?? "")
            return JSONBody.response(json, compress: accepts(request))
        }
    }

    private func now() -> Int64 { Int64(Date().timeIntervalSince1970) }

    private func accepts(_ request: Request) -> Bool {
        request.headers[.acceptEncoding]?.contains("gzip") ?? false
    }

    /// The sender's replica must belong to the token's unit.
    private func check(_ sender: SiteInfo, against access: DeviceAccess) throws {
        guard sender.unit == access.unit.code else {
            throw RequestRefused(.forbidden, code: "wrong_unit",
                                 message: "此令牌属于单位 \(access.unit.code), 但这台电脑的副本属于单位 \(sender.unit); 请使用本单位的令牌")
        }
    }

    private func handle(_ request: Request, _ context: SyncRequestContext,
                        _ body: @Sendable ([UInt8], DeviceAccess, String) async throws -> [UInt8]) async -> Response {
        let compress = accepts(request)
        do {
            let access = try authenticate(request)
            let bytes = try await read(request)
            let session = request.headers[HTTPField.Name("X-Gongkai-Session")!] ?? "anonymous-\(access.unit.code)"
            return JSONBody.response(try await body(bytes, access, String(session.prefix(64))), compress: compress)
        } catch {
            let refused = RequestRefused.from(error)
            if refused.status.code >= 500 {
                context.logger.error("\(request.uri.path): \(error)")
            } else if [401, 403, 409].contains(refused.status.code) {
                context.logger.warning("refused \(request.uri.path): \(refused.error.code): \(refused.error.message)")
            }
            return refused.response(compress: compress)
        }
    }

    private func authenticate(_ request: Request) throws -> DeviceAccess {
        guard let header = request.headers[.authorization], header.hasPrefix("Bearer "), header.count > 7 else {
            throw RequestRefused(.unauthorized, code: "unauthorized",
                                 message: "缺少设备令牌; 请用 gongkai sync --token 令牌 (由乡镇用 gongkai admin issue-token 发放)")
        }
        switch try replica.access(forToken: String(header.dropFirst(7))) {
        case .valid(let access): return access
        case .revoked:
            throw RequestRefused(.unauthorized, code: "token_revoked", message: "此设备令牌已被吊销; 请向乡镇申请新的令牌")
        case .unknown:
            throw RequestRefused(.unauthorized, code: "unauthorized", message: "设备令牌无效; 请检查是否完整复制, 或向乡镇申请新的令牌")
        }
    }

    private func read(_ request: Request) async throws -> [UInt8] {
        guard let type = request.headers[.contentType], type.lowercased().hasPrefix("application/json") else {
            throw RequestRefused(.unsupportedMediaType, code: "unsupported_media_type", message: "请求体应为 application/json")
        }
        var buffer: ByteBuffer
        do {
            buffer = try await request.body.collect(upTo: configuration.maximumRequestBytes)
        } catch is NIOTooManyBytesError {
            throw RequestRefused(.contentTooLarge, code: "payload_too_large",
                                 message: "请求体超过 \(configuration.maximumRequestBytes / 1_048_576) MB; 请减小每批记录数 (--batch-size)")
        } catch {
            // The client stopped sending before the body it announced was complete.
            throw RequestRefused(.badRequest, code: "bad_request", message: "请求体不完整 (连接在传输中断开); 请重新同步")
        }
        let bytes = buffer.readBytes(length: buffer.readableBytes) ?? []
        guard let encoding = request.headers[.contentEncoding], encoding.lowercased().contains("gzip") else { return bytes }
        do {
            return try Gzip.decompress(bytes, limit: configuration.maximumDecompressedBytes)
        } catch .tooLarge {
            throw RequestRefused(.contentTooLarge, code: "payload_too_large",
                                 message: "解压后的请求体超过 \(configuration.maximumDecompressedBytes / 1_048_576) MB")
        } catch {
            throw RequestRefused(.badRequest, code: "bad_request", message: "请求体不是完整的 gzip 数据")
        }
    }
}

/// Small JSON bodies the server writes by hand.
enum JSONValueBody {
    static func status(protocol: Int, schema: Int, unit: String, name: String) -> [UInt8] {
        func quoted(_ text: String) -> String {
            "\"" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
        }
        return Array("{\"protocol\":\(`protocol`),\"schema\":\(schema),\"unit\":\(quoted(unit)),\"name\":\(quoted(name))}".utf8)
    }
}
