import Foundation
import Testing
import TestSupport

/// The township administrator lists units, removes one registered with a typo, and cannot
/// register a code with spaces or punctuation in the first place.
@Suite struct UnitAdminTests {
    static let village = TestSupport.village.code

    func units(_ town: Township) throws -> [[String: Any]] {
        let listed = try town.workspace.gongkai(["admin", "list-units", "--json"], db: "town.sqlite")
        #expect(listed.status == 0, "\(listed.stderr)")
        return try JSONSerialization.jsonObject(with: Data(listed.stdout.utf8)) as? [[String: Any]] ?? []
    }

    @Test(arguments: ["640522 100201", "640522100201。", "６４０５２２１００２０２", "园河村", ""])
    func aCodeWithSpacesOrPunctuationIsRefused(code: String) throws {
        let town = try Township(villages: [])
        let before = try town.workspace.dump("town.sqlite")
        let added = try town.workspace.gongkai(["admin", "add-unit", "--unit", code, "--name", "村", "--parent", Township.township], db: "town.sqlite")
        #expect(added.status != 0)
        #expect(added.stderr.contains("单位代码"), "\(added.stderr)")
        #expect(try town.workspace.dump("town.sqlite") == before)
    }

    @Test func unitsAreListedAndATypoRemoved() throws {
        // Given a township with a village that synced two fees, and a village code typed one digit short
        let town = try Township(villages: [Self.village, "64052210020"])
        try town.laptop("a", unit: Self.village)
        #expect(try town.gongkai("a", ["fee", "add", "--collected-on", "2021-04-01", "--amount-yuan", "5"]).status == 0)
        #expect(try town.gongkai("a", ["fee", "add", "--collected-on", "2021-04-02", "--amount-yuan", "6"]).status == 0)
        try town.sync("a")

        // Then list-units shows each unit with its records and last sync
        let listed = try units(town)
        #expect(listed.map { $0["code"] as? String } == [Township.township, "64052210020", Self.village])
        let village = try #require(listed.first { $0["code"] as? String == Self.village })
        #expect(village["records"] as? Int == 2)
        #expect(village["parent"] as? String == Township.township)
        #expect(village["last_sync"] is String)
        #expect(listed.first { $0["code"] as? String == "64052210020" }?["last_sync"] is NSNull)

        // When the typo'd unit is removed, and the real one (with records) is tried
        let removed = try town.workspace.gongkai(["admin", "remove-unit", "--unit", "64052210020"], db: "town.sqlite")
        let refused = try town.workspace.gongkai(["admin", "remove-unit", "--unit", Self.village], db: "town.sqlite")

        // Then the typo is gone and the village with records stays, with the reason
        #expect(removed.status == 0, "\(removed.stderr)")
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("有 2 条记录"), "\(refused.stderr)")
        #expect(try units(town).map { $0["code"] as? String } == [Township.township, Self.village])
    }

    @Test func aUnitWithAValidTokenIsRemovedOnlyAfterTheTokenIsRevoked() throws {
        let town = try Township(villages: [Self.village])
        let issued = try town.workspace.gongkai(["admin", "issue-token", "--unit", Self.village], db: "town.sqlite")
        #expect(issued.status == 0)
        let refused = try town.workspace.gongkai(["admin", "remove-unit", "--unit", Self.village], db: "town.sqlite")
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("有效的设备令牌"), "\(refused.stderr)")
        let tokens = try JSONSerialization.jsonObject(with: Data(try town.workspace.gongkai(["admin", "list-tokens", "--json"], db: "town.sqlite").stdout.utf8)) as? [[String: Any]]
        let id = try #require(tokens?.first?["id"] as? String)
        #expect(try town.workspace.gongkai(["admin", "revoke-token", "--id", id], db: "town.sqlite").status == 0)
        #expect(try town.workspace.gongkai(["admin", "remove-unit", "--unit", Self.village], db: "town.sqlite").status == 0)
        #expect(try units(town).count == 1)
    }

    @Test func aCountyRegistersUnitsAtAnyDepthParentsFirst() throws {
        // Given a county's server database
        let workspace = Workspace()
        let county = "640522000000", township = "640522100000", village = "640522100201"
        #expect(try workspace.gongkai(["admin", "add-unit", "--unit", county, "--name", "海原县"], db: "county.sqlite").status == 0)
        // When a village is added below a township not registered yet, it is refused and nothing changes
        let before = try workspace.dump("county.sqlite")
        let early = try workspace.gongkai(["admin", "add-unit", "--unit", village, "--name", "园河村", "--parent", township], db: "county.sqlite")
        #expect(early.status == 1)
        #expect(early.stderr.contains("上级 \(township) 不是本数据库登记的单位") && early.stderr.contains("先登记上级"), "\(early.stderr)")
        #expect(try workspace.dump("county.sqlite") == before)
        // Then the township first, the village below it
        #expect(try workspace.gongkai(["admin", "add-unit", "--unit", township, "--name", "西安镇", "--parent", county], db: "county.sqlite").status == 0)
        let added = try workspace.gongkai(["admin", "add-unit", "--unit", village, "--name", "园河村", "--parent", township], db: "county.sqlite")
        #expect(added.status == 0 && added.stdout.contains("上级 \(township)"), "\(added.stderr)")
        let listed = try JSONSerialization.jsonObject(with: Data(try workspace.gongkai(["admin", "list-units", "--json"], db: "county.sqlite").stdout.utf8))
            as? [[String: Any]] ?? []
        #expect(listed.map { "\($0["code"] as? String ?? "")<\($0["parent"] as? String ?? "-")" } == ["\(county)<-", "\(township)<\(county)", "\(village)<\(township)"])
    }
}
