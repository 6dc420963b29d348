import Foundation
import Testing
import TestSupport

/// A township copies its server database to a USB stick. A plain copy of `town.sqlite` once
/// lacked the latest writes (they were still in `-wal`); `serve` now leaves everything in the
/// file as it stops, and `gongkai backup` copies it whole while the server runs.
@Suite struct BackupTests {
    static let village = TestSupport.village.code
    static let sqlite3 = URL(fileURLWithPath: "/usr/bin/sqlite3")

    func fees(_ count: Int, from start: Int) -> String {
        "collected_on,amount_yuan\n" + (start..<(start + count)).map { "2021-\(String(format: "%02d", 1 + $0 % 12))-01,\($0).5" }.joined(separator: "\n") + "\n"
    }

    func count(_ path: String, _ sql: String) throws -> Int {
        Int(try GongkaiProcess.runTool(Self.sqlite3, [path, sql]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)) ?? -1
    }

    @Test func aPlainCopyAfterServeStopsHoldsEveryWrite() throws {
        // Given a server that took a village's fees and narrative, then was stopped
        let town = try Township(villages: [Self.village])
        try town.laptop("a", unit: Self.village)
        #expect(try town.gongkai("a", ["import", "fees", town.workspace.write("f.csv", fees(300, from: 0))]).status == 0)
        #expect(try town.gongkai("a", ["narrative", "set", "--year", "2021", "--section", "一", "--file", town.workspace.write("n.md", "本村全年公开信息。\n")]).status == 0)
        try town.sync("a")
        let process = town.server.process
        kill(process.processIdentifier, SIGTERM)
        let deadline = Date().addingTimeInterval(15)
        while process.isRunning && Date() < deadline { usleep(50_000) }
        #expect(!process.isRunning && process.terminationStatus == 0)

        // When only the database file is copied (as onto a USB stick), without its -wal
        let stick = Workspace()
        try FileManager.default.copyItem(atPath: town.workspace.path("town.sqlite"), toPath: stick.path("town.sqlite"))

        // Then the copy holds every fee and the narrative
        #expect(try count(stick.path("town.sqlite"), "SELECT count(*) FROM fees WHERE deleted = 0") == 300)
        #expect(try count(stick.path("town.sqlite"), "SELECT count(*) FROM narrative WHERE deleted = 0") == 1)
        #expect(!FileManager.default.fileExists(atPath: town.workspace.path("town.sqlite-wal"))
                || ((try? FileManager.default.attributesOfItem(atPath: town.workspace.path("town.sqlite-wal"))[.size] as? Int) ?? 0) == 0)
    }

    @Test func aBackupWhileServeWritesIsWholeAndServesLikeTheOriginal() throws {
        // Given 500 fees acknowledged by the server, and 6,000 more being pushed
        let town = try Township(villages: [Self.village])
        try town.laptop("a", unit: Self.village)
        #expect(try town.gongkai("a", ["import", "fees", town.workspace.write("f1.csv", fees(500, from: 0))]).status == 0)
        try town.sync("a")
        #expect(try town.gongkai("a", ["import", "fees", town.workspace.write("f2.csv", fees(6_000, from: 500))]).status == 0)
        let pushing = try town.startSync("a", extra: ["--batch-size", "200"])

        // When the township backs the database up once the server has begun taking them
        let deadline = Date().addingTimeInterval(60)
        while try count(town.workspace.path("town.sqlite"), "SELECT count(*) FROM fees") <= 500, pushing.isRunning, Date() < deadline {
            usleep(20_000)
        }
        let backup = try town.workspace.gongkai(["backup", "--to", town.workspace.path("copy.sqlite")], db: "town.sqlite")
        let stillPushing = pushing.isRunning
        let synced = try pushing.wait()

        // Then the backup is whole, one file, holds every acknowledged fee, and the sync went on undisturbed
        #expect(backup.status == 0, "\(backup.stderr)")
        #expect(backup.stdout.contains("检查通过"), "\(backup.stdout)")
        #expect(synced.status == 0, "\(synced.stderr)")
        let copy = town.workspace.path("copy.sqlite")
        #expect(try GongkaiProcess.runTool(Self.sqlite3, [copy, "PRAGMA integrity_check"]).stdout == "ok\n")
        #expect(!FileManager.default.fileExists(atPath: copy + "-wal"))
        let held = try count(copy, "SELECT count(*) FROM fees WHERE deleted = 0")
        #expect(held >= 500 && held <= 6_500, "\(held)")
        #expect(try count(copy, "SELECT count(*) FROM fees WHERE deleted = 0 AND amount_yuan < 50000") == 500)
        #expect(held > 500, "the backup was taken before the server took any of the second push")
        print("backup held \(held) of 6,500 fees; the push was still running after it: \(stillPushing)")

        // And the copy serves a laptop like the original: a fresh laptop of the village pulls all it holds
        let served = try ServerProcess(workspace: town.workspace, db: "copy.sqlite")
        let token = try town.workspace.gongkai(["admin", "issue-token", "--unit", Self.village], db: "copy.sqlite").stdout
            .trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(try town.workspace.gongkai(["init", "--unit", Self.village, "--name", "村", "--parent", Township.township], db: "fresh.sqlite").status == 0)
        let pulled = try town.workspace.gongkai(["sync", "--server", served.url, "--token", token], db: "fresh.sqlite")
        #expect(pulled.status == 0, "\(pulled.stderr)")
        #expect(try count(town.workspace.path("fresh.sqlite"), "SELECT count(*) FROM fees WHERE deleted = 0") == held)
    }

    @Test func aBackupNeverOverwritesAndRefusesWhatIsNotAReplica() throws {
        let w = Workspace()
        try w.initVillage()
        w.write("taken.sqlite", "keep me")
        let refused = try w.gongkai(["backup", "--to", w.path("taken.sqlite")])
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("taken.sqlite"), "\(refused.stderr)")
        #expect(try String(contentsOfFile: w.path("taken.sqlite"), encoding: .utf8) == "keep me")
        let notReplica = try w.gongkai(["backup", "--to", w.path("x.sqlite")], db: "taken.sqlite")
        #expect(notReplica.status == 1)
        #expect(!FileManager.default.fileExists(atPath: w.path("x.sqlite")))
    }
}
