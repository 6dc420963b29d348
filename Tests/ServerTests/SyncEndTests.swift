import Foundation
import Records
@testable import Storage
import SyncCore
import Synchronization
import Testing
import TestSupport

/// A server of before the end of a sync could ride on its first pull: its reader skips the
/// `finish` key, as it skips any key it does not know. Counts the `done` requests it is sent.
final class ServerBeforeFinish: SyncTransport {
    let inner: any SyncTransport
    private let dones = Mutex(0)
    var doneRequests: Int { dones.withLock { $0 } }

    init(_ inner: any SyncTransport) {
        self.inner = inner
    }

    func push(_ request: PushRequest) async throws -> PushResponse { try await inner.push(request) }

    func pull(_ request: PullRequest) async throws -> PullResponse {
        try await inner.pull(PullRequest(protocolVersion: request.protocolVersion, schemaVersion: request.schemaVersion, sender: request.sender,
                                         senderCounter: request.senderCounter, cursor: request.cursor, limit: request.limit))
    }

    func done(_ request: DoneRequest) async throws -> DoneResponse {
        dones.withLock { $0 += 1 }
        return try await inner.done(request)
    }
}

/// The end of a sync goes with its first pull; when there is nothing to pull the server takes
/// it there, and no `done` request follows. Both transports alike.
@Suite("The end of a sync on its first pull")
struct SyncEndTests {
    /// How many syncs the server has seen the laptop finish.
    func finishedSyncs(_ harness: SyncHarness, _ laptop: Replica) throws -> Int64 {
        let site = try laptop.syncing.siteInfo().site.rawValue
        return try harness.server.exporter.header().sites.first { $0.site == site }?.finishedSyncs ?? 0
    }

    /// A laptop's first pull, with the end of a sync or (a laptop of before) without one.
    func firstPull(_ laptop: Replica, finish: DoneRequest? = nil) throws -> PullRequest {
        PullRequest(schemaVersion: try laptop.database.schemaVersion(), sender: try laptop.syncing.siteInfo(), senderCounter: 0,
                    cursor: nil, limit: 10, finish: finish)
    }

    @Test("a sync with nothing to pull ends on its first pull: a push-only sync is its pushes and one pull, a no-op sync one request",
          arguments: TransportKind.allCases)
    func nothingToPull(kind: TransportKind) async throws {
        // Given a laptop with three new records
        let harness = try SyncHarness(laptops: 1)
        let (transport, stop) = try await kind.make(harness, scope: harness.villageScope)
        defer { Task { await stop() } }
        let laptop = harness.laptops[0]
        _ = try importCSV(laptop, .requests, requestsCSV)
        // When it syncs, and then syncs again with nothing new on either side
        let first = try await harness.sync(laptop, transport: transport)
        let again = try await harness.sync(laptop, transport: transport)
        // Then the first is one push and one pull, the second one pull; both converged, and the
        // server counted both as finished
        #expect(first.pushed == 3 && first.requests == 2 && first.converged == true)
        #expect(again.pushed == 0 && again.pulled == 0 && again.requests == 1 && again.converged == true)
        #expect(try finishedSyncs(harness, laptop) == 2)
        #expect(try laptop.syncing.status().lastSync == 1_700_000_000)
    }

    @Test("a sync that pulls records ends with a done request, made after they are applied", arguments: TransportKind.allCases)
    func somethingToPull(kind: TransportKind) async throws {
        // Given a record on the server the laptop has not seen
        let harness = try SyncHarness(laptops: 2)
        let (transport, stop) = try await kind.make(harness, scope: harness.villageScope)
        defer { Task { await stop() } }
        _ = try importCSV(harness.laptops[0], .requests, requestsCSV)
        try await harness.sync(harness.laptops[0], transport: transport)
        // When the other laptop syncs
        let report = try await harness.sync(harness.laptops[1], transport: transport)
        // Then it pulls them in one page and ends with done: converged, with its digest after
        #expect(report.pulled == 3 && report.requests == 2 && report.converged == true)
        #expect(try finishedSyncs(harness, harness.laptops[1]) == 1)
        #expect(try syncedState(harness.laptops[1]) == (try syncedState(harness.laptops[0])))
    }

    @Test("against a server of before it, the end is sent as a done request and the sync converges", arguments: TransportKind.allCases)
    func serverBefore(kind: TransportKind) async throws {
        // Given a server that skips the end on a pull
        let harness = try SyncHarness(laptops: 1)
        let (current, stop) = try await kind.make(harness, scope: harness.villageScope)
        defer { Task { await stop() } }
        let transport = ServerBeforeFinish(current)
        let laptop = harness.laptops[0]
        _ = try importCSV(laptop, .requests, requestsCSV)
        // When the laptop syncs twice
        let first = try await harness.sync(laptop, transport: transport)
        let again = try await harness.sync(laptop, transport: transport)
        // Then each sync ends with its own done request, as before
        #expect(first.requests == 3 && first.converged == true)
        #expect(again.requests == 2 && again.converged == true)
        #expect(transport.doneRequests == 2)
        #expect(try finishedSyncs(harness, laptop) == 2)
    }

    @Test("a laptop of before it pulls without an end: the page comes without a done, and its done is answered", arguments: TransportKind.allCases)
    func laptopBefore(kind: TransportKind) async throws {
        let harness = try SyncHarness(laptops: 1)
        let (transport, stop) = try await kind.make(harness, scope: harness.villageScope)
        defer { Task { await stop() } }
        let laptop = harness.laptops[0]
        let sender = try laptop.syncing.siteInfo()
        // Given a pull with no end (a laptop of before); When it finds nothing
        let page = try await transport.pull(try firstPull(laptop))
        // Then no done comes with the page, nothing is counted finished, and its done is answered
        #expect(page.records.isEmpty && page.done == nil)
        #expect(try finishedSyncs(harness, laptop) == 0)
        let done = try await transport.done(DoneRequest(sender: sender, digest: try laptop.syncing.scopeDigest(), pushed: 0, pulled: 0, conflicts: 0))
        #expect(done.converged)
        #expect(try finishedSyncs(harness, laptop) == 1)
    }

    @Test("an end whose digest differs is answered not converged, on the pull as on done", arguments: TransportKind.allCases)
    func notConverged(kind: TransportKind) async throws {
        let harness = try SyncHarness(laptops: 1)
        let (transport, stop) = try await kind.make(harness, scope: harness.villageScope)
        defer { Task { await stop() } }
        let laptop = harness.laptops[0]
        let sender = try laptop.syncing.siteInfo()
        // Given an end whose digest is not the laptop's; When it goes with a pull that finds nothing
        let wrong = DoneRequest(sender: sender, digest: String(repeating: "ab", count: 32), pushed: 0, pulled: 0, conflicts: 0)
        let page = try await transport.pull(try firstPull(laptop, finish: wrong))
        // Then the answer says not converged and gives the server's digest of the scope
        #expect(page.done?.converged == false)
        #expect(page.done?.digest == (try laptop.syncing.scopeDigest()))
    }
}
