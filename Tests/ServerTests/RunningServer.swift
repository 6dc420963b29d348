import Foundation
import Logging
import Server
import SyncCore
import SyncHTTP
import TestSupport

/// The real HTTP server, in this process, on a free loopback port.
final class RunningServer: Sendable {
    let port: Int
    private let task: Task<Void, any Error>

    private init(port: Int, task: Task<Void, any Error>) {
        self.port = port
        self.task = task
    }

    static func start(_ store: any SyncServingStore, configure: (inout ServerConfiguration) -> Void = { _ in }) async throws -> RunningServer {
        var configuration = ServerConfiguration()
        configuration.port = 0
        configure(&configuration)
        var logger = Logger(label: "test-server")
        logger.logLevel = .critical
        let (ports, continuation) = AsyncStream<Int>.makeStream()
        let app = try SyncServer.buildApplication(store: store, configuration: configuration, logger: logger) { continuation.yield($0) }
        let task = Task { try await app.run() }
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next() else { throw CancellationError() }
        return RunningServer(port: port, task: task)
    }

    var url: String { "http://127.0.0.1:\(port)" }

    func transport(token: String, attempts: Int = 1) -> CurlTransport {
        var configuration = HTTPClientConfiguration(baseURL: url, token: token, session: "test-\(UUID().uuidString.prefix(8))")
        configuration.attempts = attempts
        configuration.retryDelay = 0.01
        return CurlTransport(configuration: configuration)
    }

    func stop() async {
        task.cancel()
        _ = await task.result
    }
}
