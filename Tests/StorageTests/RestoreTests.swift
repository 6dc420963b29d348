import Foundation
import Records
@testable import Storage
import SyncCore
import Testing
import TestSupport

@Suite("A server restored from an older backup")
struct RestoreTests {
    @Test("clients notice the unknown cursor, push everything again and pull from the start: nothing lost, nothing doubled")
    func restoredServer() async throws {
        let scratch = Scratch()
        let harness = try SyncHarness(laptops: 2, scratch: scratch)
        let (a, b) = (harness.laptops[0], harness.laptops[1])
        _ = try a.records.create(.fees, id: "before", input: ["collected_on": "2021-01-01", "amount_yuan": "1"], now: 1)
        try await harness.sync(a)
        try await harness.sync(b)
        // The township backs up its database.
        try harness.server.database.withConnection { try $0.execute("PRAGMA wal_checkpoint(TRUNCATE)") }
        try FileManager.default.copyItem(atPath: harness.server.path, toPath: scratch.path("backup.sqlite"))
        // Work goes on: both laptops sync more.
        _ = try a.records.create(.fees, id: "after-a", input: ["collected_on": "2021-02-01", "amount_yuan": "2"], now: 2)
        try await harness.sync(a)
        _ = try b.records.create(.fees, id: "after-b", input: ["collected_on": "2021-03-01", "amount_yuan": "3"], now: 3)
        try await harness.sync(b)
        try await harness.sync(a)
        // The server's disk fails; the backup is restored.
        let restored = try Replica.open(at: scratch.path("backup.sqlite"))
        #expect(try restored.records.all(.fees).map(\.id) == ["before"])
        let transport = InProcessTransport(service: SyncService(store: restored.serving), scope: harness.villageScope, clock: { 1_700_000_000 })
        let reportA = try await harness.sync(a, transport: transport)
        #expect(reportA.restarted)
        #expect(reportA.converged == true)
        let reportB = try await harness.sync(b, transport: transport)
        #expect(reportB.restarted)
        try await harness.sync(a, transport: transport)
        for replica in [restored, a, b] {
            #expect(try replica.records.all(.fees).map(\.id) == ["after-a", "after-b", "before"])
        }
        #expect(try syncedState(a) == syncedState(restored))
        #expect(try syncedState(b) == syncedState(restored))
        // Once reconciled, syncs are cheap again.
        let quiet = try await harness.sync(a, transport: transport)
        #expect(!quiet.restarted)
        #expect(quiet.requests == 1)
    }
}
