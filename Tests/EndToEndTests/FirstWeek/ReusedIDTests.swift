import Foundation
import Testing
import TestSupport

/// An id typed by hand, or copied from another village's export, once left a laptop refused
/// by the server at every sync with no way out. Typed ids are now scoped by unit; a refused
/// record can be renamed; and the township's `report check` names the village meanwhile.
@Suite struct ReusedIDTests {
    static let (villageA, villageB) = (TestSupport.village.code, secondVillage.code)

    func checks(_ town: Township) throws -> [[String: Any]] {
        let result = try town.workspace.gongkai(["report", "check", "--year", "2021", "--json"], db: "town.sqlite")
        return try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [[String: Any]] ?? []
    }

    func refusedCheck(_ town: Township) throws -> [String: Any]? {
        try checks(town).first { $0["id"] as? String == "DATA-REFUSED" }
    }

    @Test func oneLedgerNumberTypedInTwoVillagesSyncsAsTwoRecords() throws {
        // Given two villages that both number a request 2021-001 by hand
        let town = try Township(villages: [Self.villageA, Self.villageB])
        try town.laptop("a", unit: Self.villageA)
        try town.laptop("b", unit: Self.villageB)
        for name in ["a", "b"] {
            let added = try town.gongkai(name, ["request", "add", "--id", "2021-001", "--received-on", "2021-03-02", "--applicant-type", "自然人"])
            #expect(added.status == 0, "\(added.stderr)")
        }

        // When both sync
        let a = try town.sync("a"), b = try town.sync("b")

        // Then neither is refused, and the township holds two requests
        #expect(!a.stderr.contains("未被接受") && !b.stderr.contains("未被接受"), "\(a.stderr)\n\(b.stderr)")
        #expect(try town.records("town.sqlite", kind: "requests", unit: Self.villageA).count == 1)
        #expect(try town.records("town.sqlite", kind: "requests", unit: Self.villageB).count == 1)
        #expect(try refusedCheck(town)?["ok"] as? Bool == true)
    }

    @Test func aRecordCopiedFromAnotherVillagesExportIsFlaggedAndRenamed() throws {
        // Given village A's requests synced, and village B importing A's export without its unit column
        let town = try Township(villages: [Self.villageA, Self.villageB])
        try town.laptop("a", unit: Self.villageA)
        try town.laptop("b", unit: Self.villageB)
        #expect(try town.gongkai("a", ["request", "add", "--received-on", "2021-03-02", "--applicant-type", "自然人", "--content", "低保名单"]).status == 0)
        #expect(try town.gongkai("a", ["request", "add", "--received-on", "2021-03-05", "--applicant-type", "自然人", "--content", "土地合同"]).status == 0)
        try town.sync("a")
        let export = try town.gongkai("a", ["export", "requests"]).stdout
        let lines = export.split(whereSeparator: \.isNewline).map { $0.split(separator: ",", omittingEmptySubsequences: false) }
        let withoutUnit = lines.map { ($0.prefix(1) + $0.dropFirst(2)).joined(separator: ",") }.joined(separator: "\n") + "\n"
        #expect(try town.gongkai("b", ["import", "requests", town.workspace.write("copied.csv", withoutUnit)]).status == 0)
        let copied = try #require(lines.dropFirst().first.map { String($0[0]) })

        // When B syncs
        let refused = try town.sync("b", expectSuccess: false)

        // Then the copied records are refused, each with the way out, and the township's check names B
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("未被接受: requests \(copied)"), "\(refused.stderr)")
        #expect(refused.stderr.contains("gongkai request rename \(copied)"), "\(refused.stderr)")
        #expect(refused.stderr.contains("有 2 条记录被拒收"), "\(refused.stderr)")
        #expect(try town.gongkai("b", ["status"]).stdout.contains("解决: gongkai request rename \(copied)"))
        let flagged = try #require(try refusedCheck(town))
        #expect(flagged["ok"] as? Bool == false)
        #expect((flagged["detail"] as? String)?.contains("村202 (\(Self.villageB)) 2 条") == true, "\(flagged)")

        // When B renames one and deletes the other (deleting alone once never helped), then renames that too
        let renamed = try town.gongkai("b", ["request", "rename", copied])
        #expect(renamed.status == 0, "\(renamed.stderr)")
        let other = try #require(lines.dropFirst(2).first.map { String($0[0]) })
        #expect(try town.gongkai("b", ["request", "delete", other, "--yes"]).status == 0)
        #expect(try town.sync("b", expectSuccess: false).status == 1)
        let dropped = try town.gongkai("b", ["request", "rename", other])
        #expect(dropped.stdout.contains("已从本副本去掉"), "\(dropped.stdout)")

        // Then B syncs cleanly, the township holds B's renamed request, A's are untouched, and the check is clear
        let clean = try town.sync("b")
        #expect(clean.stderr.contains("一致"), "\(clean.stderr)")
        #expect(try town.records("town.sqlite", kind: "requests", unit: Self.villageB).count == 1)
        #expect(try town.records("town.sqlite", kind: "requests", unit: Self.villageA).count == 2)
        #expect(try refusedCheck(town)?["ok"] as? Bool == true)
        #expect(!(try town.gongkai("b", ["status"]).stdout.contains("拒收")))
    }
}
