import Foundation
import Synchronization
import Records
@testable import Storage
import SyncCore
import Testing
import TestSupport

@Suite("In-process sync between replicas")
struct SyncTests {
    @Test("a notice captured on one laptop reaches the server and the other laptop")
    func propagates() async throws {
        let harness = try SyncHarness(laptops: 2)
        _ = try harness.laptops[0].records.create(.notices, id: "n1", input: noticeInput, now: 1)
        let first = try await harness.sync(harness.laptops[0])
        #expect(first.pushed == 1)
        #expect(try harness.server.records.record(.notices, id: "n1")?.values["title"] == "低保公示")
        let second = try await harness.sync(harness.laptops[1])
        #expect(second.pulled == 1)
        #expect(try syncedState(harness.laptops[1]) == syncedState(harness.server))
        #expect(try harness.laptops[1].syncing.status().pendingChanges == 0)
    }

    @Test("what came from the server is not pushed back, and a second sync moves nothing")
    func noEcho() async throws {
        let harness = try SyncHarness(laptops: 2)
        _ = try harness.laptops[0].records.create(.notices, id: "n1", input: noticeInput, now: 1)
        try await harness.sync(harness.laptops[0])
        try await harness.sync(harness.laptops[1])
        let again = try await harness.sync(harness.laptops[1])
        // A sync with nothing to move is one pull, which carries the closing digest comparison.
        #expect(again.pushed == 0)
        #expect(again.pulled == 0)
        #expect(again.requests == 1)
        #expect(again.converged == true)
        let back = try await harness.sync(harness.laptops[0])
        #expect(back.pushed == 0)
        #expect(back.requests == 1)
        #expect(back.converged == true)
    }

    @Test("concurrent edits of one field become a conflict on both laptops and the server; a resolution settles it everywhere")
    func conflictEverywhere() async throws {
        let harness = try SyncHarness(laptops: 2)
        let (a, b) = (harness.laptops[0], harness.laptops[1])
        _ = try a.records.create(.notices, id: "n1", input: noticeInput, now: 1)
        try await harness.sync(a)
        try await harness.sync(b)
        _ = try a.records.update(.notices, id: "n1", input: ["title": "A 改的标题"], now: 2)
        _ = try b.records.update(.notices, id: "n1", input: ["title": "B 改的标题"], now: 3)
        try await harness.sync(a)
        let report = try await harness.sync(b)
        try await harness.sync(a)
        #expect(report.conflicts == 1)
        for replica in [a, b, harness.server] {
            let conflicts = try replica.records.conflicts()
            #expect(conflicts.count == 1)
            #expect(conflicts.first?.field == "title")
            #expect(Set([conflicts.first?.standing.value] + (conflicts.first?.losing.map(\.value) ?? [])) == ["A 改的标题", "B 改的标题"])
        }
        _ = try b.records.resolveConflict(.notices, id: "n1", field: "title", value: "A 改的标题", now: 4)
        try await harness.sync(b)
        try await harness.sync(a)
        for replica in [a, b, harness.server] {
            #expect(try replica.records.conflicts().isEmpty)
            #expect(try replica.records.record(.notices, id: "n1")?.values["title"] == "A 改的标题")
        }
    }

    @Test("applying the same pushed batch twice changes nothing")
    func idempotentApply() throws {
        let harness = try SyncHarness(laptops: 1)
        _ = try importCSV(harness.laptops[0], .requests, requestsCSV)
        let (records, _) = try harness.laptops[0].syncing.pendingChanges(limit: 100)
        let peer = try harness.laptops[0].syncing.siteInfo()
        let first = try harness.server.serving.applyPushed(records, from: peer, as: SyncPeer(scope: harness.villageScope, device: nil), now: 5)
        #expect(first.changed == 3)
        let before = try fingerprint(harness.server)
        let second = try harness.server.serving.applyPushed(records, from: peer, as: SyncPeer(scope: harness.villageScope, device: nil), now: 6)
        #expect(second.changed == 0)
        #expect(try fingerprint(harness.server) == before)
    }

    @Test("a village device cannot write another unit's records; nothing of them is stored")
    func scope() throws {
        let harness = try SyncHarness(laptops: 1)
        _ = try harness.server.units.addVillage(code: "640522100202", name: "别村")
        let other = try Replica.create(at: harness.scratch.path("other.sqlite"),
                                       unit: GovernmentUnit(code: "640522100202", name: "别村", parent: township.code),
                                       site: SiteID("00000000000000b9")!, deviceName: "别村电脑", now: 1)
        _ = try other.records.create(.notices, id: "x1", input: noticeInput, now: 1)
        let (records, _) = try other.syncing.pendingChanges(limit: 10)
        let before = try fingerprint(harness.server)
        let response = try harness.server.serving.applyPushed(records, from: try other.syncing.siteInfo(), as: SyncPeer(scope: harness.villageScope, device: nil), now: 2)
        #expect(response.refused.map(\.id) == ["x1"])
        #expect(response.refused.first?.reason.contains("无权写入单位 640522100202") == true)
        #expect(try fingerprint(harness.server) == before)
    }

    @Test("a village device reads only its own unit's records")
    func readScope() async throws {
        let harness = try SyncHarness(laptops: 1)
        _ = try harness.server.units.addVillage(code: "640522100202", name: "别村")
        _ = try harness.server.records.create(.notices, id: "other", unit: "640522100202", input: noticeInput, now: 1)
        _ = try harness.server.records.create(.notices, id: "mine", unit: village.code, input: noticeInput, now: 1)
        try await harness.sync(harness.laptops[0])
        #expect(try harness.laptops[0].records.all(.notices).map(\.id) == ["mine"])
    }

    @Test("malformed values from a peer are refused record by record")
    func malformedRemote() throws {
        let harness = try SyncHarness(laptops: 1)
        let site = SiteID("00000000000000c1")!
        let good = RecordVersion.created(["title": "t", "category": "livelihood", "channel": "portal",
                                          "published_on": "2020-01-01", "body": nil], dot: Dot(site: site, counter: 1), at: 1)
        let badDate = good.writing(["published_on": "2020-02-30"], dot: Dot(site: site, counter: 2), at: 1)
        let badField = good.writing(["sneaky": "x"], dot: Dot(site: site, counter: 2), at: 1)
        let records = [
            RemoteRecord(kind: "notices", id: "ok", unit: village.code, version: good),
            RemoteRecord(kind: "notices", id: "date", unit: village.code, version: badDate),
            RemoteRecord(kind: "notices", id: "field", unit: village.code, version: badField),
            RemoteRecord(kind: "petitions", id: "kind", unit: village.code, version: good),
            RemoteRecord(kind: "notices", id: "bad id", unit: village.code, version: good),
        ]
        let response = try harness.server.serving.applyPushed(records, from: SiteInfo(site: site, deviceName: "x", unit: village.code),
                                                      as: SyncPeer(scope: harness.villageScope, device: nil), now: 2)
        #expect(response.changed == 1)
        #expect(response.refused.map(\.id) == ["date", "field", "kind", "bad id"])
        #expect(try harness.server.records.all(.notices).map(\.id) == ["ok"])
    }

    @Test("a copied laptop file is refused when it syncs behind its twin, with how to recover")
    func cloneBehind() async throws {
        let (harness, original, copy) = try await clonedLaptop(syncedFirst: false)
        _ = try original.records.create(.notices, id: "n2", input: noticeInput, now: 2)
        _ = try original.records.create(.notices, id: "n3", input: noticeInput, now: 3)
        try await harness.sync(original)
        _ = try copy.records.create(.notices, id: "n9", input: noticeInput, now: 4)
        let before = try fingerprint(harness.server)
        await #expect(throws: SyncRefused.self) { try await harness.sync(copy) }
        #expect(try fingerprint(harness.server) == before)
        do {
            try await harness.sync(copy)
        } catch {
            #expect(String(describing: error).contains("reset-site"))
        }
    }

    @Test("after reset-site the copy syncs: its own work arrives, the twin's stays, differences become conflicts")
    func resetSiteRecovers() async throws {
        let (harness, original, copy) = try await clonedLaptop(syncedFirst: true)
        _ = try original.records.update(.notices, id: "n1", input: ["title": "原件改的"], now: 2)
        _ = try original.records.create(.notices, id: "n2", input: noticeInput, now: 2)
        try await harness.sync(original)
        _ = try copy.records.update(.notices, id: "n1", input: ["title": "副本改的"], now: 3)
        _ = try copy.records.create(.fees, id: "f1", input: ["collected_on": "2021-01-01", "amount_yuan": "5"], now: 3)
        await #expect(throws: SyncRefused.self) { try await harness.sync(copy) }
        // When the copy gets a new site id
        let reset = try copy.syncing.resetSite(to: SiteID("00000000000000c0")!, now: 4)
        #expect(reset.reissued == 2)
        #expect(FileManager.default.fileExists(atPath: reset.backupPath))
        // Then it syncs, and nothing of either laptop is lost
        try await harness.sync(copy)
        try await harness.sync(original)
        try await harness.sync(copy)
        for replica in [harness.server, original, copy] {
            #expect(try replica.records.all(.fees).map(\.id) == ["f1"])
            #expect(try replica.records.all(.notices).map(\.id) == ["n1", "n2"])
            let titles = try replica.records.conflicts().filter { $0.id == "n1" && $0.field == "title" }
            #expect(titles.count == 1)
            #expect(Set([titles.first?.standing.value] + (titles.first?.losing.map(\.value) ?? [])) == ["原件改的", "副本改的"])
        }
        #expect(try syncedState(copy) == syncedState(harness.server))
        #expect(try syncedState(original) == syncedState(harness.server))
    }

    @Test("a copied laptop file that ran ahead and touched the same record is refused as divergent history")
    func cloneAhead() async throws {
        let (harness, original, copy) = try await clonedLaptop(syncedFirst: true)
        _ = try original.records.update(.notices, id: "n1", input: ["title": "原件改的"], now: 2)
        try await harness.sync(original)
        for index in 0..<5 { _ = try copy.records.create(.fees, id: "f\(index)", input: ["collected_on": "2021-01-01", "amount_yuan": "1"], now: 3) }
        _ = try copy.records.update(.notices, id: "n1", input: ["body": "副本改的"], now: 4)
        let before = try fingerprint(harness.server)
        await #expect(throws: SyncRefused.self) { try await harness.sync(copy) }
        #expect(try fingerprint(harness.server) == before)
    }

    @Test("a pulled batch and its cursor commit together; a cut pull resumes from the last complete batch")
    func resumesPull() async throws {
        let harness = try SyncHarness(laptops: 2)
        for index in 0..<25 { _ = try harness.laptops[0].records.create(.fees, id: "f\(index)", input: ["collected_on": "2021-01-01", "amount_yuan": "\(index)"], now: 1) }
        try await harness.sync(harness.laptops[0])
        let faulty = CuttingTransport(inner: harness.transport(), failOnCall: 3)
        await #expect(throws: CuttingTransport.Cut.self) { try await harness.sync(harness.laptops[1], batchSize: 10, transport: faulty) }
        #expect(try harness.laptops[1].records.all(.fees).count == 20)
        let resumed = try await harness.sync(harness.laptops[1], batchSize: 10)
        #expect(resumed.pulled == 5)
        #expect(try syncedState(harness.laptops[1]) == syncedState(harness.server))
    }

    @Test("a lost acknowledgement resends the batch, which merges to nothing new: no duplicate")
    func lostAcknowledgement() async throws {
        let harness = try SyncHarness(laptops: 1)
        _ = try importCSV(harness.laptops[0], .requests, requestsCSV)
        let faulty = CuttingTransport(inner: harness.transport(), loseReplyOnCall: 1)
        await #expect(throws: CuttingTransport.Cut.self) { try await harness.sync(harness.laptops[0], transport: faulty) }
        #expect(try harness.server.records.all(.requests).count == 3)
        let before = try fingerprint(harness.server)
        let retry = try await harness.sync(harness.laptops[0])
        #expect(retry.pushed == 3)
        #expect(try harness.server.records.all(.requests).count == 3)
        #expect(try fingerprint(harness.server).filter { !$0.hasPrefix("sites") && !$0.hasPrefix("replica") } == before.filter { !$0.hasPrefix("sites") && !$0.hasPrefix("replica") })
    }

    @Test("changes since a cursor are a range scan of the rowid, not a table scan", arguments: RecordKind.allCases)
    func rangeScan(kind: RecordKind) throws {
        let scratch = Scratch()
        let replica = try makeReplica(scratch)
        // The product's own queries, not one typed here: each must be a range scan of the rowid.
        for query in RecordTable(kind).changeFeedQueries {
            let plan = try queryPlan(query, in: replica)
            #expect(plan.contains("USING INTEGER PRIMARY KEY (rowid>?)"), "\(query): \(plan)")
            #expect(!plan.contains("TEMP B-TREE"), "\(query) sorts: \(plan)")
        }
    }

    @Test("a village's pull is a range scan of its own unit's rows, not of every row after its cursor", arguments: RecordKind.allCases)
    func unitFeedScan(kind: RecordKind) throws {
        let scratch = Scratch()
        let replica = try makeReplica(scratch)
        let query = RecordTable(kind).unitFeedQuery
        let plan = try queryPlan(query, in: replica)
        #expect(plan.contains("USING INDEX \(kind.rawValue)_feed (unit=? AND seq>?)"), "\(query): \(plan)")
        #expect(!plan.contains("TEMP B-TREE"), "\(query) sorts: \(plan)")
    }

    @Test("a township's pull (several units) reads each unit's rows of the index, not every row after its cursor", arguments: RecordKind.allCases)
    func subtreeFeedScan(kind: RecordKind) throws {
        let scratch = Scratch()
        let replica = try makeReplica(scratch)
        let query = RecordTable(kind).subtreeFeedQuery
        let plan = try queryPlan(query, in: replica)
        #expect(plan.contains("USING INDEX \(kind.rawValue)_feed (unit=? AND seq>?)"), "\(query): \(plan)")
    }

    /// SQLite's plan of one of the product's queries, its placeholders bound to 0.
    func queryPlan(_ query: String, in replica: Replica) throws -> String {
        let placeholders = query.components(separatedBy: "?").count - 1
        return try replica.database.withConnection { connection in
            try connection.rows("EXPLAIN QUERY PLAN " + query, Array(repeating: SQLiteValue.integer(0), count: placeholders))
                .map { row throws(SQLiteError) in try row.text("detail") }.joined(separator: "; ")
        }
    }
}

/// A transport that breaks on purpose: on the Nth call it fails before reaching the server
/// (`failOnCall`), or after the server has done the work (`loseReplyOnCall`, a lost
/// acknowledgement).
final class CuttingTransport: SyncTransport {
    struct Cut: Error {}
    let inner: any SyncTransport
    let failOnCall: Int?
    let loseReplyOnCall: Int?
    private let calls = Mutex(0)

    init(inner: any SyncTransport, failOnCall: Int? = nil, loseReplyOnCall: Int? = nil) {
        self.inner = inner
        self.failOnCall = failOnCall
        self.loseReplyOnCall = loseReplyOnCall
    }

    func push(_ request: PushRequest) async throws -> PushResponse { try await call { try await inner.push(request) } }
    func pull(_ request: PullRequest) async throws -> PullResponse { try await call { try await inner.pull(request) } }
    func done(_ request: DoneRequest) async throws -> DoneResponse { try await call { try await inner.done(request) } }

    private func call<T>(_ exchange: () async throws -> T) async throws -> T {
        let call = calls.withLock { $0 += 1; return $0 }
        if call == failOnCall { throw Cut() }
        let response = try await exchange()
        if call == loseReplyOnCall { throw Cut() }
        return response
    }
}

/// Copies a replica's file as a person would copy it once gongkai has exited (the write-ahead
/// log checkpointed into the file).
/// One laptop with notice n1 (synced first, when asked), and a copy of its file opened as a second replica.
func clonedLaptop(syncedFirst: Bool) async throws -> (harness: SyncHarness, original: Replica, copy: Replica) {
    let harness = try SyncHarness(laptops: 1)
    let original = harness.laptops[0]
    _ = try original.records.create(.notices, id: "n1", input: noticeInput, now: 1)
    if syncedFirst { try await harness.sync(original) }
    try copyReplicaFile(original, to: harness.scratch.path("copy.sqlite"))
    return (harness, original, try Replica.open(at: harness.scratch.path("copy.sqlite")))
}

func copyReplicaFile(_ replica: Replica, to path: String) throws {
    try replica.database.withConnection { try $0.execute("PRAGMA wal_checkpoint(TRUNCATE)") }
    try FileManager.default.copyItem(atPath: replica.path, toPath: path)
}
