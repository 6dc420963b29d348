import Foundation
import Testing

/// A village keeps its request ledger in a spreadsheet without gongkai's ids, and imports it
/// again after each round of work. Each request must stay one record (table 3 counts it once),
/// and an older copy of the ledger must undo nothing done since.
@Suite struct LedgerReimportTests {
    static let header = "收到日期,申请人类型,申请人,申请内容,办结日期,办理结果\n"
    static let rows = [
        "2021-03-02,自然人,张三,2020年低保户名单,,",
        "2021-03-05,自然人,李四,村集体土地承包合同,,",
        "2021-04-01,商业企业,某某公司,2020年村务公开栏照片,,",
    ]

    func ledger(_ w: Workspace, _ name: String, _ rows: [String]) -> String {
        w.write(name, Self.header + rows.joined(separator: "\n") + "\n")
    }

    /// Table 3's "new requests received" total and the requests as exported.
    func requests(_ w: Workspace) throws -> (received: Int, records: [[String: Any]]) {
        let report = try w.gongkai(["report", "annual", "--year", "2021", "--format", "json"])
        #expect(report.status == 0, "\(report.stderr)")
        let object = try JSONSerialization.jsonObject(with: Data(report.stdout.utf8)) as? [String: Any]
        let rows = (object?["table3"] as? [String: Any])?["rows"] as? [String: [Int]]
        let export = try w.gongkai(["export", "requests", "--format", "json"])
        let records = try JSONSerialization.jsonObject(with: Data(export.stdout.utf8)) as? [[String: Any]] ?? []
        return (rows?["new_received"]?.last ?? -1, records)
    }

    func record(_ records: [[String: Any]], applicant: String) -> [String: Any]? {
        records.first { $0["applicant_name"] as? String == applicant }
    }

    @Test func fillingInAConclusionUpdatesTheRequest() throws {
        // Given a ledger imported once
        let w = Workspace()
        try w.initVillage()
        #expect(try w.gongkai(["import", "requests", ledger(w, "v1.csv", Self.rows)]).status == 0)

        // When the conclusion of the first request is filled in and the ledger imported again
        var filled = Self.rows
        filled[0] = "2021-03-02,自然人,张三,2020年低保户名单,2021-03-20,予以公开"
        let again = try w.gongkai(["import", "requests", ledger(w, "v2.csv", filled)])

        // Then that request is updated, not added: table 3 counts three requests
        #expect(again.status == 0, "\(again.stderr)")
        #expect(again.stdout.contains("新增 0, 更新 1, 未变 2"), "\(again.stdout)")
        let (received, records) = try requests(w)
        #expect(received == 3)
        #expect(records.count == 3)
        #expect(record(records, applicant: "张三")?["outcome"] as? String == "granted")
    }

    @Test func aCorrectedContentIsAskedAboutThenTakenAsACorrection() throws {
        // Given a ledger imported once
        let w = Workspace()
        try w.initVillage()
        #expect(try w.gongkai(["import", "requests", ledger(w, "v1.csv", Self.rows)]).status == 0)
        let before = try w.dump()

        // When a slip in one request's content is corrected and the ledger imported again
        var fixed = Self.rows
        fixed[1] = "2021-03-05,自然人,李四,村集体土地承包合同书,,"
        let refused = try w.gongkai(["import", "requests", ledger(w, "v2.csv", fixed)])

        // Then nothing is imported, and the row is named with the record it resembles
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("第 3 行"), "\(refused.stderr)")
        #expect(refused.stderr.contains("只差申请内容"), "\(refused.stderr)")
        #expect(refused.stderr.contains("--near update"))
        #expect(try w.dump() == before)

        // When the user says it is a correction
        let corrected = try w.gongkai(["import", "requests", w.path("v2.csv"), "--near", "update"])

        // Then the request is corrected in place: still three, table 3 counts three
        #expect(corrected.status == 0, "\(corrected.stderr)")
        #expect(corrected.stdout.contains("更新 1"), "\(corrected.stdout)")
        let (received, records) = try requests(w)
        #expect(received == 3)
        #expect(record(records, applicant: "李四")?["content"] as? String == "村集体土地承包合同书")

        // And importing the corrected ledger once more changes nothing
        let once = try w.gongkai(["import", "requests", w.path("v2.csv")])
        #expect(once.stdout.contains("新增 0, 更新 0, 未变 3"), "\(once.stdout)")
    }

    @Test func anOlderLedgerUndoesNoLaterWork() throws {
        // Given a ledger imported, a request then concluded and another deleted
        let w = Workspace()
        try w.initVillage()
        #expect(try w.gongkai(["import", "requests", ledger(w, "old.csv", Self.rows)]).status == 0)
        var filled = Self.rows
        filled[0] = "2021-03-02,自然人,张三,2020年低保户名单,2021-03-20,予以公开"
        #expect(try w.gongkai(["import", "requests", ledger(w, "new.csv", filled)]).status == 0)
        let lisi = try #require(record(try requests(w).records, applicant: "李四")?["id"] as? String)
        #expect(try w.gongkai(["request", "delete", lisi, "--yes"]).status == 0)

        // When the older ledger is imported again
        let older = try w.gongkai(["import", "requests", w.path("old.csv")])

        // Then the conclusion stands, the deleted request stays deleted, and both are listed
        #expect(older.status == 0, "\(older.stderr)")
        #expect(older.stdout.contains("办结日期 为空, 保留已有的 \"2021-03-20\""), "\(older.stdout)")
        #expect(older.stdout.contains("第 3 行 (\(lisi)): 这条记录已删除"), "\(older.stdout)")
        let (received, records) = try requests(w)
        #expect(received == 2)
        #expect(records.count == 2)
        #expect(record(records, applicant: "张三")?["concluded_on"] as? String == "2021-03-20")

        // And a value the older ledger holds differently is changed, but listed, not silently
        var changed = Self.rows
        changed[0] = "2021-03-02,自然人,张三,2020年低保户名单,2021-03-20,部分公开"
        let differing = try w.gongkai(["import", "requests", ledger(w, "other.csv", changed)])
        #expect(differing.stdout.contains("改动了已有的值"), "\(differing.stdout)")
        #expect(differing.stdout.contains("办理结果 \"（一）予以公开\" → \"（二）部分公开"), "\(differing.stdout)")

        // And asked for, the deleted request comes back
        let restored = try w.gongkai(["import", "requests", w.path("old.csv"), "--restore-deleted"])
        #expect(restored.stdout.contains("恢复已删除 1"), "\(restored.stdout)")
        #expect(try requests(w).received == 3)
    }

    @Test func aLedgerNumberMatchesItsRowWhateverElseChanged() throws {
        // Given a ledger with its own numbers (编号) and a row counter and remarks
        let w = Workspace()
        try w.initVillage()
        let v1 = w.write("v1.csv", "序号,编号,收到日期,申请人类型,申请内容,备注\n1,2021-001,2021-03-02,自然人,低保名单,电话催办\n2,2021-002,2021-03-05,自然人,土地合同,\n")
        let first = try w.gongkai(["import", "requests", v1])
        #expect(first.status == 0, "\(first.stderr)")

        // When the rows are reordered, one's content rewritten and its conclusion filled in
        let v2 = w.write("v2.csv", "序号,编号,收到日期,申请人类型,申请内容,办结日期,办理结果\n1,2021-002,2021-03-05,自然人,村集体土地承包合同,2021-03-25,属于国家秘密\n2,2021-001,2021-03-02,自然人,低保名单,,\n")
        let second = try w.gongkai(["import", "requests", v2])

        // Then each number finds its record: two requests, stored under the unit's scope
        #expect(second.status == 0, "\(second.stderr)")
        #expect(second.stdout.contains("新增 0, 更新 1, 未变 1"), "\(second.stdout)")
        let (received, records) = try requests(w)
        #expect(received == 2)
        #expect(Set(records.compactMap { $0["id"] as? String }) == ["640522100201:2021-001", "640522100201:2021-002"])
        #expect(records.allSatisfy { $0["序号"] == nil && $0["备注"] == nil })
        // And the number as typed still names the record
        let shown = try w.gongkai(["request", "show", "2021-002", "--json"])
        #expect(shown.stdout.contains("村集体土地承包合同"), "\(shown.stderr)")
    }

    @Test func aNoticeTitleCorrectedStaysOneNotice() throws {
        // Given a notice ledger without ids
        let w = Workspace()
        try w.initVillage()
        let header = "标题,类别,公开渠道,发布日期\n"
        #expect(try w.gongkai(["import", "notices", w.write("n1.csv", header + "2020年低保户名单公式,民生,公开栏,2020-05-01\n")]).status == 0)

        // When the title's typo is fixed and the user takes it as a correction
        let fixed = try w.gongkai(["import", "notices", w.write("n2.csv", header + "2020年低保户名单公示,民生,公开栏,2020-05-01\n"),
                                   "--near", "更新"])

        // Then there is still one notice, with the corrected title
        #expect(fixed.status == 0, "\(fixed.stderr)")
        let export = try w.gongkai(["export", "notices", "--format", "json"])
        let notices = try JSONSerialization.jsonObject(with: Data(export.stdout.utf8)) as? [[String: Any]] ?? []
        #expect(notices.count == 1)
        #expect(notices.first?["title"] as? String == "2020年低保户名单公示")
    }
}
