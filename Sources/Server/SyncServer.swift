import Hummingbird
import Logging
import NIOCore
import Storage
import SyncCore

/// The township's sync server: `main` (through `gongkai serve`) and the tests both build it here.
public enum SyncServer {
    /// Builds the application over a replica. `onListening` receives the bound port (useful
    /// with port 0).
    public static func buildApplication(replica: Replica, configuration: ServerConfiguration, logger: Logger,
                                        onListening: @escaping @Sendable (Int) async -> Void = { _ in }) throws -> some ApplicationProtocol {
        let router = Router(context: SyncRequestContext.self)
        let routes = SyncRoutes(replica: replica, service: SyncService(store: replica), configuration: configuration,
                                sessions: SessionLog(logger: logger))
        routes.register(on: router)
        return Application(
            responder: JSONErrorResponder(inner: router.buildResponder()),
            configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "gongkai"),
            onServerRunning: { channel in await onListening(channel.localAddress?.port ?? configuration.port) },
            logger: logger
        )
    }
}

/// Answers what the router itself refuses (an unknown path, a wrong method) with a JSON error
/// body like every other error, instead of an empty one.
struct JSONErrorResponder<Inner: HTTPResponder>: HTTPResponder where Inner.Context == SyncRequestContext {
    let inner: Inner

    func respond(to request: Request, context: SyncRequestContext) async throws -> Response {
        do {
            return try await inner.respond(to: request, context: context)
        } catch let error as HTTPError {
            let code = error.status == .notFound ? "not_found" : error.status == .methodNotAllowed ? "method_not_allowed" : "bad_request"
            let message = error.status == .notFound ? "没有这个接口: \(request.method) \(request.uri.path); 见 docs/PROTOCOL.md" : "请求无效 (\(error.status))"
            return RequestRefused(error.status, code: code, message: message)
                .response(compress: request.headers[.acceptEncoding]?.contains("gzip") ?? false)
        }
    }
}
