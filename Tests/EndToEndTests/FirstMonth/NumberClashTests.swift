import Foundation
import Testing

/// Two laptops of one village give the same ledger number to two different requests. They are
/// two records that collided on a number, not one record edited twice: both are kept and
/// counted, the clash is shown, and one command renumbers one of them everywhere.
@Suite("The first month: two requests given one number")
struct NumberClashTests {
    static let village = "640522100201"

    static func table3Received(_ town: Township, _ db: String) throws -> Int? {
        let report = try town.workspace.gongkai(["report", "annual", "--year", "2021", "--format", "json"], db: db)
        let object = try JSONSerialization.jsonObject(with: Data(report.stdout.utf8)) as? [String: Any]
        return ((object?["table3"] as? [String: Any])?["rows"] as? [String: [Int]])?["new_received"]?.last
    }

    static func liveIDs(_ town: Township, _ db: String) throws -> [String] {
        let exported = try town.workspace.gongkai(["export", "requests", "--format", "json"], db: db)
        let objects = try JSONSerialization.jsonObject(with: Data(exported.stdout.utf8)) as? [[String: Any]] ?? []
        return objects.compactMap { $0["id"] as? String }.sorted()
    }

    @Test("both requests are kept and counted in table 3, the clash listed, and a rename fixes it on every replica")
    func twoRequestsOneNumber() throws {
        // Given two laptops that each record a different request as 2021-007
        let town = try Township(villages: [Self.village])
        try town.laptop("a", unit: Self.village)
        try town.laptop("b", unit: Self.village)
        let added = [
            try town.gongkai("a", ["request", "add", "--id", "2021-007", "--received-on", "2021-03-02", "--applicant-type", "自然人",
                                   "--applicant-name", "甲某", "--content", "林地承包合同"]),
            try town.gongkai("b", ["request", "add", "--id", "2021-007", "--received-on", "2021-03-05", "--applicant-type", "商业企业",
                                   "--applicant-name", "乙公司", "--content", "路灯采购结果"]),
        ]
        for result in added { #expect(result.status == 0, "\(result.stderr)") }
        // When they sync a, b, a
        for laptop in ["a", "b", "a"] { try town.sync(laptop) }
        // Then the township and both laptops hold both requests, one under the number and one beside it
        let ids = try Self.liveIDs(town, "town.sqlite")
        #expect(ids.count == 2 && ids[0] == "\(Self.village):2021-007" && ids[1].hasPrefix("\(Self.village):2021-007~"), "\(ids)")
        for laptop in ["a.sqlite", "b.sqlite"] { #expect(try Self.liveIDs(town, laptop) == ids) }
        // and table 3 counts two requests, on the township and on each laptop
        for db in ["town.sqlite", "a.sqlite", "b.sqlite"] { #expect(try Self.table3Received(town, db) == 2, "\(db)") }
        // and the clash is shown where an official looks, with the command that fixes it
        let moved = ids[1]
        let conflicts = try town.gongkai("a", ["conflicts"]).stdout
        #expect(conflicts.contains("同一编号的两条不同记录") && conflicts.contains("gongkai request rename \(moved) 新编号"), "\(conflicts)")
        #expect(try town.gongkai("b", ["status"]).stdout.contains("同一编号的两条不同记录: 1"))
        let check = try town.workspace.gongkai(["report", "check", "--year", "2021"], db: "town.sqlite")
        #expect(check.stdout.contains("用了同一编号") && check.stdout.contains(moved), "\(check.stdout)")

        // When one laptop gives that request a number of its own, and both sync
        let renamed = try town.gongkai("b", ["request", "rename", moved, "2021-008"])
        #expect(renamed.status == 0, "\(renamed.stderr)")
        for laptop in ["b", "a"] { try town.sync(laptop) }
        // Then every replica holds 2021-007 and 2021-008, still two requests, and no clash is left
        let fixed = ["\(Self.village):2021-007", "\(Self.village):2021-008"]
        for db in ["town.sqlite", "a.sqlite", "b.sqlite"] {
            #expect(try Self.liveIDs(town, db) == fixed, "\(db)")
            #expect(try Self.table3Received(town, db) == 2, "\(db)")
        }
        #expect(!(try town.gongkai("a", ["conflicts"]).stdout.contains("同一编号")))
    }

    @Test("one shared ledger imported on two laptops is still one record per row, not a clash")
    func sharedLedgerStaysOne() throws {
        let town = try Township(villages: [Self.village])
        try town.laptop("a", unit: Self.village)
        try town.laptop("b", unit: Self.village)
        let file = town.workspace.write("台账.csv", "编号,收到日期,申请人类型,申请人,申请内容\n2021-001,2021-03-02,自然人,张三,低保户名单\n2021-002,2021-03-05,自然人,李四,土地承包合同\n")
        for laptop in ["a", "b"] { #expect(try town.gongkai(laptop, ["import", "requests", file]).status == 0) }
        for laptop in ["a", "b", "a"] { try town.sync(laptop) }
        #expect(try Self.liveIDs(town, "town.sqlite") == ["\(Self.village):2021-001", "\(Self.village):2021-002"])
        #expect(try Self.table3Received(town, "town.sqlite") == 2)
    }
}
