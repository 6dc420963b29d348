import Foundation
import TestSupport
#if canImport(Glibc)
import Glibc
#endif
import SyncCore
import SyncHTTP
import SyncWire
import Synchronization
import Testing
import TestTiers

/// A one-answer HTTP server: every connection gets `response` and is closed. For answers the
/// real server never gives but a cut link can produce.
final class CannedServer: Sendable {
    let port: Int
    private let listener: Int32
    private let served = Mutex(0)

    init(response: [UInt8]) throws {
        let (listener, port) = try LoopbackListener.open(backlog: 8)
        self.listener = listener
        self.port = port
        Thread.detachNewThread { [self] in
            while true {
                let client = accept(listener, nil, nil)
                if client < 0 { return }
                var buffer = [UInt8](repeating: 0, count: 65_536)
                _ = read(client, &buffer, buffer.count)
                // Counted before answering, so that the count is complete once the client has its answer.
                served.withLock { $0 += 1 }
                _ = response.withUnsafeBytes { send(client, $0.baseAddress, response.count, Int32(MSG_NOSIGNAL)) }
                shutdown(client, Int32(SHUT_RDWR))
                close(client)
            }
        }
    }

    var requests: Int { served.withLock { $0 } }

    func stop() {
        shutdown(listener, Int32(SHUT_RDWR))
        close(listener)
    }
}

/// Regressions from the fault suite's "cut at byte offsets, each direction" (a cut after the
/// status line of a 200): the client must retry and then report a connection failure, never
/// take the damaged answer for a protocol error.
@Suite("Regression: cut at byte offsets, each direction", .tags(.slow), .fullSuiteOnly)
struct DamagedResponseTests {
    static let headers = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\n"

    @Test("a 200 with an empty body, with a cut gzip body, or with broken JSON is retried and reported as a connection failure",
          arguments: ["empty", "cut gzip", "broken JSON"])
    func damaged200(kind: String) async throws {
        let body: [UInt8] = switch kind {
        case "empty": []
        case "cut gzip": Array(Gzip.compress(Array(#"{"changed":0,"conflicted":0,"refused":[],"restarted":false}"#.utf8)).prefix(20))
        default: Array(#"{"changed":0,"conf"#.utf8)
        }
        let encoding = kind == "cut gzip" ? "Content-Encoding: gzip\r\n" : ""
        let server = try CannedServer(response: Array("\(Self.headers)\(encoding)Content-Length: \(body.count)\r\n\r\n".utf8) + body)
        defer { server.stop() }
        var configuration = HTTPClientConfiguration(baseURL: "http://127.0.0.1:\(server.port)", token: "t", session: "s")
        configuration.attempts = 3
        configuration.retryDelay = 0.01
        let transport = CurlTransport(configuration: configuration)
        let sender = SiteInfo(site: SiteID("00000000000000a1")!, deviceName: "d", unit: "u")
        do {
            _ = try await transport.push(PushRequest(schemaVersion: 3, sender: sender, senderCounter: 0, records: []))
            Issue.record("a damaged answer was accepted")
        } catch let failure as HTTPFailure {
            guard case .connection = failure else { Issue.record("wrong failure: \(failure)"); return }
        }
        #expect(server.requests == 3)
        #expect(transport.statistics.retries == 2)
    }
}
