import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import SyncCore
import SyncWire

/// The request context of the sync server: who is at the other end of the connection.
public struct SyncRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The client's address, for the log.
    public let client: String
    /// The connection, whose requests its token's gate counts.
    let connection: any Channel

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        client = source.channel.remoteAddress?.ipAddress ?? "?"
        connection = source.channel
    }
}

/// The protocol's endpoints (docs/PROTOCOL.md): each checks the device token, admits at most a
/// few requests of one token at once, reads a gzip JSON body within the size caps, calls
/// `SyncService` on a database lane (writes one at a time, reads beside them), and answers gzip
/// JSON; every failure is a JSON error with its status, and is logged without anything the
/// client chose left unescaped.
struct SyncRoutes: Sendable {
    let store: any SyncServingStore
    let service: SyncService
    let configuration: ServerConfiguration
    let sessions: SessionLog
    let lanes: DatabaseLanes
    let gate: TokenGate
    let refusals: RefusalSummary

    func register(on router: Router<SyncRequestContext>) {
        router.post("/v1/push") { request, context in await handle(request, context) { body, access, session in
            let push = try Wire.pushRequest(body)
            let (service, now) = (service, now())
            let response = try await lanes.write { try service.push(push, peer: access.peer, now: now) }
            let json = Wire.encode(response)
            await sessions.record(session: session, access: access, client: context.client, sender: push.sender,
                                  pushed: push.records.count - response.refused.count, conflicts: response.conflicted,
                                  bytesIn: body.count, bytesOut: json.count)
            return json
        } }
        router.post("/v1/pull") { request, context in await handle(request, context) { body, access, session in
            let pull = try Wire.pullRequest(body)
            let (service, now) = (service, now())
            var response = try await lanes.read { try service.pull(pull, peer: access.peer, now: now) }
            // A page that holds nothing ends the sync it carries the end of (no `done` follows).
            let finish = service.finish(of: pull, after: response)
            if let finish {
                let done = try await lanes.write { try service.done(finish, peer: access.peer, now: now) }
                response = response.finished(done)
            }
            let json = Wire.encode(response)
            await sessions.record(session: session, access: access, client: context.client, sender: pull.sender,
                                  pulled: response.records.count, bytesIn: body.count, bytesOut: json.count)
            if let done = response.done { await sessions.finish(session: session, access: access, converged: done.converged) }
            return json
        } }
        router.post("/v1/done") { request, context in await handle(request, context) { body, access, session in
            let done = try Wire.doneRequest(body)
            let (service, now) = (service, now())
            let response = try await lanes.write { try service.done(done, peer: access.peer, now: now) }
            await sessions.record(session: session, access: access, client: context.client, sender: done.sender, bytesIn: body.count,
                                  bytesOut: 0)
            await sessions.finish(session: session, access: access, converged: response.converged)
            return Wire.encode(response)
        } }
        // The token's own unit and the server's: what `gongkai init --server` sets a new laptop up with.
        router.post("/v1/identity") { request, context in await handle(request, context) { _, access, _ in
            let store = store
            let status = try await lanes.read { try store.servingStatus() }
            return Wire.encode(TokenIdentity(unit: access.unit, server: status.unit))
        } }
        // Takes a body and throws it away: what a plain transfer costs, for `gongkai-bench`.
        router.post("/v1/sink") { request, context in await handle(request, context) { body, _, _ in
            Array("{\"bytes\":\(body.count)}".utf8)
        } }
        // Neither waits for a write: both read on connections of their own.
        router.get("/v1/status") { request, _ -> Response in
            await answer(request) { [store] in
                let status = try await lanes.read { try store.servingStatus() }
                return Wire.encode(ServerStatus(protocol: syncProtocolVersion, schema: status.schema, unit: status.unit.code, name: status.unit.name))
            }
        }
        router.get("/v1/health") { request, _ -> Response in
            await answer(request) { [store] in
                _ = try await lanes.read { try store.servingStatus() }
                let queue = lanes.writeQueue
                let free = store.freeDiskBytes()
                // Under a megabyte free, a push may fail any moment: monitoring sees it before villages do.
                return Wire.encode(ServerHealth(status: (free ?? .max) < 1 << 20 ? "disk_full" : "ok", writesWaiting: queue.count,
                                                oldestWriteSeconds: (queue.oldestSeconds * 1_000).rounded() / 1_000, freeDiskBytes: free))
            }
        }
    }

    /// A JSON answer that needs no token, or the error it ran into.
    private func answer(_ request: Request, _ body: () async throws -> [UInt8]) async -> Response {
        do {
            return JSONBody.response(try await body(), compress: accepts(request))
        } catch {
            return RequestRefused.from(error).response(compress: accepts(request))
        }
    }

    private func now() -> Int64 { Int64(Date().timeIntervalSince1970) }

    private func accepts(_ request: Request) -> Bool {
        request.headers[.acceptEncoding]?.contains("gzip") ?? false
    }

    private func handle(_ request: Request, _ context: SyncRequestContext,
                        _ body: @Sendable ([UInt8], DeviceAccess, String) async throws -> [UInt8]) async -> Response {
        let compress = accepts(request)
        var admitted: DeviceAccess?
        do {
            let access = try await authenticate(request)
            // The request keeps its place until its answer is written, not just computed.
            let place = try enter(access.device, on: context.connection)
            admitted = access
            let bytes = try await read(request)
            let session = request.headers[HTTPField.Name("X-Gongkai-Session")!] ?? "anonymous"
            return JSONBody.response(try await body(bytes, access, String(session.prefix(64))), compress: compress, holding: place)
        } catch {
            let refused = RequestRefused.from(error)
            log(refused, error, request, context, device: admitted?.device)
            return refused.response(compress: compress)
        }
    }

    /// A place at the device's gate for a request on `connection`, or the refusal (429).
    private func enter(_ device: String, on connection: any Channel) throws -> GatePlace {
        let id = ObjectIdentifier(connection)
        switch gate.enter(device, connection: id) {
        case .tooManyRequests:
            throw RequestRefused(.tooManyRequests, code: "too_many_requests",
                                 message: "此设备同时发来的请求超过 \(configuration.maximumRequestsPerToken) 个; 请稍候再试")
        case .tooManyConnections:
            throw RequestRefused(.tooManyRequests, code: "too_many_connections",
                                 message: "此设备同时打开的连接超过 \(configuration.maximumConnectionsPerToken) 个; 请稍候再试")
        case .admitted(let newConnection):
            if newConnection {
                connection.closeFuture.whenComplete { [gate] _ in gate.disconnected(device, connection: id) }
            }
            return GatePlace(gate: gate, device: device)
        }
    }

    /// One line per refusal worth a look, every client-chosen part escaped; 401s summarised.
    private func log(_ refused: RequestRefused, _ error: any Error, _ request: Request, _ context: SyncRequestContext, device: String?) {
        let path = LogText.quoted(request.uri.path)
        let client = LogText.quoted(context.client)
        let token = device.map { " token=\($0.prefix(8))" } ?? ""
        switch refused.status.code {
        case 401:
            refusals.refused(code: refused.error.code, client: context.client, path: request.uri.path)
        case 500...:
            context.logger.error("\(path): client=\(client)\(token) \(LogText.quoted(String(describing: error)))")
        case 403, 409, 413, 429:
            context.logger.warning("refused \(path) \(refused.status.code) \(refused.error.code): client=\(client)\(token) \(LogText.quoted(refused.error.message))")
        default:
            break
        }
    }

    private func authenticate(_ request: Request) async throws -> DeviceAccess {
        guard let header = request.headers[.authorization], header.hasPrefix("Bearer "), header.count > 7 else {
            throw RequestRefused(.unauthorized, code: "unauthorized",
                                 message: "缺少设备令牌; 请用 gongkai sync --token 令牌 (由乡镇用 gongkai admin issue-token 发放)")
        }
        let (store, token) = (store, String(header.dropFirst(7).prefix(256)))
        switch try await lanes.read({ try store.access(forToken: token) }) {
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
