import Foundation
import Testing
import TestSupport
import TestTiers

/// Issue 27, finding 6: township T1's relay registered, under T1, the code of a village of
/// township T2's division; T2's real village was then locked out of the county for good, and the
/// county could neither move nor remove the unit. Now a relay registers only units within its
/// own division (`DivisionCode`), and the county can move a unit (`admin move-unit`) or remove one
/// with its records kept in a folder (`admin remove-unit --records-to`), on SQLite and PostgreSQL.
@Suite("Trust: a township cannot take another township's village code", .tags(.slow), .fullSuiteOnly)
struct RelaySquatTests {
    static let (t1, t2) = ("640522100000", "640522101000")
    static let (squatted, real) = ("640522101201", "640522101202")

    /// A notice of `unit` captured on laptop `name` and synced to its township's server.
    static func capture(_ world: ThreeLevels, _ name: String, unit: String, parent: String, title: String) throws {
        try world.laptop(name, unit: unit, parent: parent)
        #expect(try world.gongkai(name, ["notice", "add", "--id", "n-\(name)", "--title", title, "--category", "民生", "--channel", "公开栏",
                                         "--published-on", "2021-03-01"]).status == 0)
        try world.sync(name)
    }

    static func units(_ world: ThreeLevels, _ db: String) throws -> [String: String] {
        let listed = try world.gongkai(db, ["admin", "list-units", "--json"])
        let objects = try JSONSerialization.jsonObject(with: Data(listed.stdout.utf8)) as? [[String: Any]] ?? []
        return Dictionary(uniqueKeysWithValues: objects.map { ($0["code"] as? String ?? "", $0["parent"] as? String ?? "-") })
    }

    @Test("T1's relay cannot register a code of T2's division; T2's real village then syncs up through T2")
    func squatRefused() throws {
        // Given a county with townships T1 and T2, and T1 registering on its own server a village code of T2's division
        let world = try ThreeLevels(villages: [Self.t1: [], Self.t2: []])
        #expect(try world.gongkai(ThreeLevels.townshipDB(Self.t1), ["admin", "add-unit", "--unit", Self.squatted, "--name", "冒名村",
                                                                   "--parent", Self.t1]).status == 0)
        try Self.capture(world, "fake", unit: Self.squatted, parent: Self.t1, title: "冒名的公示")
        // When T1 syncs up to the county
        let up = try world.workspace.gongkai(["sync", "--server", world.county.url, "--token", world.relayTokens[Self.t1]!],
                                             db: ThreeLevels.townshipDB(Self.t1))
        // Then the county does not register the code, and refuses the records of it, saying who registers units
        #expect(up.stderr.contains("此设备无权写入单位 \(Self.squatted)") && up.stderr.contains("区划代码之外的单位须由县里登记"), "\(up.stderr)")
        #expect(try Self.units(world, "county.sqlite")[Self.squatted] == nil)
        // And T2's real village of that code syncs up through T2, registered under T2
        try Self.realVillageSyncsUpThroughT2(world)
        let notices = try world.gongkai("county.sqlite", ["notice", "list", "--json"]).stdout
        #expect(notices.contains("真的公示") && !notices.contains("冒名的公示"), "\(notices)")
    }

    /// T2 registers its real village of the squatted code, captures a notice of it and syncs up:
    /// the county holds the unit under T2.
    static func realVillageSyncsUpThroughT2(_ world: ThreeLevels) throws {
        #expect(try world.gongkai(ThreeLevels.townshipDB(Self.t2), ["admin", "add-unit", "--unit", Self.squatted, "--name", "真村",
                                                                   "--parent", Self.t2]).status == 0)
        try Self.capture(world, "realVillage", unit: Self.squatted, parent: Self.t2, title: "真的公示")
        try world.syncUp(Self.t2)
        #expect(try Self.units(world, "county.sqlite")[Self.squatted] == Self.t2)
    }

    /// A county where, as an earlier release allowed, T1's relay registered two codes of T2's
    /// division under T1 and brought a record of each up to the county.
    static func earlierReleaseSquat() throws -> ThreeLevels {
        let world = try ThreeLevels(villages: [Self.t1: [], Self.t2: []])
        for code in [Self.squatted, Self.real] {
            #expect(try world.gongkai("county.sqlite", ["admin", "add-unit", "--unit", code, "--name", "冒名村", "--parent", Self.t1]).status == 0)
            #expect(try world.gongkai(ThreeLevels.townshipDB(Self.t1), ["admin", "add-unit", "--unit", code, "--name", "冒名村", "--parent", Self.t1]).status == 0)
            try Self.capture(world, "fake\(code.suffix(1))", unit: code, parent: Self.t1, title: "冒名的公示 \(code)")
        }
        try world.syncUp(Self.t1)
        return world
    }

    @Test("a code squatted by an earlier release: the county removes it with its records kept, or moves it; T2's village then syncs")
    func squatRepaired() throws {
        // Given a county where, as an earlier release allowed, T1's relay registered two codes of T2's
        // division under T1 and brought a record of each
        let world = try Self.earlierReleaseSquat()
        // When the county removes the first with its records kept in a folder
        let folder = world.workspace.path("removed-\(Self.squatted)")
        let refused = try world.gongkai("county.sqlite", ["admin", "remove-unit", "--unit", Self.squatted])
        #expect(refused.status == 1 && refused.stderr.contains("--records-to"), "\(refused.stderr)")
        let removed = try world.gongkai("county.sqlite", ["admin", "remove-unit", "--unit", Self.squatted, "--records-to", folder])
        #expect(removed.status == 0, "\(removed.stderr)")
        // Then the record is in the folder, as a CSV that import takes back, and the unit is gone
        let kept = try String(contentsOfFile: folder + "/notices.csv", encoding: .utf8)
        #expect(kept.contains("冒名的公示 \(Self.squatted)") && kept.hasPrefix("id,unit,title"), "\(kept)")
        #expect(try Self.units(world, "county.sqlite")[Self.squatted] == nil)
        // And T2's real village of that code registers and syncs up through T2
        try Self.realVillageSyncsUpThroughT2(world)
        // When the county moves the second under T2 instead
        let moved = try world.gongkai("county.sqlite", ["admin", "move-unit", "--unit", Self.real, "--parent", Self.t2])
        #expect(moved.status == 0 && moved.stdout.contains("1 条记录"), "\(moved.stdout) \(moved.stderr)")
        // Then T2's server pulls its record on its next sync up, and the county lists it under T2
        try world.syncUp(Self.t2)
        #expect(try Self.units(world, "county.sqlite")[Self.real] == Self.t2)
        #expect(try world.gongkai(ThreeLevels.townshipDB(Self.t2), ["notice", "list", "--json"]).stdout.contains("冒名的公示 \(Self.real)"))
        // And a unit cannot be moved under itself, nor the county's own
        #expect(try world.gongkai("county.sqlite", ["admin", "move-unit", "--unit", Self.t2, "--parent", Self.real]).stderr.contains("在它自己下面"))
        #expect(try world.gongkai("county.sqlite", ["admin", "move-unit", "--unit", ThreeLevels.countyCode, "--parent", Self.t1]).status == 1)
    }

    @Test("on a county on PostgreSQL: move-unit and remove-unit --records-to do the same",
          .enabled(if: TestPostgres.url != nil, Comment(rawValue: TestPostgres.missing)))
    func onPostgreSQL() throws {
        // Given the county of an earlier release's squat, moved to PostgreSQL
        let world = try Self.earlierReleaseSquat()
        world.county.kill()
        let database = try TestPostgres.database()
        let url = database.location.url
        #expect(try GongkaiProcess.run(["admin", "migrate", "--from", world.workspace.path("county.sqlite"), "--to", url]).status == 0)
        func store(_ arguments: [String]) throws -> RunResult { try GongkaiProcess.run(["admin"] + arguments + ["--store", url], in: world.workspace.url) }
        // When the county removes one with its records kept, and moves the other
        let folder = world.workspace.path("removed-pg")
        let removed = try store(["remove-unit", "--unit", Self.squatted, "--records-to", folder])
        #expect(removed.status == 0, "\(removed.stderr)")
        let moved = try store(["move-unit", "--unit", Self.real, "--parent", Self.t2])
        #expect(moved.status == 0 && moved.stdout.contains("1 条记录"), "\(moved.stdout) \(moved.stderr)")
        // Then the store's units say so, and the removed record is in the folder
        let listed = try store(["list-units", "--json"])
        let objects = try JSONSerialization.jsonObject(with: Data(listed.stdout.utf8)) as? [[String: Any]] ?? []
        #expect(!objects.contains { $0["code"] as? String == Self.squatted })
        #expect(objects.first { $0["code"] as? String == Self.real }?["parent"] as? String == Self.t2)
        #expect(try String(contentsOfFile: folder + "/notices.csv", encoding: .utf8).contains("冒名的公示 \(Self.squatted)"))
    }
}
