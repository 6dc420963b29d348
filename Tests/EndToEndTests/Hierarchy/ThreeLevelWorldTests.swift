import Foundation
import Testing
import TestSupport
import TestTiers

/// The three-level world with real processes: a county's server, two township servers syncing
/// up to it, two villages under each with a laptop, and a laptop at the county. Random edits at
/// every level; network syncs, syncs cut mid-way (the process killed) and files carried both
/// ways, replies delivered late or twice, in random order. In the end everyone syncs: every copy
/// of a village's records is the same, every notice captured is there once, and every conflict
/// shows alike at every level.
@Suite(.tags(.slow)) struct ThreeLevelWorldTests {
    static let villages = ["640522100000": ["640522100201", "640522100202"], "640522101000": ["640522101201", "640522101202"]]

    @Test(arguments: propertySeeds(count: 3))
    func randomWorld(seed: UInt64) throws {
        var random = SeededGenerator(seed: seed)
        let world = try ThreeLevels(villages: Self.villages)
        let w = world.workspace
        var laptops: [(name: String, unit: String, township: String)] = []
        for (township, villages) in Self.villages.sorted(by: { $0.key < $1.key }) {
            for village in villages {
                try world.laptop("v\(village.suffix(4))", unit: village, parent: township)
                laptops.append(("v\(village.suffix(4))", village, township))
            }
        }
        try world.laptop("county", unit: ThreeLevels.countyCode)
        let townships = Self.villages.keys.sorted()
        var created: [String: String] = [:]  // notice id → unit
        // Every title written, and those a later edit overwrote having seen them (standing, or in
        // conflict, on the replica that edited): the rest must survive, standing or in conflict.
        var written: [String: Set<String>] = [:], overwritten: [String: Set<String>] = [:]
        func retitle(_ db: String, _ id: String, _ title: String) throws {
            if let current = try notices(db).first(where: { $0["id"] as? String == id })?["title"] as? String {
                overwritten[id, default: []].insert(current)
            }
            let conflicts = try JSONSerialization.jsonObject(with: Data(try world.gongkai(db, ["conflicts", "--json"]).stdout.utf8)) as? [[String: Any]] ?? []
            for conflict in conflicts where conflict["id"] as? String == id && conflict["field"] as? String == "title" {
                overwritten[id, default: []].formUnion((conflict["losing_values"] as? [String]) ?? [])
            }
            #expect(try world.gongkai(db, ["notice", "edit", id, "--title", title]).status == 0)
            written[id, default: []].insert(title)
        }
        var lateReplies: [(db: String, path: String)] = []
        func notices(_ db: String, unit: String? = nil) throws -> [[String: Any]] {
            let result = try world.gongkai(db, ["export", "notices", "--format", "json"] + (unit.map { ["--unit", $0] } ?? []))
            return try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [[String: Any]] ?? []
        }
        /// Starts a command and kills it after up to 150 ms: a sync cut mid-way.
        func cut(_ arguments: [String], db: String) throws {
            let started = try GongkaiProcess.start(arguments + ["--db", w.path(db)], environment: ["GONGKAI_NOW": "1700000000"])
            usleep(UInt32.random(in: 0...150_000, using: &random))
            if started.isRunning { kill(started.process.processIdentifier, SIGKILL) }
            _ = try started.wait()
        }
        /// A file up and a reply back; the reply taken now, later, or twice.
        func exchange(lower db: String, upper: String, token: String) throws {
            let up = w.path("up-\(UUID().uuidString.prefix(8)).gkb"), reply = w.path("reply-\(UUID().uuidString.prefix(8)).gkb")
            #expect(try world.gongkai(db, ["bundle", "export", "--output", up, "--token", token]).status == 0)
            let answered = try world.gongkai(upper, ["bundle", "import", up, "--reply", reply])
            #expect(answered.status == 0, "seed \(seed): \(answered.stderr)")
            switch Int.random(in: 0..<3, using: &random) {
            case 0: lateReplies.append((db, reply))
            case 1:
                #expect(try world.gongkai(db, ["bundle", "import", reply]).status == 0)
                lateReplies.append((db, reply))
            default: #expect(try world.gongkai(db, ["bundle", "import", reply]).status == 0)
            }
        }
        for step in 0..<60 {
            let laptop = laptops.randomElement(using: &random)!
            let township = townships.randomElement(using: &random)!
            switch Int.random(in: 0..<12, using: &random) {
            case 0, 1:
                let id = "s\(step)"
                #expect(try world.gongkai(laptop.name, ["notice", "add", "--id", id, "--title", "公示\(step)", "--category", "村务",
                                                        "--channel", "公开栏", "--published-on", "2021-03-01"]).status == 0)
                created["\(laptop.unit):\(id)"] = laptop.unit
                written["\(laptop.unit):\(id)", default: []].insert("公示\(step)")
            case 3:
                // The same notice edited in the village and at the township's server or the county's
                // laptop, neither having seen the other's edit: a conflict one or two levels apart
                let other = [ThreeLevels.townshipDB(laptop.township), "county"].randomElement(using: &random)!
                let held = Set(try notices(other).compactMap { $0["id"] as? String })
                if let id = try notices(laptop.name).compactMap({ $0["id"] as? String }).filter(held.contains).randomElement(using: &random) {
                    try retitle(laptop.name, id, "村改于\(step)")
                    try retitle(other, id, "上级改于\(step)")
                }
            case 2, 4: try world.sync(laptop.name)
            case 5: try cut(["sync", "--server", world.laptops[laptop.name]!.server.url, "--token", world.laptops[laptop.name]!.token],
                            db: ThreeLevels.laptopDB(laptop.name))
            case 6: try exchange(lower: laptop.name, upper: ThreeLevels.townshipDB(laptop.township), token: world.laptops[laptop.name]!.token)
            case 7: try world.syncUp(township)
            case 8: try cut(["sync", "--server", world.county.url, "--token", world.relayTokens[township]!], db: ThreeLevels.townshipDB(township))
            case 9: try exchange(lower: ThreeLevels.townshipDB(township), upper: "county.sqlite", token: world.relayTokens[township]!)
            case 10: try world.sync("county")
            default:
                if !lateReplies.isEmpty {
                    let late = lateReplies.remove(at: Int.random(in: 0..<lateReplies.count, using: &random))
                    #expect(try world.gongkai(late.db, ["bundle", "import", late.path]).status == 0, "seed \(seed) step \(step)")
                }
            }
        }
        // Then the late replies arrive, and everyone syncs: villages, townships, the county, and back down
        for late in lateReplies { #expect(try world.gongkai(late.db, ["bundle", "import", late.path]).status == 0) }
        for _ in 0..<2 {
            for laptop in laptops { try world.sync(laptop.name) }
            for township in townships { try world.syncUp(township) }
            try world.sync("county")
            for township in townships { try world.syncUp(township) }
            for laptop in laptops { try world.sync(laptop.name) }
        }
        func lines(_ db: String, unit: String) throws -> [String] {
            try notices(db, unit: unit).map { object in object.keys.sorted().map { "\($0)=\(object[$0] ?? "")" }.joined(separator: "|") }.sorted()
        }
        for laptop in laptops {
            let own = try lines(laptop.name, unit: laptop.unit)
            for db in [ThreeLevels.townshipDB(laptop.township), "county.sqlite", "county"] {
                #expect(try lines(db, unit: laptop.unit) == own, "seed \(seed): \(laptop.unit) at \(db)")
            }
            // Every notice captured in the village is there, once
            #expect(Set(try notices(laptop.name).compactMap { $0["id"] as? String }) == Set(created.filter { $0.value == laptop.unit }.keys),
                    "seed \(seed): \(laptop.unit)")
        }
        // No write lost: every title no later edit overwrote stands, or is listed in conflict
        let standing = Dictionary(try notices("county.sqlite").map { ($0["id"] as? String ?? "", $0["title"] as? String ?? "") }, uniquingKeysWith: { a, _ in a })
        let countyConflicts = try JSONSerialization.jsonObject(with: Data(try world.gongkai("county.sqlite", ["conflicts", "--json"]).stdout.utf8))
            as? [[String: Any]] ?? []
        for (id, titles) in written {
            let losing = Set(countyConflicts.filter { $0["id"] as? String == id && $0["field"] as? String == "title" }
                .flatMap { ($0["losing_values"] as? [String]) ?? [] })
            for title in titles.subtracting(overwritten[id] ?? []) {
                #expect(standing[id] == title || losing.contains(title), "seed \(seed): \(id) lost \(title)")
            }
        }
        // And every conflict shows alike at every level
        let everywhere = try world.conflicts("county.sqlite")
        print("seed \(seed): \(created.count) notices captured, \(everywhere.count) conflicts, \(lateReplies.count) replies late")
        #expect(try world.conflicts("county") == everywhere, "seed \(seed)")
        for township in townships {
            let mine = try world.conflicts(ThreeLevels.townshipDB(township))
            #expect(mine == everywhere.filter { line in Self.villages[township]!.contains { line.contains("/\($0):") } }, "seed \(seed)")
        }
        for laptop in laptops {
            #expect(try world.conflicts(laptop.name) == everywhere.filter { $0.contains("/\(laptop.unit):") }, "seed \(seed): \(laptop.name)")
        }
    }
}
