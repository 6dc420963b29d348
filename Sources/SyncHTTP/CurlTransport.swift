import SyncWire
import SyncCore
import CCurl
import Dispatch
import Synchronization

/// How the HTTP client reaches the server, and how patiently.
public struct HTTPClientConfiguration: Sendable {
    /// `http://host:port` or `https://host`, without a trailing slash.
    public var baseURL: String
    public var token: String
    /// A PEM file of certificate authorities to trust instead of the system's (a township's own CA).
    public var caCertificatePath: String?
    public var connectTimeoutSeconds = 20
    /// A transfer slower than this many bytes per second for `lowSpeedSeconds` is cut and retried.
    public var lowSpeedBytesPerSecond = 30
    public var lowSpeedSeconds = 60
    /// Tries per request on transient failures (cuts, timeouts, 5xx), waiting `retryDelay`
    /// seconds before the second and doubling after each.
    public var attempts = 5
    public var retryDelay = 1.0
    /// Names the sync session in every request, so that the server logs it as one.
    public var session: String
    /// The most a response may hold after decompression.
    public var maximumResponseBytes = 256 * 1024 * 1024
    /// Told before each retry: the failure, the attempt about to be made, how many in all, and
    /// the seconds it waits first (so that a person sees the client is still trying).
    public var onRetry: (@Sendable (_ failure: HTTPFailure, _ attempt: Int, _ attempts: Int, _ wait: Double) -> Void)?

    public init(baseURL: String, token: String, session: String, caCertificatePath: String? = nil) {
        var url = baseURL
        while url.hasSuffix("/") { url.removeLast() }
        self.baseURL = url
        self.token = token
        self.session = session
        self.caCertificatePath = caCertificatePath
    }
}

/// What the client did on the wire.
public struct HTTPStatistics: Sendable, Equatable {
    public var requests = 0
    public var retries = 0
    /// Bytes sent and received, headers included, bodies compressed as they travelled.
    public var bytesSent = 0
    public var bytesReceived = 0

    public init() {}
}

/// A failure of the HTTP exchange itself (not a refusal by the server's logic).
public enum HTTPFailure: Error, Sendable, Equatable, CustomStringConvertible {
    /// The connection failed, was cut or timed out.
    case connection(code: Int, detail: String)
    /// The server's certificate could not be verified.
    case certificate(detail: String)
    /// The server answered with an error status and message.
    case status(code: Int, message: String)
    /// The server's answer did not follow the protocol.
    case malformed(String)
    /// libcurl could not be loaded on this machine.
    case library(String)

    /// What a libcurl error code means, in words for an official, with libcurl's own text.
    public static func cause(code: Int, detail: String) -> String {
        let cause: String? = switch code {
        case 5: "代理服务器的地址无法解析"
        case 6: "找不到服务器: 地址中的域名无法解析 (检查地址拼写, 以及这台电脑能否上网)"
        case 7: "连不上服务器: 服务器没有运行、地址或端口不对, 或被防火墙挡住"
        case 18: "回答传到一半连接就断了"
        case 28: "服务器长时间没有回应 (超时)"
        case 35: "HTTPS 握手失败 (地址是 https:// 而服务器不是, 或网络设备拦截)"
        case 52: "服务器没有回答就断开了连接"
        case 55: "发送数据时连接断了"
        case 56: "接收数据时连接断了"
        default: nil
        }
        guard let cause else { return detail }
        return "\(cause) (libcurl: \(detail))"
    }

    public var isTransient: Bool {
        switch self {
        case .connection: true
        // 507: the server's disk is full; trying again at once cannot help.
        case .status(let code, _): (code >= 500 && code != 507) || code == 429 || code == 408
        case .certificate, .malformed, .library: false
        }
    }

    public var description: String {
        switch self {
        case .connection(let code, let detail):
            "无法与服务器通信: \(HTTPFailure.cause(code: code, detail: detail)); 已自动重试。请检查网络后再运行 gongkai sync, 已完成的部分不会重复"
        case .certificate(let detail):
            "服务器的证书无法验证 (\(detail)); 如乡镇使用自建的证书颁发机构, 请用 --cacert 指定其证书文件"
        case .status(let code, let message):
            "服务器拒绝了请求 (HTTP \(code)): \(message)"
        case .malformed(let detail):
            "服务器的回答无法识别 (\(detail)); 请确认地址指向 gongkai 服务器, 且两边版本一致"
        case .library(let detail):
            "无法加载 libcurl (\(detail)); 同步需要它, 请安装: apt-get install libcurl4"
        }
    }
}

/// The sync transport over HTTP, through libcurl: gzip both ways, a bearer token, connect and
/// low-speed timeouts, retries with backoff on transient failures, one kept-alive connection.
public final class CurlTransport: SyncTransport {
    public let configuration: HTTPClientConfiguration
    private let handle: Mutex<CurlHandle>
    private let counters = Mutex(HTTPStatistics())

    public init(configuration: HTTPClientConfiguration) {
        self.configuration = configuration
        handle = Mutex(CurlHandle())
    }

    public var statistics: HTTPStatistics { counters.withLock { $0 } }

    public func push(_ request: PushRequest) async throws -> PushResponse {
        try await push(prepare(request))
    }

    /// Encodes and compresses the push: the client does this for its next batch while the
    /// server merges the last.
    public func prepare(_ request: PushRequest) -> PreparedPush {
        PreparedPush(request, body: Gzip.compress(Wire.encode(request)))
    }

    public func push(_ prepared: PreparedPush) async throws -> PushResponse {
        try await post("/v1/push", compressed: prepared.body ?? Gzip.compress(Wire.encode(prepared.request)), decode: Wire.pushResponse)
    }

    public func pull(_ request: PullRequest) async throws -> PullResponse {
        try await post("/v1/pull", compressed: Gzip.compress(Wire.encode(request)), decode: Wire.pullResponse)
    }

    /// The unit this token records for, and the server's (`/v1/identity`).
    public func identity() async throws -> TokenIdentity {
        try await post("/v1/identity", compressed: Gzip.compress(Array("{}".utf8)), decode: Wire.tokenIdentity)
    }

    public func done(_ request: DoneRequest) async throws -> DoneResponse {
        try await post("/v1/done", compressed: Gzip.compress(Wire.encode(request)), decode: Wire.doneResponse)
    }

    /// POSTs a JSON body gzip-compressed, retrying transient failures, and decodes the response
    /// of a 200. A 200 whose body cannot be decoded arrived damaged (a cut at the wrong moment)
    /// and is retried like a cut. Refusals come back as `SyncRefused`.
    func post<T>(_ path: String, compressed: [UInt8], decode: @escaping @Sendable ([UInt8]) throws -> T) async throws -> T {
        var delay = configuration.retryDelay
        var attempt = 1
        while true {
            do {
                let payload = try await blockingOffThePool { try self.exchange(path, compressed) }
                do {
                    return try decode(payload)
                } catch {
                    throw HTTPFailure.connection(code: 0, detail: "回答不完整或无法解析 (\(payload.count) 字节)")
                }
            } catch let failure as HTTPFailure where failure.isTransient && attempt < configuration.attempts {
                counters.withLock { $0.retries += 1 }
                configuration.onRetry?(failure, attempt + 1, configuration.attempts, delay)
                try await Task.sleep(nanoseconds: UInt64(delay * 1_000_000_000))
                delay *= 2
                attempt += 1
            }
        }
    }

    /// libcurl blocks its thread for the whole transfer: run it on a thread of its own, not on
    /// one of the few threads that run Swift tasks (which a server in the same process needs).
    private func blockingOffThePool<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async {
                continuation.resume(with: Result { try work() })
            }
        }
    }

    private func exchange(_ path: String, _ body: [UInt8]) throws -> [UInt8] {
        let (status, response, sent, received) = try handle.withLock { curl in
            try curl.perform(url: configuration.baseURL + path, body: body, configuration: configuration)
        }
        counters.withLock {
            $0.requests += 1
            $0.bytesSent += sent
            $0.bytesReceived += received
        }
        let payload: [UInt8]
        if response.starts(with: [0x1F, 0x8B]) {
            do {
                payload = try Gzip.decompress(response, limit: configuration.maximumResponseBytes)
            } catch {
                throw HTTPFailure.connection(code: 0, detail: "回答不完整")
            }
        } else {
            payload = response
        }
        guard status == 200 else {
            if let error = Wire.error(payload) {
                if let refusal = error.refusal { throw refusal }
                throw HTTPFailure.status(code: status, message: error.message)
            }
            throw HTTPFailure.status(code: status, message: String(decoding: payload.prefix(200), as: UTF8.self))
        }
        return payload
    }
}

/// One libcurl easy handle, reused so that the connection is kept alive between requests.
final class CurlHandle {
    /// Made on the first request, once libcurl is loaded.
    private var easy: UnsafeMutableRawPointer?

    deinit { if let easy { gongkai_curl_easy_cleanup(easy) } }

    private func ready() throws -> UnsafeMutableRawPointer {
        if let easy { return easy }
        if let failure = gongkai_curl_load() { throw HTTPFailure.library(String(cString: failure)) }
        guard let made = gongkai_curl_easy_init() else { throw HTTPFailure.library("curl_easy_init") }
        easy = made
        return made
    }

    /// Performs one POST; returns the status, the raw body, and the bytes sent and received.
    func perform(url: String, body: [UInt8], configuration: HTTPClientConfiguration) throws -> (Int, [UInt8], Int, Int) {
        let easy = try ready()
        let sink = ResponseSink(limit: configuration.maximumResponseBytes)
        var headers: UnsafeMutablePointer<curl_slist>?
        for header in ["Content-Type: application/json", "Content-Encoding: gzip", "Accept-Encoding: gzip", "Expect:",
                       "Authorization: Bearer \(configuration.token)", "X-Gongkai-Session: \(configuration.session)"] {
            headers = gongkai_curl_slist_append(headers, header)
        }
        defer { gongkai_curl_slist_free_all(headers) }
        gongkai_curl_setopt_string(easy, CURLOPT_URL, url)
        gongkai_curl_setopt_pointer(easy, CURLOPT_HTTPHEADER, UnsafeMutableRawPointer(headers))
        gongkai_curl_setopt_long(easy, CURLOPT_POST, 1)
        gongkai_curl_setopt_long(easy, CURLOPT_NOSIGNAL, 1)
        gongkai_curl_setopt_long(easy, CURLOPT_CONNECTTIMEOUT, configuration.connectTimeoutSeconds)
        gongkai_curl_setopt_long(easy, CURLOPT_LOW_SPEED_LIMIT, configuration.lowSpeedBytesPerSecond)
        gongkai_curl_setopt_long(easy, CURLOPT_LOW_SPEED_TIME, configuration.lowSpeedSeconds)
        gongkai_curl_setopt_long(easy, CURLOPT_TCP_NODELAY, 1)
        gongkai_curl_setopt_long(easy, CURLOPT_SSL_VERIFYPEER, 1)
        gongkai_curl_setopt_long(easy, CURLOPT_SSL_VERIFYHOST, 2)
        if let ca = configuration.caCertificatePath { gongkai_curl_setopt_string(easy, CURLOPT_CAINFO, ca) }
        gongkai_curl_setopt_write_function(easy) { data, size, count, context in
            let sink = Unmanaged<ResponseSink>.fromOpaque(context!).takeUnretainedValue()
            return sink.append(data, size * count)
        }
        let code: CURLcode = withExtendedLifetime(sink) {
            gongkai_curl_setopt_pointer(easy, CURLOPT_WRITEDATA, Unmanaged.passUnretained(sink).toOpaque())
            return body.withUnsafeBufferPointer { buffer in
                gongkai_curl_setopt_pointer(easy, CURLOPT_POSTFIELDS, UnsafeMutableRawPointer(mutating: buffer.baseAddress))
                gongkai_curl_setopt_off_t(easy, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(buffer.count))
                return gongkai_curl_easy_perform(easy)
            }
        }
        gongkai_curl_setopt_pointer(easy, CURLOPT_POSTFIELDS, nil)
        var status = 0
        var requestHeaderBytes = 0
        var responseHeaderBytes = 0
        var uploaded: curl_off_t = 0
        var downloaded: curl_off_t = 0
        gongkai_curl_getinfo_long(easy, CURLINFO_RESPONSE_CODE, &status)
        gongkai_curl_getinfo_long(easy, CURLINFO_REQUEST_SIZE, &requestHeaderBytes)
        gongkai_curl_getinfo_long(easy, CURLINFO_HEADER_SIZE, &responseHeaderBytes)
        gongkai_curl_getinfo_off_t(easy, CURLINFO_SIZE_UPLOAD_T, &uploaded)
        gongkai_curl_getinfo_off_t(easy, CURLINFO_SIZE_DOWNLOAD_T, &downloaded)
        guard code == CURLE_OK else {
            let detail = String(cString: gongkai_curl_easy_strerror(code))
            switch code {
            case CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CACERT_BADFILE, CURLE_SSL_CERTPROBLEM:
                throw HTTPFailure.certificate(detail: detail)
            case CURLE_URL_MALFORMAT, CURLE_UNSUPPORTED_PROTOCOL:
                throw HTTPFailure.status(code: 0, message: "服务器地址 \(url) 无效 (\(detail))")
            case CURLE_WRITE_ERROR where sink.exceeded:
                throw HTTPFailure.malformed("回答超过 \(configuration.maximumResponseBytes / 1_048_576) MB")
            default:
                throw HTTPFailure.connection(code: Int(code.rawValue), detail: detail)
            }
        }
        // CURLINFO_REQUEST_SIZE counts what curl wrote with the request line and headers: a POST body
        // under 64 kB (MAX_INITIAL_POST_SIZE) goes out in that same write, a larger one after it.
        let sent = body.count < 64 * 1024 ? requestHeaderBytes : requestHeaderBytes + Int(uploaded)
        return (status, sink.bytes, sent, responseHeaderBytes + Int(downloaded))
    }
}

/// Collects a response body, up to a limit.
final class ResponseSink {
    var bytes: [UInt8] = []
    let limit: Int
    var exceeded = false

    init(limit: Int) { self.limit = limit }

    func append(_ data: UnsafeMutablePointer<CChar>?, _ count: Int) -> Int {
        guard let data else { return count }
        if bytes.count + count > limit {
            exceeded = true
            return 0
        }
        data.withMemoryRebound(to: UInt8.self, capacity: count) { bytes.append(contentsOf: UnsafeBufferPointer(start: $0, count: count)) }
        return count
    }
}
