import Foundation
import Testing
import TestSupport
import TestTiers

/// Starts `gongkai sync` for a laptop without waiting for it.
func startSync(_ town: Township, _ laptop: String, server: String, extra: [String] = []) throws -> Process {
    let process = Process()
    process.executableURL = GongkaiProcess.binary
    process.arguments = ["sync", "--db", town.workspace.path("\(laptop).sqlite"), "--server", server, "--token", town.tokens[laptop]!,
                         "--no-remember"] + extra
    var environment = ProcessInfo.processInfo.environment
    environment["GONGKAI_RETRY_DELAY"] = "0.05"
    process.environment = environment
    process.standardOutput = FileHandle.nullDevice
    process.standardError = FileHandle.nullDevice
    try process.run()
    return process
}

@Suite("Faults: kill -9 in the middle of a long sync", .tags(.slow), .fullSuiteOnly)
struct KillTests {
    static let village = "640522100201"

    /// A laptop with tens of thousands of fees not yet synced, and a second laptop.
    func longSync() throws -> (Township, WriteLedger) {
        let town = try Township(villages: [Self.village])
        let ledger = WriteLedger()
        try town.laptop("a", unit: Self.village)
        try town.laptop("b", unit: Self.village)
        #expect(try ledger.captureFees(town.workspace, db: "a.sqlite", unit: Self.village, prefix: "a", count: 20_000).status == 0)
        #expect(try ledger.captureFees(town.workspace, db: "b.sqlite", unit: Self.village, prefix: "b", count: 500).status == 0)
        return (town, ledger)
    }

    func check(_ town: Township, _ ledger: WriteLedger, _ summary: inout FaultSummary, _ context: String) throws {
        for db in ["town.sqlite", "a.sqlite", "b.sqlite"] {
            let outcome = try ledger.check(town.workspace, db: db, units: [Self.village])
            summary.add(outcome)
            #expect(outcome.checked == 20_500 && outcome.lost == 0 && outcome.duplicates == 0 && outcome.wrong == 0, "\(context), \(db): \(outcome)")
        }
        let integrity = try GongkaiProcess.runTool(URL(fileURLWithPath: "/usr/bin/sqlite3"), [town.workspace.path("a.sqlite"), "PRAGMA integrity_check"])
        #expect(integrity.stdout == "ok\n")
    }

    @Test("the client killed at random points, three times, then run again: everything arrives once")
    func killClient() throws {
        var summary = FaultSummary(name: "kill -9 of the client during a 20,000-record sync")
        var random = SeededGenerator(seed: 99)
        for round in 0..<soakFactor {
            let (town, ledger) = try longSync()
            try town.sync("b")
            for _ in 0..<3 {
                // Small batches and early kills: a whole 20,000-record sync takes about a second.
                let process = try startSync(town, "a", server: town.server.url, extra: ["--batch-size", "200"])
                usleep(UInt32(100_000 + random.next() % 500_000))
                if process.isRunning {
                    kill(process.processIdentifier, SIGKILL)
                    summary.faults += 1
                }
                process.waitUntilExit()
                summary.syncs += 1
            }
            try town.sync("a")
            try town.sync("b")
            summary.syncs += 2
            try check(town, ledger, &summary, "round \(round)")
            town.server.kill()
        }
        #expect(summary.faults >= 2, "the client finished before it could be killed; lengthen the sync")
        summary.print()
    }

    @Test("the server killed at random points of a sync and restarted: everything arrives once")
    func killServer() throws {
        var summary = FaultSummary(name: "kill -9 of the server during a 20,000-record sync")
        var random = SeededGenerator(seed: 7)
        for round in 0..<soakFactor {
            let (town, ledger) = try longSync()
            var server = town.server
            for _ in 0..<2 {
                let process = try startSync(town, "a", server: server.url, extra: ["--batch-size", "200", "--attempts", "2"])
                usleep(UInt32(100_000 + random.next() % 500_000))
                // Counted only when the sync was still running: a kill after it ended injects nothing.
                if process.isRunning { summary.faults += 1 }
                server.kill()
                process.waitUntilExit()
                summary.syncs += 1
                server = try ServerProcess(workspace: town.workspace)
            }
            for laptop in ["a", "b", "a"] {
                let result = try GongkaiProcess.run(["sync", "--db", town.workspace.path("\(laptop).sqlite"), "--server", server.url,
                                                     "--token", town.tokens[laptop]!, "--no-remember"])
                #expect(result.status == 0, "\(result.stderr)")
                summary.syncs += 1
            }
            try check(town, ledger, &summary, "round \(round)")
            let integrity = try GongkaiProcess.runTool(URL(fileURLWithPath: "/usr/bin/sqlite3"), [town.workspace.path("town.sqlite"), "PRAGMA integrity_check"])
            #expect(integrity.stdout == "ok\n")
            server.kill()
        }
        #expect(summary.faults >= 2 * soakFactor - 1, "the sync finished before the server could be killed; lengthen the sync")
        summary.print()
    }
}
