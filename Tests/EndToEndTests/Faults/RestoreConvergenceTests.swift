import Foundation
import Testing
import TestTiers

/// A township's server put back from a backup while the laptops of one village each hold the
/// others' changes merged into their own: every record must reach the township once, through
/// the real binary and server, without any device vouching for another's change.
@Suite("Faults: a restored server and laptops that hold each other's changes")
struct RestoreConvergenceTests {
    static let village = "640522100201"
    static let header = "收到日期,申请人类型,申请人,申请内容\n"
    static let ledger = (1...12).map { "2021-03-\(String(format: "%02d", $0)),自然人,申请人\($0),第\($0)项申请内容" }

    /// The sqlite3 tool's online backup of the running server's file.
    static func backup(_ town: Township, to name: String) throws {
        let result = try GongkaiProcess.runTool(URL(fileURLWithPath: "/usr/bin/sqlite3"),
                                                [town.workspace.path("town.sqlite"), ".backup '\(town.workspace.path(name))'"])
        #expect(result.status == 0, "\(result.stderr)")
    }

    /// The server killed and its file replaced by `backup` (a copy, so a backup serves again).
    static func restore(_ town: Township, from backup: String, as db: String = "town.sqlite") throws {
        town.server.kill()
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: town.workspace.path(db) + suffix) }
        try FileManager.default.copyItem(atPath: town.workspace.path(backup), toPath: town.workspace.path(db))
        town.server = try ServerProcess(workspace: town.workspace, db: db)
    }

    /// Every request of the village on `db`, one line each, by content.
    static func requests(_ town: Township, _ db: String) throws -> [String] {
        try town.records(db, kind: "requests", unit: village).sorted()
    }

    @Test("two laptops import one ledger and sync a, b, a; the server goes back to the backup from before: both syncs are taken, nothing doubled")
    func sharedLedgerAfterRestore() throws {
        // Given a township whose nightly backup was taken before the village's first sync
        let town = try Township(villages: [Self.village])
        try town.laptop("a", unit: Self.village)
        try town.laptop("b", unit: Self.village)
        try Self.backup(town, to: "backup.sqlite")
        // and two laptops that both import the village's shared ledger (no 编号: the same ids)
        let file = town.workspace.write("台账.csv", Self.header + Self.ledger.joined(separator: "\n") + "\n")
        for laptop in ["a", "b"] { #expect(try town.gongkai(laptop, ["import", "requests", file]).status == 0) }
        for laptop in ["a", "b", "a"] { try town.sync(laptop) }
        let before = try Self.requests(town, "town.sqlite")
        #expect(before.count == 12)

        // When the server is replaced by that backup and the laptops sync again
        try Self.restore(town, from: "backup.sqlite")
        let first = try town.sync("a")
        // Then the first laptop is told in plain words that the records wait for the other, with
        // nothing to do: no forgery, no rename
        #expect(first.stderr.contains("暂存在服务器上 12 条记录"), "\(first.stderr)")
        for word in ["伪造", "rename", "未被接受"] { #expect(!first.stderr.contains(word), "\(first.stderr)") }
        #expect(try town.gongkai("a", ["status"]).stdout.contains("等本单位另一台电脑同步后合并的记录 (12)"))
        // and once the other laptop has synced, every request is on the server once, as before
        let second = try town.sync("b")
        #expect(!second.stderr.contains("暂存"), "\(second.stderr)")
        try town.sync("a")
        #expect(try Self.requests(town, "town.sqlite") == before)
        for laptop in ["a.sqlite", "b.sqlite"] { #expect(try Self.requests(town, laptop) == before) }
        let status = try town.gongkai("a", ["status"]).stdout
        #expect(!status.contains("拒收") && !status.contains("暂存") && status.contains("与服务器一致"), "\(status)")
        // and the township's report counts twelve requests
        let report = try town.workspace.gongkai(["report", "annual", "--year", "2021", "--format", "json"], db: "town.sqlite")
        let table3 = (try JSONSerialization.jsonObject(with: Data(report.stdout.utf8)) as? [String: Any])?["table3"] as? [String: Any]
        #expect((table3?["rows"] as? [String: [Int]])?["new_received"]?.last == 12, "\(report.stdout.prefix(400))")
    }

    /// One step of a village's month on three laptops.
    enum Step: CustomStringConvertible {
        case importLedger(String)
        case sync(String)
        case edit(String, row: Int, [String])

        var description: String {
            switch self {
            case .importLedger(let laptop): "\(laptop) imports"
            case .sync(let laptop): "sync \(laptop)"
            case .edit(let laptop, let row, let change): "\(laptop) edits \(row) \(change.joined(separator: " "))"
            }
        }
    }

    static let month: [Step] = [
        .importLedger("a"), .importLedger("b"), .sync("a"), .sync("b"), .sync("c"), .sync("a"),
        .edit("b", row: 1, ["--concluded-on", "2021-03-20", "--outcome", "予以公开"]),
        .edit("a", row: 2, ["--channel", "信函"]),
        .sync("b"), .sync("a"),
        .edit("c", row: 1, ["--applicant-name", "申请人一 (更正)"]),
        .edit("a", row: 1, ["--content", "第1项申请内容 (补正)"]),
        .sync("c"), .sync("a"), .sync("b"), .sync("c"),
    ]

    @Test("three laptops, edits on every side, the server restored from a backup taken at each point: all converge, nothing lost or doubled",
          .tags(.slow), .fullSuiteOnly)
    func restoreAtEveryPoint() throws {
        // Given a village's month on three laptops, with the server backed up after every step
        let town = try Township(villages: [Self.village])
        for laptop in ["a", "b", "c"] { try town.laptop(laptop, unit: Self.village) }
        let file = town.workspace.write("台账.csv", Self.header + Self.ledger.joined(separator: "\n") + "\n")
        try Self.backup(town, to: "backup-0.sqlite")
        var ids: [String] = []
        for (index, step) in Self.month.enumerated() {
            switch step {
            case .importLedger(let laptop):
                #expect(try town.gongkai(laptop, ["import", "requests", file]).status == 0)
                if ids.isEmpty {
                    let exported = try town.gongkai(laptop, ["export", "requests", "--format", "json"]).stdout
                    let objects = try JSONSerialization.jsonObject(with: Data(exported.utf8)) as? [[String: Any]] ?? []
                    ids = objects.sorted { "\($0["received_on"] ?? "")" < "\($1["received_on"] ?? "")" }.compactMap { $0["id"] as? String }
                }
            case .sync(let laptop):
                try town.sync(laptop)
            case .edit(let laptop, let row, let change):
                let edited = try town.gongkai(laptop, ["request", "edit", ids[row - 1]] + change)
                #expect(edited.status == 0, "\(step): \(edited.stderr)")
            }
            try Self.backup(town, to: "backup-\(index + 1).sqlite")
        }
        let final = try Self.requests(town, "town.sqlite")
        #expect(final.count == 12)
        let laptops = ["a", "b", "c"]
        for laptop in laptops { try FileManager.default.copyItem(atPath: town.workspace.path("\(laptop).sqlite"), toPath: town.workspace.path("\(laptop)-end.sqlite")) }

        var summary = FaultSummary(name: "server restored at every point of a month on three laptops")
        summary.syncs = Self.month.filter { if case .sync = $0 { true } else { false } }.count
        for point in 0...Self.month.count {
            // When the server goes back to the backup taken after step `point`, and the laptops
            // (as they ended the month) sync in turn
            try Self.restore(town, from: "backup-\(point).sqlite")
            for laptop in laptops {
                for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: town.workspace.path("\(laptop).sqlite") + suffix) }
                try FileManager.default.copyItem(atPath: town.workspace.path("\(laptop)-end.sqlite"), toPath: town.workspace.path("\(laptop).sqlite"))
            }
            summary.faults += 1
            var said = ""
            for laptop in laptops + laptops {
                let result = try town.sync(laptop)
                said += result.stderr
                summary.syncs += 1
            }
            // Then every laptop and the server hold the month's twelve requests, each once, as
            // they were before the restore; nobody was called a forger or told to rename
            let label = point == 0 ? "restored before the month" : "restored after \(Self.month[point - 1]) (step \(point))"
            for db in ["town.sqlite"] + laptops.map({ "\($0).sqlite" }) {
                let held = try Self.requests(town, db)
                #expect(held == final, "\(label): \(db)")
                summary.writes += final.count
                summary.lost += Set(final).subtracting(held).count
                summary.duplicates += held.count - Set(held).count
            }
            #expect(!said.contains("伪造") && !said.contains("rename") && !said.contains("未被接受"), "\(label): \(said)")
            for laptop in laptops {
                let status = try town.gongkai(laptop, ["status"]).stdout
                #expect(!status.contains("拒收") && !status.contains("暂存"), "\(label): \(laptop): \(status)")
            }
        }
        summary.print()
    }
}
