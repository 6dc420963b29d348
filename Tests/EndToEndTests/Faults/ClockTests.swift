import Foundation
import Testing
import TestSupport
import TestTiers

@Suite("Faults: wrong clocks", .tags(.slow), .fullSuiteOnly)
struct ClockTests {
    /// Two laptops edit the same records in a scripted order; each command runs with the clock
    /// `clock(laptop, step)`. Returns every replica's exports.
    func run(clock: (Int, Int) -> Int) throws -> [String] {
        let village = "640522100201"
        let town = try Township(villages: [village])
        // The same sites in both runs: ties between concurrent writes break by site id.
        try town.laptop("a", unit: village, site: "00000000000000aa")
        try town.laptop("b", unit: village, site: "00000000000000bb")
        var random = SeededGenerator(seed: 2_024)
        let laptops = ["a", "b"]
        for step in 0..<30 {
            let index = Int(random.next() % 2)
            let laptop = laptops[index]
            let now = String(clock(index, step))
            let db = town.workspace.path("\(laptop).sqlite")
            let id = "n\(random.next() % 4)"
            switch random.next() % 3 {
            case 0:
                // (--future: a laptop years slow sees 2021 as the future, and `add` asks about a date after today)
                _ = try GongkaiProcess.run(["notice", "add", "--db", db, "--id", id, "--title", "t\(step)", "--category", "民生",
                                            "--channel", "公开栏", "--published-on", "2021-01-01", "--future"], environment: ["GONGKAI_NOW": now])
                _ = try GongkaiProcess.run(["notice", "edit", "--db", db, id, "--title", "\(laptop)-\(step)"], environment: ["GONGKAI_NOW": now])
            case 1:
                _ = try GongkaiProcess.run(["notice", "edit", "--db", db, id, "--body", "\(laptop)-\(step)"], environment: ["GONGKAI_NOW": now])
            default:
                // Every scripted sync must go through, or the two runs would not be the same script.
                let synced = try GongkaiProcess.run(["sync", "--db", db, "--server", town.server.url, "--token", town.tokens[laptop]!],
                                                    environment: ["GONGKAI_NOW": now])
                #expect(synced.status == 0, "step \(step): \(synced.stderr)")
            }
        }
        for laptop in laptops + laptops { try town.sync(laptop) }
        defer { town.server.kill() }
        return try ["town.sqlite", "a.sqlite", "b.sqlite"].map { db in
            try town.workspace.gongkai(["export", "notices"], db: db).stdout + (try town.workspace.gongkai(["conflicts", "--json"], db: db).stdout)
        }
    }

    @Test("laptop clocks years off and jumping backwards give the same final state as correct clocks")
    func skewedClocks() throws {
        var summary = FaultSummary(name: "client clocks years off, jumping backwards")
        let correct = try run { _, step in 1_700_000_000 + step * 60 }
        let skewed = try run { laptop, step in
            // Laptop a runs three years fast, b four years slow; both jump back a day every fifth step.
            let offset = laptop == 0 ? 3 * 365 * 86_400 : -4 * 365 * 86_400
            return 1_700_000_000 + offset + step * 60 - (step % 5 == 0 ? 86_400 * step : 0)
        }
        summary.syncs += 2 * 14
        summary.faults += 30
        // Records compared: every notice line of every replica's export (the header aside).
        summary.writes = skewed.map { String($0.prefix { $0 != "[" }).components(separatedBy: "\r\n").filter { !$0.isEmpty }.count - 1 }.reduce(0, +)
        #expect(Set(correct).count == 1, "replicas differ with correct clocks")
        #expect(Set(skewed).count == 1, "replicas differ with skewed clocks")
        #expect(skewed == correct)
        #expect(summary.writes >= 6, "too few records to compare: \(summary.writes)")
        summary.print()
    }
}
