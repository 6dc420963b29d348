import Foundation
import Testing
import TestSupport

@Suite("Sync through the real server and client binaries")
struct ServerSyncTests {
    static let villages = ["640522100201", "640522100202", "640522100203"]

    @Test("three villages, two laptops in one, random capture and sync order; then everyone syncs twice")
    func threeVillages() throws {
        var random = SeededGenerator(seed: 4_242)
        let town = try Township(villages: Self.villages)
        let laptops = [("a1", Self.villages[0]), ("a2", Self.villages[0]), ("b", Self.villages[1]), ("c", Self.villages[2])]
        for (name, unit) in laptops { try town.laptop(name, unit: unit) }
        // A notice both laptops of the first village will edit while apart.
        #expect(try town.gongkai("a1", ["notice", "add", "--id", "shared", "--title", "原标题", "--category", "村务",
                                        "--channel", "公开栏", "--published-on", "2021-02-01"]).status == 0)
        try town.sync("a1")
        try town.sync("a2")
        #expect(try town.gongkai("a1", ["notice", "edit", "shared", "--title", "a1 的标题"]).status == 0)
        #expect(try town.gongkai("a2", ["notice", "edit", "shared", "--title", "a2 的标题"]).status == 0)
        // Capture offline and sync in random order.
        for step in 0..<24 {
            let (name, _) = laptops[Int(random.next() % UInt64(laptops.count))]
            switch random.next() % 3 {
            case 0:
                #expect(try town.gongkai(name, ["request", "add", "--id", "\(name)-r\(step)", "--received-on", "2021-03-0\(1 + step % 9)",
                                                "--applicant-type", "自然人", "--content", "申请 \(step)"]).status == 0)
            case 1:
                #expect(try town.gongkai(name, ["fee", "add", "--id", "\(name)-f\(step)", "--collected-on", "2021-04-01",
                                                "--amount-yuan", "\(step).5"]).status == 0)
            default:
                try town.sync(name)
            }
        }
        for _ in 0..<2 {
            for (name, _) in laptops { try town.sync(name) }
        }
        // Every replica of a village holds the same records as the server for that village.
        for (name, unit) in laptops {
            for kind in ["notices", "requests", "fees"] {
                #expect(try town.records("\(name).sqlite", kind: kind, unit: unit) == (try town.records("town.sqlite", kind: kind, unit: unit)),
                        "\(name) \(kind)")
            }
        }
        // Villages see only their own records.
        #expect(try town.records("b.sqlite", kind: "requests", unit: Self.villages[0]).isEmpty)
        // The conflict made on the two laptops shows on both and on the server.
        for db in ["a1.sqlite", "a2.sqlite", "town.sqlite"] {
            let listed = try town.workspace.gongkai(["conflicts", "--json"], db: db).stdout
            let conflicts = try JSONSerialization.jsonObject(with: Data(listed.utf8)) as? [[String: Any]] ?? []
            #expect(conflicts.count == 1, "\(db)")
            #expect(conflicts.first?["id"] as? String == "640522100201:shared")
            #expect(conflicts.first?["field"] as? String == "title")
        }
        // The server logged one line per session.
        let sessions = town.server.log.split(separator: "\n").filter { $0.contains(" sync unit=") }
        #expect(sessions.count >= 10)
        #expect(sessions.allSatisfy { $0.contains("pushed=") && $0.contains("bytes_in=") && $0.contains("duration=") })
    }

    @Test("the final line, the digest check, the remembered server, and status after a sync")
    func outputAndMemory() throws {
        let town = try Township(villages: [Self.villages[0]])
        try town.laptop("a", unit: Self.villages[0])
        _ = try town.gongkai("a", ["fee", "add", "--id", "f1", "--collected-on", "2021-04-01", "--amount-yuan", "5"])
        let first = try town.sync("a")
        #expect(first.stdout == "synced: pushed 1, pulled 0, conflicts 0\n")
        #expect(first.stderr.contains("已与服务器核对: 一致"))
        // A plain `gongkai sync` uses the remembered server and token.
        let plain = try town.gongkai("a", ["sync"])
        #expect(plain.status == 0, "\(plain.stderr)")
        #expect(plain.stdout == "synced: pushed 0, pulled 0, conflicts 0\n")
        let status = try town.gongkai("a", ["status", "--json"])
        let object = try #require(try JSONSerialization.jsonObject(with: Data(status.stdout.utf8)) as? [String: Any])
        #expect(object["pending_changes"] as? Int == 0)
        #expect(object["last_sync"] is String)
        #expect(object["last_sync_converged"] as? Bool == true)
        #expect(object["server"] as? String == town.server.url)
    }
}

@Suite("Server lifecycle")
struct ServerLifecycleTests {
    @Test("SIGTERM stops the server gracefully: it exits 0 and its database is intact")
    func gracefulShutdown() throws {
        let town = try Township(villages: ["640522100201"])
        try town.laptop("a", unit: "640522100201")
        _ = try town.gongkai("a", ["fee", "add", "--id", "f1", "--collected-on", "2021-04-01", "--amount-yuan", "5"])
        try town.sync("a")
        let process = town.server.process
        kill(process.processIdentifier, SIGTERM)
        let deadline = Date().addingTimeInterval(15)
        while process.isRunning && Date() < deadline { usleep(50_000) }
        #expect(!process.isRunning, "the server did not stop on SIGTERM")
        if process.isRunning { town.server.kill() }
        #expect(process.terminationStatus == 0)
        let integrity = try GongkaiProcess.runTool(URL(fileURLWithPath: "/usr/bin/sqlite3"), [town.workspace.path("town.sqlite"), "PRAGMA integrity_check"])
        #expect(integrity.stdout == "ok\n")
        #expect(try town.records("town.sqlite", kind: "fees", unit: "640522100201").count == 1)
    }
}
