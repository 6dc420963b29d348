import Foundation
import Testing
import TestSupport
import TestTiers

@Suite("Slow and stalled clients", .tags(.slow), .fullSuiteOnly)
struct SlowClientTests {
    /// How a connection misbehaves.
    enum Stall: CaseIterable {
        /// Connects and sends nothing.
        case idle
        /// Half a request head, then nothing.
        case halfHead
        /// A request head one byte at a time, forever (slowloris).
        case tricklingHead
        /// A whole head announcing 100,000 bytes, ten of them, then nothing.
        case halfBody
        /// A chunked body that never ends: one small chunk a second.
        case endlessChunks
    }

    @Test("100 half-sent requests are all closed by the server within 30 s, while a real sync started meanwhile completes")
    func halfSentRequestsAreClosed() throws {
        // Given a township server and an honest laptop with work to push
        let trust = try TrustTown()
        for index in 0..<50 {
            #expect(try trust.town.gongkai("b", ["fee", "add", "--id", "slow-\(index)", "--collected-on", "2021-04-01", "--amount-yuan", "1"]).status == 0)
        }
        // When 100 connections stall in every way a slow or hostile client can
        let started = Date()
        var connections: [(Stall, RawHTTPConnection)] = []
        let head = RawHTTPConnection.head("POST", "/v1/push", headers: trust.headers(), bodyLength: 100_000)
        for index in 0..<100 {
            let stall = Stall.allCases[index % Stall.allCases.count]
            // From two addresses of the attacker's own: one address may hold only 64 connections,
            // and the honest sync comes from 127.0.0.1.
            let connection = try RawHTTPConnection(port: trust.port, source: "127.0.0.\(2 + index % 2)")
            switch stall {
            case .idle: break
            case .halfHead: connection.send(String(head.prefix(40)))
            case .tricklingHead: connection.send(String(head.prefix(1)))
            case .halfBody: connection.send(head + "{\"counter\"")
            case .endlessChunks:
                connection.send(RawHTTPConnection.head("POST", "/v1/push", headers: trust.headers().merging(["Transfer-Encoding": "chunked"]) { $1 },
                                                       bodyLength: nil) + "1\r\n{\r\n")
            }
            connections.append((stall, connection))
        }
        // And, meanwhile, a real sync runs
        let sync = try trust.town.startSync("b")
        var closedAfter: [Int: Double] = [:]
        var sent = 1
        while closedAfter.count < connections.count, Date().timeIntervalSince(started) < 40 {
            for (index, (stall, connection)) in connections.enumerated() where closedAfter[index] == nil {
                if connection.peerHasClosed() {
                    closedAfter[index] = Date().timeIntervalSince(started)
                    continue
                }
                switch stall {
                case .tricklingHead where sent < head.utf8.count - 1: connection.send(String(Array(head)[sent]))
                case .endlessChunks: connection.send("1\r\nx\r\n")
                default: break
                }
            }
            sent += 1
            Thread.sleep(forTimeInterval: 1)
        }
        // Then every one was closed by the server within 30 s
        let open = connections.indices.filter { closedAfter[$0] == nil }.map { connections[$0].0 }
        #expect(open.isEmpty, "still open after 40 s: \(open)")
        let slowest = closedAfter.values.max() ?? 0
        #expect(slowest <= 30, "the last was closed after \(slowest) s")
        for stall in Stall.allCases {
            let times = connections.indices.filter { connections[$0].0 == stall }.compactMap { closedAfter[$0] }
            print("SLOW-CLIENTS \(stall): \(times.count) closed, the last after \(String(format: "%.1f", times.max() ?? 0)) s")
        }
        // And the sync completed and converged
        let result = try sync.wait()
        #expect(result.status == 0 && result.stderr.contains("一致"), "\(result.stderr)")
        #expect(try trust.sql("SELECT count(*) FROM fees WHERE id LIKE '%:slow-%'") == "50")
        try trust.honestLaptopsKeepSyncing("slow")
        #expect(try trust.integrity() == "ok")
    }
}
