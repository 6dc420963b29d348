import Foundation
import Testing
import TestSupport

/// Sync by a file on a stick through the real binary: village ↔ township and township ↔ county.
@Suite struct BundleCommandTests {
    static let township = UpstreamSyncTests.township
    static let village = UpstreamSyncTests.village

    func json(_ result: RunResult) throws -> [String: Any] {
        try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any] ?? [:]
    }

    @Test func aVillageWithoutNetworkSyncsByFileBothWays() throws {
        let world = try ThreeLevels(villages: [Self.township: [Self.village]])
        let w = world.workspace
        let town = ThreeLevels.townshipDB(Self.township)
        let issued = try world.gongkai(town, ["admin", "issue-token", "--unit", Self.village])
        let token = issued.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(try w.gongkai(["init", "--unit", Self.village, "--name", "园河村", "--parent", Self.township], db: "v.sqlite").status == 0)
        #expect(try w.gongkai(["notice", "add", "--id", "n1", "--title", "低保公示", "--category", "民生", "--channel", "公开栏",
                               "--published-on", "2021-03-01"], db: "v.sqlite").status == 0)
        // Given a first export without a token: refused, naming what to give
        let tokenless = try w.gongkai(["bundle", "export", "--output", w.path("up.gkb")], db: "v.sqlite")
        #expect(tokenless.status == 2 && tokenless.stderr.contains("--token"), "\(tokenless.stderr)")
        // When the village exports, the township imports and replies, the village takes the reply
        let exported = try w.gongkai(["bundle", "export", "--output", w.path("up.gkb"), "--token", token], db: "v.sqlite")
        #expect(exported.status == 0 && exported.stdout.contains("bundle: 1 条修改"), "\(exported.stderr)")
        let answered = try world.gongkai(town, ["bundle", "import", w.path("up.gkb"), "--reply", w.path("reply.gkb")])
        #expect(answered.status == 0 && answered.stdout.contains("合并 1, 拒收 0"), "\(answered.stderr)")
        let taken = try w.gongkai(["bundle", "import", w.path("reply.gkb")], db: "v.sqlite")
        #expect(taken.status == 0 && taken.stdout.contains("确认推送 1, 拉取 0") && taken.stderr.contains("已与上级核对: 一致"), "\(taken.stderr)")
        // Then the township holds the notice, the village has nothing pending, and both say when the last file came
        let status = try json(try w.gongkai(["status", "--json"], db: "v.sqlite"))
        #expect(status["pending_changes"] as? Int == 0)
        #expect(status["last_bundle"] is String && status["last_sync"] is NSNull)
        let units = try JSONSerialization.jsonObject(with: Data(try world.gongkai(town, ["admin", "list-units", "--json"]).stdout.utf8)) as? [[String: Any]] ?? []
        #expect(units.first { $0["code"] as? String == Self.village }?["last_bundle"] is String)
        #expect(units.first { $0["code"] as? String == Self.village }?["last_sync"] is NSNull)
        // (a village that syncs only by file has synced, for the report's checks)
        let checks = try JSONSerialization.jsonObject(with: Data(try world.gongkai(town, ["report", "check", "--year", "2021", "--json"]).stdout.utf8))
            as? [[String: Any]] ?? []
        #expect(checks.first { $0["id"] as? String == "DATA-SYNC" }?["ok"] as? Bool == true)
        // And an edit on the township's side comes back with the next exchange (the token remembered)
        #expect(try world.gongkai(town, ["notice", "edit", "\(Self.village):n1", "--title", "2021年低保公示"]).status == 0)
        #expect(try w.gongkai(["bundle", "export", "--output", w.path("up2.gkb")], db: "v.sqlite").status == 0)
        #expect(try world.gongkai(town, ["bundle", "import", w.path("up2.gkb"), "--reply", w.path("reply2.gkb")]).status == 0)
        let second = try w.gongkai(["bundle", "import", w.path("reply2.gkb")], db: "v.sqlite")
        #expect(second.stdout.contains("拉取 1"), "\(second.stdout) \(second.stderr)")
        // The first reply again, late: the later title stands, nothing is pending
        #expect(try w.gongkai(["bundle", "import", w.path("reply.gkb")], db: "v.sqlite").status == 0)
        #expect(try w.gongkai(["notice", "show", "\(Self.village):n1"], db: "v.sqlite").stdout.contains("2021年低保公示"))
        #expect(try json(try w.gongkai(["status", "--json"], db: "v.sqlite"))["pending_changes"] as? Int == 0)
    }

    @Test func aDamagedFileOrARevokedDeviceIsRefusedAndNothingChanges() throws {
        let world = try ThreeLevels(villages: [Self.township: [Self.village]])
        let w = world.workspace
        let town = ThreeLevels.townshipDB(Self.township)
        let token = try world.gongkai(town, ["admin", "issue-token", "--unit", Self.village]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(try w.gongkai(["init", "--unit", Self.village, "--name", "园河村", "--parent", Self.township], db: "v.sqlite").status == 0)
        #expect(try w.gongkai(["notice", "add", "--title", "公示", "--category", "民生", "--channel", "公开栏", "--published-on", "2021-03-01"],
                              db: "v.sqlite").status == 0)
        #expect(try w.gongkai(["bundle", "export", "--output", w.path("up.gkb"), "--token", token], db: "v.sqlite").status == 0)
        let bytes = try Data(contentsOf: URL(fileURLWithPath: w.path("up.gkb")))
        let before = try w.dump(town)
        // A copy cut short
        try bytes.prefix(bytes.count * 3 / 4).write(to: URL(fileURLWithPath: w.path("cut.gkb")))
        let cut = try world.gongkai(town, ["bundle", "import", w.path("cut.gkb")])
        #expect(cut.status == 1 && cut.stderr.contains("不完整"), "\(cut.stderr)")
        #expect(try w.dump(town) == before)
        // A copy with one byte changed
        var flipped = bytes
        flipped[flipped.count - 5] ^= 0x01
        try flipped.write(to: URL(fileURLWithPath: w.path("flipped.gkb")))
        let altered = try world.gongkai(town, ["bundle", "import", w.path("flipped.gkb")])
        #expect(altered.status == 1 && altered.stderr.contains("损坏或被改动"), "\(altered.stderr)")
        #expect(try w.dump(town) == before)
        // The genuine file carried to the wrong server (the county never issued that token)
        let countyBefore = try w.dump("county.sqlite")
        let elsewhere = try world.gongkai("county.sqlite", ["bundle", "import", w.path("up.gkb")])
        #expect(elsewhere.status == 1 && elsewhere.stderr.contains("不是本服务器发放的"), "\(elsewhere.stderr)")
        #expect(try w.dump("county.sqlite") == countyBefore)
        // The genuine file, once the device's token is revoked
        #expect(try world.gongkai(town, ["admin", "revoke-token", "--token", token]).status == 0)
        let afterRevoke = try w.dump(town)
        let revoked = try world.gongkai(town, ["bundle", "import", w.path("up.gkb"), "--reply", w.path("reply.gkb")])
        #expect(revoked.status == 1 && revoked.stderr.contains("已吊销"), "\(revoked.stderr)")
        #expect(try w.dump(town) == afterRevoke)
        #expect(!FileManager.default.fileExists(atPath: w.path("reply.gkb")))
    }

    @Test func aTownshipSyncsUpToItsCountyByFile() throws {
        let world = try ThreeLevels(villages: [Self.township: [Self.village]])
        try world.laptop("village", unit: Self.village, parent: Self.township)
        let town = ThreeLevels.townshipDB(Self.township)
        #expect(try world.gongkai("village", ["notice", "add", "--id", "n1", "--title", "低保公示", "--category", "民生", "--channel", "公开栏",
                                              "--published-on", "2021-03-01"]).status == 0)
        try world.sync("village")
        let w = world.workspace
        // When the township's server writes a file with its relay token, the county imports it, and the reply comes back
        let relay = try #require(world.relayTokens[Self.township])
        #expect(try world.gongkai(town, ["bundle", "export", "--output", w.path("town.gkb"), "--token", relay]).status == 0)
        let answered = try world.gongkai("county.sqlite", ["bundle", "import", w.path("town.gkb"), "--reply", w.path("county.gkb")])
        #expect(answered.status == 0 && answered.stdout.contains("合并 1, 拒收 0"), "\(answered.stderr)")
        let taken = try world.gongkai(town, ["bundle", "import", w.path("county.gkb")])
        #expect(taken.status == 0 && taken.stderr.contains("已与上级核对: 一致"), "\(taken.stderr)")
        // Then the county's report of the township is the township's own
        for format in ["md", "json"] {
            let own = try world.gongkai(town, ["report", "annual", "--year", "2021", "--format", format])
            let county = try world.gongkai("county.sqlite", ["report", "annual", "--year", "2021", "--format", format, "--unit", Self.township])
            #expect(own.status == 0 && county.stdout == own.stdout, "\(format)")
        }
    }

    @Test(.enabled(if: TestPostgres.url != nil, Comment(rawValue: TestPostgres.missing)))
    func aCountyOnPostgreSQLTakesATownshipsFile() throws {
        // Given a county platform on PostgreSQL, and a township server whose village synced
        let database = try TestPostgres.database()
        let url = database.location.url
        let w = Workspace()
        let county = "640522000000", township = Self.township
        #expect(try GongkaiProcess.run(["admin", "add-unit", "--store", url, "--unit", county, "--name", "海原县"]).status == 0)
        #expect(try GongkaiProcess.run(["admin", "add-unit", "--store", url, "--unit", township, "--name", "西安镇", "--parent", county]).status == 0)
        let relay = try GongkaiProcess.run(["admin", "issue-token", "--store", url, "--unit", township, "--relay"]).stdout
            .trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(try w.gongkai(["admin", "add-unit", "--unit", township, "--name", "西安镇"], db: "town.sqlite").status == 0)
        #expect(try w.gongkai(["admin", "add-unit", "--unit", Self.village, "--name", "园河村", "--parent", township], db: "town.sqlite").status == 0)
        // (a township's server has issued its villages' tokens: only then does it judge their syncs)
        #expect(try w.gongkai(["admin", "issue-token", "--unit", Self.village], db: "town.sqlite").status == 0)
        #expect(try w.gongkai(["notice", "add", "--unit", Self.village, "--title", "低保公示", "--category", "民生", "--channel", "公开栏",
                               "--published-on", "2021-03-01"], db: "town.sqlite").status == 0)
        // When the township's file is imported into the county's store, and the reply taken back
        #expect(try w.gongkai(["bundle", "export", "--output", w.path("town.gkb"), "--token", relay], db: "town.sqlite").status == 0)
        let answered = try GongkaiProcess.run(["bundle", "import", "--store", url, w.path("town.gkb"), "--reply", w.path("county.gkb")])
        #expect(answered.status == 0 && answered.stdout.contains("合并 1, 拒收 0"), "\(answered.stderr)")
        let taken = try w.gongkai(["bundle", "import", w.path("county.gkb")], db: "town.sqlite")
        #expect(taken.status == 0 && taken.stderr.contains("已与上级核对: 一致"), "\(taken.stderr)")
        // Then the county's report of the township is the township's own; a reply is not taken by the county
        let own = try w.gongkai(["report", "annual", "--year", "2021", "--format", "json"], db: "town.sqlite")
        let theirs = try GongkaiProcess.run(["report", "annual", "--store", url, "--unit", township, "--year", "2021", "--format", "json"])
        #expect(own.status == 0 && theirs.stdout == own.stdout)
        // The county's list of units shows the township's last sync by file, none by network
        let units = try JSONSerialization.jsonObject(with: Data(try GongkaiProcess.run(["admin", "list-units", "--store", url, "--json"]).stdout.utf8))
            as? [[String: Any]] ?? []
        #expect(units.map { $0["code"] as? String } == [county, township, Self.village])
        #expect(units[1]["last_bundle"] is String && units[1]["last_sync"] is NSNull, "\(units)")
        #expect(units[2]["records"] as? Int == 1)
        let wrongWay = try GongkaiProcess.run(["bundle", "import", "--store", url, w.path("county.gkb")])
        #expect(wrongWay.status == 1 && wrongWay.stderr.contains("回复文件"), "\(wrongWay.stderr)")
    }
}
