import Foundation
import Testing
import TestTiers

@Suite("Faults: a restored server and a cloned laptop", .tags(.slow), .fullSuiteOnly)
struct RestoreAndCloneTests {
    static let village = "640522100201"

    @Test("the server's database restored from an older backup: clients notice, re-reconcile, and nothing is lost")
    func restoredServer() throws {
        var summary = FaultSummary(name: "server restored from an older backup")
        let town = try Township(villages: [Self.village])
        let ledger = WriteLedger()
        try town.laptop("a", unit: Self.village)
        try town.laptop("b", unit: Self.village)
        #expect(try ledger.captureFees(town.workspace, db: "a.sqlite", unit: Self.village, prefix: "a1", count: 30).status == 0)
        try town.sync("a")
        try town.sync("b")
        // The township's nightly backup, taken while the server runs.
        let backup = try GongkaiProcess.runTool(URL(fileURLWithPath: "/usr/bin/sqlite3"),
                                                [town.workspace.path("town.sqlite"), ".backup '\(town.workspace.path("backup.sqlite"))'"])
        #expect(backup.status == 0, "\(backup.stderr)")
        #expect(try ledger.captureFees(town.workspace, db: "a.sqlite", unit: Self.village, prefix: "a2", count: 20).status == 0)
        #expect(try ledger.captureFees(town.workspace, db: "b.sqlite", unit: Self.village, prefix: "b2", count: 10).status == 0)
        try town.sync("a")
        try town.sync("b")
        try town.sync("a")
        summary.syncs += 5
        // The disk fails; the backup goes back in place.
        town.server.kill()
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: town.workspace.path("town.sqlite") + suffix) }
        try FileManager.default.copyItem(atPath: town.workspace.path("backup.sqlite"), toPath: town.workspace.path("town.sqlite"))
        let restored = try ServerProcess(workspace: town.workspace)
        defer { restored.kill() }
        summary.faults += 1
        // Laptop a holds b's changes that the restored server lost; a device may push only its
        // own, so the server holds those back (named, nothing stored, nothing for a's user to
        // do) until b has synced them; a's sync is not a failure.
        var statuses: [Int32] = []
        for laptop in ["a", "b", "a", "b"] {
            let result = try GongkaiProcess.run(["sync", "--db", town.workspace.path("\(laptop).sqlite"), "--server", restored.url,
                                                 "--token", town.tokens[laptop]!, "--no-remember"])
            statuses.append(result.status)
            if statuses.count == 1 {
                #expect(result.stderr.contains("b2-") && result.stderr.contains("暂存在服务器上 10 条记录"), "\(result.stderr)")
            }
            summary.syncs += 1
        }
        #expect(statuses == [0, 0, 0, 0])
        #expect(!(try town.gongkai("a", ["status"]).stdout.contains("服务器拒收")))
        for db in ["town.sqlite", "a.sqlite", "b.sqlite"] {
            let outcome = try ledger.check(town.workspace, db: db, units: [Self.village])
            summary.add(outcome)
            #expect(outcome.checked == 60 && outcome.lost == 0 && outcome.duplicates == 0, "\(db): \(outcome)")
        }
        summary.print()
    }

    @Test("a laptop's replica copied onto a second laptop: the copy is refused with the way out, and after reset-site nothing is lost")
    func clonedLaptop() throws {
        var summary = FaultSummary(name: "laptop replica cloned onto a second laptop")
        let town = try Township(villages: [Self.village])
        let ledger = WriteLedger()
        try town.laptop("a", unit: Self.village)
        #expect(try ledger.captureFees(town.workspace, db: "a.sqlite", unit: Self.village, prefix: "a1", count: 10).status == 0)
        try town.sync("a")
        try FileManager.default.copyItem(atPath: town.workspace.path("a.sqlite"), toPath: town.workspace.path("clone.sqlite"))
        town.tokens["clone"] = town.tokens["a"]
        #expect(try ledger.captureFees(town.workspace, db: "a.sqlite", unit: Self.village, prefix: "a2", count: 5).status == 0)
        try town.sync("a")
        #expect(try ledger.captureFees(town.workspace, db: "clone.sqlite", unit: Self.village, prefix: "c", count: 3).status == 0)
        let refused = try town.sync("clone", expectSuccess: false)
        summary.faults += 1
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("gongkai reset-site"), "\(refused.stderr)")
        #expect(try town.gongkai("clone", ["reset-site", "--yes"]).status == 0)
        try town.sync("clone")
        try town.sync("a")
        summary.syncs += 4
        for db in ["town.sqlite", "a.sqlite", "clone.sqlite"] {
            let outcome = try ledger.check(town.workspace, db: db, units: [Self.village])
            summary.add(outcome)
            #expect(outcome.checked == 18 && outcome.lost == 0 && outcome.duplicates == 0, "\(db): \(outcome)")
        }
        summary.print()
    }
}
