import Foundation
import Testing
import TestSupport
import TestTiers

/// A county platform: one PostgreSQL database, two `gongkai serve` processes in front of it,
/// laptops of several villages syncing through either, all through the real binaries.
@Suite("County: two serve instances on one PostgreSQL", .tags(.slow), .enabled(if: TestPostgres.url != nil, Comment(rawValue: TestPostgres.missing)))
struct TwoServersTests {
    static let county = TestSupport.township.code
    static let villages = ["640522100201", "640522100202", "640522100203"]

    @Test("villages sync through both instances at random; one is killed with SIGKILL mid-round and restarted; every replica converges, nothing lost or doubled")
    func killOneOfTwo() throws {
        let database = try TestPostgres.database()
        let store = database.location.url
        let workspace = Workspace()
        let ledger = WriteLedger()
        var random = SeededGenerator(seed: 15)
        print("TwoServersTests seed 15")
        // Given a county store with three villages, a laptop in each (two in the first) and an auditor's
        func admin(_ arguments: [String]) throws -> String {
            let result = try GongkaiProcess.run(["admin"] + arguments + ["--store", store], environment: ["GONGKAI_SITE": "5e5e5e5e5e5e5e5e"])
            #expect(result.status == 0, "admin \(arguments): \(result.stderr)")
            return result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        }
        _ = try admin(["add-unit", "--unit", Self.county, "--name", "西安镇"])
        for village in Self.villages { _ = try admin(["add-unit", "--unit", village, "--name", "村\(village.suffix(3))", "--parent", Self.county]) }
        var tokens: [String: String] = [:]
        let laptops = [("a1", Self.villages[0]), ("a2", Self.villages[0]), ("b", Self.villages[1]), ("c", Self.villages[2]), ("audit", Self.county)]
        for (name, unit) in laptops {
            tokens[name] = try admin(["issue-token", "--unit", unit])
            let placement = unit == Self.county ? ["--township"] : ["--parent", Self.county]
            #expect(try GongkaiProcess.run(["init", "--unit", unit, "--name", "村", "--device", name] + placement + ["--db", workspace.path("\(name).sqlite")]).status == 0)
        }
        var servers = [try ServerProcess(workspace: workspace, store: store), try ServerProcess(workspace: workspace, store: store)]
        func startSync(_ name: String, through server: ServerProcess) throws -> StartedProcess {
            try GongkaiProcess.start(["sync", "--db", workspace.path("\(name).sqlite"), "--server", server.url, "--token", tokens[name]!,
                                      "--no-remember", "--batch-size", "200"], environment: ["GONGKAI_RETRY_DELAY": "0.05"])
        }
        var syncs = 0
        var interrupted = 0
        for round in 0..<3 {
            // When every village laptop captures fees and all sync at once, each through a server chosen at random
            for (name, unit) in laptops where name != "audit" {
                #expect(try ledger.captureFees(workspace, db: "\(name).sqlite", unit: unit, prefix: "\(name)-r\(round)", count: 3_000).status == 0)
            }
            let started = try laptops.map { name, _ in try startSync(name, through: servers[Int(random.next() % 2)]) }
            syncs += started.count
            if round == 1 {
                // …and one instance dies with SIGKILL while they run, and is started again
                usleep(UInt32(50_000 + random.next() % 200_000))
                servers[0].kill()
                servers[0] = try ServerProcess(workspace: workspace, store: store)
            }
            for (process, (name, _)) in zip(started, laptops) {
                let result = try process.wait()
                if result.status != 0 {
                    interrupted += 1
                    print("TwoServersTests round \(round): \(name) failed: \(result.stderr.suffix(300))")
                }
            }
        }
        // Then the laptops sync again through either instance, pass after pass, until a pass in
        // which every one sends nothing and agrees with the server (what one pushes, the others
        // pull the next pass; a row committed late by a push still running comes on a later
        // pull, never skipped), at most five passes
        var passes = 0
        var settled = false
        while !settled && passes < 5 {
            passes += 1
            settled = true
            for (name, _) in laptops {
                let result = try startSync(name, through: servers[(passes + syncs) % 2]).wait()
                syncs += 1
                #expect(result.status == 0, "\(name): \(result.stderr)")
                settled = settled && result.stdout.contains("pushed 0,") && result.stderr.contains("已与服务器核对: 一致")
            }
        }
        #expect(settled, "after \(passes) passes the laptops still send or disagree")
        var lostSomewhere = false
        for (name, unit) in laptops {
            let units: Set<String> = unit == Self.county ? Set(Self.villages) : [unit]
            let outcome = try ledger.check(workspace, db: "\(name).sqlite", units: units)
            lostSomewhere = lostSomewhere || outcome.lost > 0
            #expect(outcome.checked > 0 && outcome.lost == 0 && outcome.duplicates == 0 && outcome.wrong == 0, "\(name): \(outcome)")
        }
        if lostSomewhere || !settled {
            // Which side lost them: a new county laptop pulls everything from the start.
            tokens["fresh"] = try admin(["issue-token", "--unit", Self.county])
            _ = try GongkaiProcess.run(["init", "--unit", Self.county, "--name", "县", "--device", "fresh", "--township", "--db", workspace.path("fresh.sqlite")])
            let fresh = try startSync("fresh", through: servers[1]).wait()
            let outcome = try ledger.check(workspace, db: "fresh.sqlite", units: Set(Self.villages))
            let running = try GongkaiProcess.runTool(URL(fileURLWithPath: "/usr/bin/psql"), [store, "-Atc", """
                SELECT pid, datname, state, backend_xid, now() - xact_start, left(query, 80) FROM pg_stat_activity WHERE backend_xid IS NOT NULL
                """])
            Issue.record("a fresh county laptop pulling from the start: \(outcome); its sync: \(fresh.stdout) \(fresh.stderr); transactions holding an xid: \(running.stdout)")
        }
        print("TWO-SERVERS syncs=\(syncs) writes=\(ledger.writes.count) killed=1 syncs_cut_by_the_kill=\(interrupted) passes_to_settle=\(passes)")
    }
}
