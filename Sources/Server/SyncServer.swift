import HTTPTypes
import Hummingbird
import HummingbirdCore
import HummingbirdTLS
import NIOSSL
import Logging
import NIOCore
import ServiceLifecycle
import SyncCore

/// The township's sync server: `main` (through `gongkai serve`) and the tests both build it here.
public enum SyncServer {
    /// Builds the application over a serving store (any implementation of `SyncServingStore`).
    /// `onListening` receives the bound port (useful with port 0).
    public static func buildApplication(store: any SyncServingStore, configuration: ServerConfiguration, logger: Logger,
                                        onListening: @escaping @Sendable (Int) async -> Void = { _ in }) throws -> some ApplicationProtocol {
        let router = Router(context: SyncRequestContext.self)
        let refusals = RefusalSummary(logger: logger, seconds: configuration.refusalSummarySeconds)
        let routes = SyncRoutes(store: store, service: SyncService(store: store), configuration: configuration,
                                sessions: SessionLog(logger: logger), lanes: DatabaseLanes(concurrentWrites: store.takesConcurrentWrites),
                                gate: TokenGate(limit: configuration.maximumRequestsPerToken, connectionLimit: configuration.maximumConnectionsPerToken),
                                refusals: refusals)
        routes.register(on: router)
        let connections = ConnectionLedger(perAddress: configuration.maximumConnectionsPerAddress)
        return Application(
            responder: JSONErrorResponder(inner: router.buildResponder()),
            server: try httpServer(configuration, connections: connections, refusals: refusals),
            configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "gongkai"),
            services: [RefusalSummaryFlusher(summary: refusals, seconds: configuration.refusalSummarySeconds)],
            onServerRunning: { channel in await onListening(channel.localAddress?.port ?? configuration.port) },
            logger: logger
        )
    }
}

extension SyncServer {
    /// HTTP/1.1, or HTTPS when a certificate and key are given; either way with the timeouts
    /// that close idle, stalled and crawling connections.
    static func httpServer(_ configuration: ServerConfiguration, connections: ConnectionLedger, refusals: RefusalSummary) throws -> HTTPServerBuilder {
        let window = TimeAmount.seconds(configuration.bodyWindowSeconds)
        let (minimum, maximum) = (configuration.minimumBodyBytesPerWindow, TimeAmount.seconds(configuration.maximumRequestSeconds))
        let http1 = HTTP1Channel.Configuration(
            additionalChannelHandlers: [
                ConnectionCap(ledger: connections) { address in refusals.refused(code: "too_many_connections", client: address, path: "(连接)") },
                SlowRequestGuard(window: window, minimumBytesPerWindow: minimum, maximumDuration: maximum),
                AnswerDrainGuard(window: window, minimumBytesPerWindow: minimum, maximumDuration: maximum),
            ],
            idleTimeout: .seconds(configuration.idleTimeoutSeconds))
        guard let certificatePath = configuration.tlsCertificatePath, let keyPath = configuration.tlsKeyPath else {
            return .http1(configuration: http1)
        }
        do {
            let chain = try NIOSSLCertificate.fromPEMFile(certificatePath).map { NIOSSLCertificateSource.certificate($0) }
            let key = try NIOSSLPrivateKey(file: keyPath, format: .pem)
            let tls = TLSConfiguration.makeServerConfiguration(certificateChain: chain, privateKey: .privateKey(key))
            return try .tls(.http1(configuration: http1), tlsConfiguration: tls)
        } catch {
            throw ServerSetupError(message: "无法读取 HTTPS 证书或私钥 (\(certificatePath), \(keyPath)): \(error); 请确认它们是 PEM 格式且可读")
        }
    }
}

/// Writes the summary of refused requests once per window, even when no more come.
struct RefusalSummaryFlusher: Service {
    let summary: RefusalSummary
    let seconds: Double

    func run() async throws {
        try? await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                try await Task.sleep(for: .seconds(seconds))
                summary.flush()
            }
        }
    }
}

/// The server cannot start as configured.
public struct ServerSetupError: Error, CustomStringConvertible {
    public let message: String
    public var description: String { message }
}

/// Answers what the router itself refuses (an unknown path, a wrong method) with a JSON error
/// body like every other error, instead of an empty one.
struct JSONErrorResponder<Inner: HTTPResponder>: HTTPResponder where Inner.Context == SyncRequestContext {
    let inner: Inner

    func respond(to request: Request, context: SyncRequestContext) async throws -> Response {
        let response: Response
        do {
            response = try await inner.respond(to: request, context: context)
        } catch let error as HTTPError {
            return json(error.status, request)
        }
        // The router answers an unknown path or method itself, with an empty body.
        guard response.status.code >= 400, response.headers[.contentType] == nil else { return response }
        return json(response.status, request)
    }

    private func json(_ status: HTTPResponse.Status, _ request: Request) -> Response {
        let code = status == .notFound ? "not_found" : status == .methodNotAllowed ? "method_not_allowed" : "bad_request"
        let message = status == .notFound ? "没有这个接口: \(request.method) \(request.uri.path.prefix(100)); 见 docs/PROTOCOL.md" : "请求无效 (\(status))"
        return RequestRefused(status, code: code, message: message)
            .response(compress: request.headers[.acceptEncoding]?.contains("gzip") ?? false)
    }
}
