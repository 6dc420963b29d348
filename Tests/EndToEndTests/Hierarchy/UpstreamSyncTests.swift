import Foundation
import Testing
import TestSupport
import TestTiers

/// Village → township → county through the real binaries: a township's server database syncs up
/// to the county with `gongkai sync --db`, relaying its villages' versions unchanged.
@Suite struct UpstreamSyncTests {
    static let township = "640522100000"
    static let village = "640522100201"
    static let otherTownship = "640522101000"
    static let otherVillage = "640522101201"

    /// Every notice of a database, as the JSON export has it.
    func notices(_ world: ThreeLevels, _ db: String) throws -> [String] {
        let result = try world.gongkai(db, ["export", "notices", "--format", "json"])
        #expect(result.status == 0, "\(result.stderr)")
        let objects = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [[String: Any]] ?? []
        return objects.map { object in object.keys.sorted().map { "\($0)=\(object[$0].map { "\($0)" } ?? "")" }.joined(separator: "|") }
    }

    @Test func aVillagesRecordReachesTheCountyAndAnEditComesBackDown() throws {
        let world = try ThreeLevels(villages: [Self.township: [Self.village], Self.otherTownship: [Self.otherVillage]])
        try world.laptop("village", unit: Self.village, parent: Self.township)
        try world.laptop("county", unit: ThreeLevels.countyCode)
        try world.laptop("other", unit: Self.otherVillage, parent: Self.otherTownship)
        // Given a village's notice synced to its township, and the township's server synced up
        #expect(try world.gongkai("village", ["notice", "add", "--id", "n1", "--title", "低保公示", "--category", "民生", "--channel", "公开栏",
                                              "--published-on", "2021-03-01"]).status == 0)
        try world.sync("village")
        let up = try world.syncUp(Self.township)
        #expect(up.stdout.contains("synced: pushed 1, pulled 0, conflicts 0"), "\(up.stdout)")
        #expect(up.stderr.contains("已与服务器核对: 一致"), "\(up.stderr)")
        // Then the county's laptop gets it as the village wrote it; the other township's village does not
        try world.sync("county")
        try world.syncUp(Self.otherTownship)
        try world.sync("other")
        #expect(try notices(world, "county") == (try notices(world, "village")))
        #expect(try notices(world, "other").isEmpty)
        // When the county's laptop corrects the title, the correction comes down through the township
        #expect(try world.gongkai("county", ["notice", "edit", "n1", "--title", "2021年低保公示"]).status == 0)
        try world.sync("county")
        let down = try world.syncUp(Self.township)
        #expect(down.stdout.contains("synced: pushed 0, pulled 1, conflicts 0"), "\(down.stdout)")
        try world.sync("village")
        #expect(try notices(world, "village").first?.contains("title=2021年低保公示") == true)
        for db in ["village", "county", "county.sqlite", ThreeLevels.townshipDB(Self.township)] {
            #expect(try notices(world, db) == (try notices(world, "village")), "\(db)")
        }
        // And a second upstream sync moves nothing (one request)
        let idle = try world.syncUp(Self.township)
        #expect(idle.stdout.contains("synced: pushed 0, pulled 0, conflicts 0") && idle.stderr.contains("请求 1 次"), "\(idle.stderr)")
    }

    @Test func aConflictMadeTwoLevelsApartShowsTheSameAtAllThree() throws {
        let world = try ThreeLevels(villages: [Self.township: [Self.village]])
        try world.laptop("village", unit: Self.village, parent: Self.township)
        try world.laptop("county", unit: ThreeLevels.countyCode)
        #expect(try world.gongkai("village", ["notice", "add", "--id", "n1", "--title", "公示", "--category", "民生", "--channel", "公开栏",
                                              "--published-on", "2021-03-01"]).status == 0)
        try world.sync("village")
        try world.syncUp(Self.township)
        try world.sync("county")
        // Given the same title edited at the county and in the village, neither having synced
        #expect(try world.gongkai("county", ["notice", "edit", "n1", "--title", "县里改的标题"]).status == 0)
        #expect(try world.gongkai("village", ["notice", "edit", "n1", "--title", "村里改的标题"]).status == 0)
        // When everyone syncs: the county first, then the village up through its township, then back down
        try world.sync("county")
        try world.sync("village")
        try world.syncUp(Self.township)
        try world.sync("village")
        try world.sync("county")
        // Then the village, the township's server, the county's server and the county's laptop show one and the same conflict
        let seen = try world.conflicts("village")
        #expect(seen.count == 1 && seen[0].contains("title"), "\(seen)")
        #expect(seen[0].contains("县里改的标题") && seen[0].contains("村里改的标题"), "\(seen)")
        for db in [ThreeLevels.townshipDB(Self.township), "county.sqlite", "county"] {
            #expect(try world.conflicts(db) == seen, "\(db)")
        }
    }

    @Test(.tags(.slow)) func aTownshipServerSyncsUpOnItsOwn() throws {
        // Given township servers that sync up every 10 seconds, and a village's notice synced to its township
        let world = try ThreeLevels(villages: [Self.township: [Self.village]], upstreamEvery: "10s")
        try world.laptop("village", unit: Self.village, parent: Self.township)
        #expect(try world.gongkai("village", ["notice", "add", "--id", "n1", "--title", "低保公示", "--category", "民生", "--channel", "公开栏",
                                              "--published-on", "2021-03-01"]).status == 0)
        try world.sync("village")
        // Then within a round or two it reaches the county, with nobody running a command
        let server = try #require(world.townships[Self.township])
        let deadline = Date().addingTimeInterval(40)
        while !server.log.contains("推送 1,") && Date() < deadline { usleep(100_000) }
        #expect(server.log.contains("向上级同步 \(world.county.url): 推送 1, 拉取 0, 冲突 0, 拒收 0"), "\(server.log)")
        #expect(try notices(world, "county.sqlite") == (try notices(world, "village")))
        // And a bad interval is refused before anything is served
        let refused = try world.gongkai(ThreeLevels.townshipDB(Self.township),
                                        ["serve", "--port", "0", "--upstream", world.county.url, "--upstream-token", "x", "--every", "5s"])
        #expect(refused.status == 2 && refused.stderr.contains("至少 10 秒"), "\(refused.stderr)")
    }

    @Test func theCountysReportOfATownshipIsTheTownshipsOwn() throws {
        // Given a township whose two villages synced every kind of record, relayed to the county,
        // and another township's village beside it
        let world = try ThreeLevels(villages: [Self.township: [Self.village, "640522100202"], Self.otherTownship: [Self.otherVillage]])
        try world.laptop("v1", unit: Self.village, parent: Self.township)
        try world.laptop("v2", unit: "640522100202", parent: Self.township)
        try world.laptop("other", unit: Self.otherVillage, parent: Self.otherTownship)
        for (kind, text) in kindFixtures.sorted(by: { $0.key.rawValue < $1.key.rawValue }) {
            let imported = try world.gongkai("v1", ["import", kind.rawValue, world.workspace.write("\(kind.rawValue).csv", text)])
            #expect(imported.status == 0, "\(kind): \(imported.stderr)")
        }
        for laptop in ["v2", "other"] {
            #expect(try world.gongkai(laptop, ["notice", "add", "--title", "村务公开", "--category", "村务", "--channel", "公开栏",
                                               "--published-on", "2021-06-01"]).status == 0)
        }
        for laptop in ["v1", "v2", "other"] { try world.sync(laptop) }
        try world.syncUp(Self.township)
        try world.syncUp(Self.otherTownship)
        // Then the county's report of the township is the township server's own, in every format
        for year in ["2020", "2021"] {
            for format in ["md", "html", "csv", "json"] {
                let arguments = ["report", "annual", "--year", year, "--format", format]
                let own = try world.gongkai(ThreeLevels.townshipDB(Self.township), arguments)
                let county = try world.gongkai("county.sqlite", arguments + ["--unit", Self.township])
                #expect(own.status == 0 && county.status == 0, "\(own.stderr) \(county.stderr)")
                #expect(county.stdout == own.stdout, "\(year) \(format)")
            }
            // The Word document too, byte for byte (a PDF carries the time it was printed)
            let arguments = ["report", "annual", "--year", year, "--format", "docx", "--output"]
            #expect(try world.gongkai(ThreeLevels.townshipDB(Self.township), arguments + [world.workspace.path("own-\(year).docx")]).status == 0)
            #expect(try world.gongkai("county.sqlite", arguments + [world.workspace.path("county-\(year).docx"), "--unit", Self.township]).status == 0)
            #expect(FileManager.default.contents(atPath: world.workspace.path("own-\(year).docx"))
                    == FileManager.default.contents(atPath: world.workspace.path("county-\(year).docx")), "\(year) docx")
        }
        // And it counts nothing of the other township (whose village's notice the county holds)
        let wholeCounty = try world.gongkai("county.sqlite", ["report", "annual", "--year", "2021", "--format", "json"])
        let township = try world.gongkai("county.sqlite", ["report", "annual", "--year", "2021", "--format", "json", "--unit", Self.township])
        #expect(wholeCounty.stdout != township.stdout)
        #expect(!township.stdout.contains(Self.otherVillage) && wholeCounty.stdout.contains(Self.otherVillage))
    }
}
