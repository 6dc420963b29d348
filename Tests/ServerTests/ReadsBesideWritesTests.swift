import Foundation
import Records
import Server
@testable import Storage
import SyncCore
import Synchronization
import Testing
import TestSupport
import TestTiers

@Suite("Reads beside writes at the real server", .tags(.slow), .fullSuiteOnly)
struct ReadsBesideWritesTests {
    static let token = "gk_reads_beside_writes"

    @Test("while a write holds the database, status, health, token checks and pulls answer; the waiting push goes through after")
    func readsDoNotWaitForWrites() async throws {
        // Given a server with a laptop's records, on loopback
        let harness = try SyncHarness(laptops: 1)
        _ = try harness.server.devices.issueToken(Self.token, unit: village.code, secret: testServerSecret, now: 1)
        let laptop = harness.laptops[0]
        for index in 0..<20 { _ = try laptop.records.create(.fees, id: "f\(index)", input: ["collected_on": "2021-01-01", "amount_yuan": "1"], now: 1) }
        let server = try await RunningServer.start(harness.server.serving)
        defer { Task { await server.stop() } }
        try await harness.sync(laptop, transport: server.transport(token: Self.token))
        _ = try laptop.records.create(.fees, id: "late", input: ["collected_on": "2021-01-02", "amount_yuan": "2"], now: 2)

        // When a write holds the server's writing connection (as a long merge would)
        let holding = DispatchSemaphore(value: 0)
        let release = DispatchSemaphore(value: 0)
        let writer = harness.server
        Thread.detachNewThread {
            _ = try? writer.database.withConnection { _ in
                holding.signal()
                release.wait()
            }
        }
        holding.wait()
        // And a push is sent meanwhile: it waits for the write
        let push = Task { try await harness.sync(laptop, transport: server.transport(token: Self.token)) }

        // Then what only reads answers: status, health (counting the waiting write), a pull
        let port = server.port
        let (status, health) = try await blocking { () -> (RawHTTPConnection.Response, RawHTTPConnection.Response) in
            let status = try RawHTTPConnection(port: port, readTimeout: 10).request("GET", "/v1/status")
            var health = try RawHTTPConnection(port: port, readTimeout: 10).request("GET", "/v1/health")
            // The push reaches the write lane a moment after it is sent.
            for _ in 0..<100 where !health.text.contains("\"writes_waiting\":1") {
                Thread.sleep(forTimeInterval: 0.02)
                health = try RawHTTPConnection(port: port, readTimeout: 10).request("GET", "/v1/health")
            }
            return (status, health)
        }
        #expect(status.status == 200 && status.text.contains("\"unit\":\"640522100000\""), "\(status.text)")
        #expect(health.status == 200 && health.text.contains("\"writes_waiting\":1") && health.text.contains("\"status\":\"ok\""), "\(health.text)")
        let pulled = try await server.transport(token: Self.token).pull(
            PullRequest(schemaVersion: try laptop.database.schemaVersion(), sender: try laptop.syncing.siteInfo(), senderCounter: try laptop.syncing.counter(),
                        cursor: nil, limit: 100))
        #expect(pulled.records.isEmpty && !pulled.more)
        #expect(!push.isCancelled)

        // And once the write is done, the push goes through
        release.signal()
        let report = try await push.value
        #expect(report.pushed == 1)
        #expect(report.converged == true)
        #expect(try harness.server.records.record(.fees, id: "late") != nil)
    }

    @Test("a token gets at most 4 requests handled at once; the next is answered 429, and taken again once one ends")
    func requestsPerToken() async throws {
        let harness = try SyncHarness(laptops: 1)
        _ = try harness.server.devices.issueToken(Self.token, unit: village.code, secret: testServerSecret, now: 1)
        let server = try await RunningServer.start(harness.server.serving)
        defer { Task { await server.stop() } }
        let port = server.port
        _ = try harness.server.devices.issueToken(Self.token + "2", unit: village.code, secret: testServerSecret, now: 1)
        // The in-process server answers on this process's few task threads: the raw client blocks elsewhere.
        try await blocking { try Self.fiveAtOnce(port: port) }
    }

    static func fiveAtOnce(port: Int) throws {
        let headers = ["Authorization": "Bearer \(Self.token)", "Content-Type": "application/json"]
        // Given four requests of one token whose bodies are still coming
        var stalled: [RawHTTPConnection] = []
        for _ in 0..<4 {
            let connection = try RawHTTPConnection(port: port)
            connection.send(RawHTTPConnection.head("POST", "/v1/sink", headers: headers, bodyLength: 10) + "12345")
            stalled.append(connection)
        }
        // When a fifth comes, until the server has taken the four in
        var fifth = try RawHTTPConnection(port: port).request("POST", "/v1/sink", headers: headers, body: Array("0123456789".utf8))
        for _ in 0..<100 where fifth.status == 200 {
            Thread.sleep(forTimeInterval: 0.02)
            fifth = try RawHTTPConnection(port: port).request("POST", "/v1/sink", headers: headers, body: Array("0123456789".utf8))
        }
        // Then it is refused for now, saying why
        #expect(fifth.status == 429, "\(fifth.text)")
        #expect(fifth.errorCode == "too_many_requests")
        // And another token is not held back by this one
        let other = try RawHTTPConnection(port: port).request("POST", "/v1/sink", headers: headers.merging(["Authorization": "Bearer \(Self.token)2"]) { $1 },
                                                                     body: Array("0123456789".utf8))
        #expect(other.status == 200)
        // And once one of the four ends, the token is served again
        stalled[0].send("67890")
        #expect(try stalled[0].readResponse().status == 200)
        let again = try RawHTTPConnection(port: port).request("POST", "/v1/sink", headers: headers, body: Array("0123456789".utf8))
        #expect(again.status == 200, "\(again.text)")
    }
}

/// Runs blocking work (a raw socket client) on a Dispatch thread, off the few threads that run
/// Swift tasks — which the in-process server under test needs to answer it.
func blocking<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        DispatchQueue.global().async { continuation.resume(with: Result { try body() }) }
    }
}
