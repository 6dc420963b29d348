import Foundation
import Records
@testable import Storage
import SyncCore
import Testing
import TestSupport

/// The transports the contract is checked against: in process, and over HTTP to the real
/// server on loopback with a village device token (which gives the same scope).
enum TransportKind: String, CaseIterable, Sendable {
    case inProcess
    case http

    func make(_ harness: SyncHarness, scope: SyncScope) async throws -> (any SyncTransport, @Sendable () async -> Void) {
        switch self {
        case .inProcess:
            return (harness.transport(scope), {})
        case .http:
            let token = "gk_contract_\(UUID().uuidString)"
            _ = try harness.server.devices.issueToken(token, unit: village.code, secret: testServerSecret, now: 1)
            let server = try await RunningServer.start(harness.server.serving)
            return (server.transport(token: token), { await server.stop() })
        }
    }
}

/// What every transport must do alike: carry pushes and pulls faithfully, page with a cursor,
/// and deliver the server's refusals as the same errors.
@Suite("Transport contract")
struct TransportContractTests {
    @Test("a push is merged on the server; another laptop's pull brings exactly its changes, the pusher's pull does not echo them",
          arguments: TransportKind.allCases)
    func pushThenPull(kind: TransportKind) async throws {
        let harness = try SyncHarness(laptops: 2)
        let (transport, stop) = try await kind.make(harness, scope: harness.villageScope)
        defer { Task { await stop() } }
        let laptop = harness.laptops[0]
        _ = try importCSV(laptop, .requests, requestsCSV)
        let (records, _) = try laptop.syncing.pendingChanges(limit: 10)
        let pushed = try await transport.push(PushRequest(schemaVersion: try laptop.database.schemaVersion(), sender: try laptop.syncing.siteInfo(),
                                                          senderCounter: try laptop.syncing.counter(), records: records))
        #expect(pushed.changed == 3)
        #expect(pushed.refused.isEmpty)
        #expect(!pushed.restarted)
        let echo = try await transport.pull(PullRequest(schemaVersion: try laptop.database.schemaVersion(), sender: try laptop.syncing.siteInfo(),
                                                        senderCounter: try laptop.syncing.counter(), cursor: nil, limit: 10))
        #expect(echo.records.isEmpty)
        #expect(echo.more == false)
        let other = harness.laptops[1]
        let pulled = try await transport.pull(PullRequest(schemaVersion: try other.database.schemaVersion(), sender: try other.syncing.siteInfo(),
                                                          senderCounter: 0, cursor: nil, limit: 10))
        #expect(pulled.records == records)
        #expect(pulled.more == false)
        #expect(pulled.sites.map(\.site) == [try laptop.syncing.siteInfo().site])
        #expect(pulled.units.map(\.code) == [township.code, village.code])
        // The pusher's cursor moved past its own records, as far as the other laptop's did
        #expect(echo.next.seq == pulled.next.seq)
    }

    @Test("pulls page through the changes with a cursor, each page at most the limit", arguments: TransportKind.allCases)
    func paging(kind: TransportKind) async throws {
        let harness = try SyncHarness(laptops: 1)
        for index in 0..<7 { _ = try harness.server.records.create(.fees, id: "f\(index)", unit: village.code, input: ["collected_on": "2021-01-01", "amount_yuan": "1"], now: 1) }
        let (transport, stop) = try await kind.make(harness, scope: harness.villageScope)
        defer { Task { await stop() } }
        let laptop = harness.laptops[0]
        var cursor: SyncCursor?
        var pages: [[String]] = []
        while true {
            let page = try await transport.pull(PullRequest(schemaVersion: try laptop.database.schemaVersion(), sender: try laptop.syncing.siteInfo(),
                                                            senderCounter: 0, cursor: cursor, limit: 3))
            pages.append(page.records.map(\.id))
            cursor = page.next
            if !page.more { break }
        }
        #expect(pages == [["f0", "f1", "f2"], ["f3", "f4", "f5"], ["f6"]])
        let empty = try await transport.pull(PullRequest(schemaVersion: try laptop.database.schemaVersion(), sender: try laptop.syncing.siteInfo(),
                                                         senderCounter: 0, cursor: cursor, limit: 3))
        #expect(empty.records.isEmpty)
        #expect(empty.next == cursor)
    }

    @Test("a cursor the server never issued (it was restored) starts the pull over, and says so", arguments: TransportKind.allCases)
    func unknownCursor(kind: TransportKind) async throws {
        let harness = try SyncHarness(laptops: 1)
        _ = try harness.server.records.create(.fees, id: "f1", unit: village.code, input: ["collected_on": "2021-01-01", "amount_yuan": "1"], now: 1)
        let (transport, stop) = try await kind.make(harness, scope: harness.villageScope)
        defer { Task { await stop() } }
        let laptop = harness.laptops[0]
        let page = try await transport.pull(PullRequest(schemaVersion: try laptop.database.schemaVersion(), sender: try laptop.syncing.siteInfo(),
                                                        senderCounter: 0, cursor: SyncCursor(mark: "forgotten", seq: 1_000), limit: 10))
        #expect(page.records.map(\.id) == ["f1"])
        #expect(page.restarted)
        let pushed = try await transport.push(PushRequest(schemaVersion: try laptop.database.schemaVersion(), sender: try laptop.syncing.siteInfo(), senderCounter: 0,
                                                          cursor: SyncCursor(mark: "forgotten", seq: 1_000), records: []))
        #expect(pushed.restarted)
        let known = try await transport.push(PushRequest(schemaVersion: try laptop.database.schemaVersion(), sender: try laptop.syncing.siteInfo(), senderCounter: 0,
                                                         cursor: page.next, records: []))
        #expect(!known.restarted)
    }

    @Test("done compares the client's digest with the server's for the client's scope", arguments: TransportKind.allCases)
    func digests(kind: TransportKind) async throws {
        let harness = try SyncHarness(laptops: 1)
        let laptop = harness.laptops[0]
        _ = try importCSV(laptop, .requests, requestsCSV)
        _ = try harness.server.units.addVillage(code: "640522100202", name: "别村")
        _ = try harness.server.records.create(.fees, id: "other", unit: "640522100202", input: ["collected_on": "2021-01-01", "amount_yuan": "1"], now: 1)
        let (transport, stop) = try await kind.make(harness, scope: harness.villageScope)
        defer { Task { await stop() } }
        let before = try await transport.done(DoneRequest(sender: try laptop.syncing.siteInfo(), digest: try laptop.syncing.scopeDigest(), pushed: 0, pulled: 0, conflicts: 0))
        #expect(!before.converged)
        try await harness.sync(laptop, transport: transport)
        let after = try await transport.done(DoneRequest(sender: try laptop.syncing.siteInfo(), digest: try laptop.syncing.scopeDigest(), pushed: 0, pulled: 0, conflicts: 0))
        #expect(after.converged)
        #expect(after.digest == (try laptop.syncing.scopeDigest()))
    }

    @Test("version mismatches and a copied replica are refused as the same errors", arguments: TransportKind.allCases)
    func refusals(kind: TransportKind) async throws {
        let harness = try SyncHarness(laptops: 1)
        let (transport, stop) = try await kind.make(harness, scope: harness.villageScope)
        defer { Task { await stop() } }
        let laptop = harness.laptops[0]
        let sender = try laptop.syncing.siteInfo()
        let schema = try laptop.database.schemaVersion()
        await #expect(throws: SyncRefused.protocolMismatch(server: syncProtocolVersion, client: 99)) {
            try await transport.push(PushRequest(protocolVersion: 99, schemaVersion: schema, sender: sender, senderCounter: 0, records: []))
        }
        await #expect(throws: SyncRefused.schemaMismatch(server: schema, client: schema + 1)) {
            try await transport.pull(PullRequest(schemaVersion: schema + 1, sender: sender, senderCounter: 0, cursor: nil, limit: 1))
        }
        // A counter merely declared is not remembered: only the changes the server holds count.
        _ = try await transport.pull(PullRequest(schemaVersion: schema, sender: sender, senderCounter: 10, cursor: nil, limit: 1))
        _ = try await transport.pull(PullRequest(schemaVersion: schema, sender: sender, senderCounter: 4, cursor: nil, limit: 1))
        // Once the server holds the laptop's 10th change, a copy that declares 4 has gone back.
        for index in 0..<10 {
            _ = try laptop.records.create(.fees, id: "f\(index)", input: ["collected_on": "2021-01-01", "amount_yuan": "1"], now: 1)
        }
        try await harness.sync(laptop, transport: transport)
        await #expect(throws: SyncRefused.counterWentBack(site: sender.site, known: 10, declared: 4)) {
            try await transport.pull(PullRequest(schemaVersion: schema, sender: sender, senderCounter: 4, cursor: nil, limit: 1))
        }
    }

    @Test("a schema version one older than the server's is served as the server's own (a laptop not yet upgraded)",
          arguments: TransportKind.allCases)
    func previousSchema(kind: TransportKind) async throws {
        let harness = try SyncHarness(laptops: 1)
        let (transport, stop) = try await kind.make(harness, scope: harness.villageScope)
        defer { Task { await stop() } }
        let laptop = harness.laptops[0]
        let schema = try laptop.database.schemaVersion()
        _ = try laptop.records.create(.fees, id: "old", input: ["collected_on": "2021-01-01", "amount_yuan": "1"], now: 1)
        let (records, _) = try laptop.syncing.pendingChanges(limit: 10)
        let pushed = try await transport.push(PushRequest(schemaVersion: schema - 1, sender: try laptop.syncing.siteInfo(), senderCounter: 1, records: records))
        #expect(pushed.changed == 1)
        let page = try await transport.pull(PullRequest(schemaVersion: schema - 1, sender: try laptop.syncing.siteInfo(), senderCounter: 1, cursor: nil, limit: 10))
        #expect(page.records.isEmpty)
        #expect(try harness.server.records.record(.fees, id: "old") != nil)
    }
}
