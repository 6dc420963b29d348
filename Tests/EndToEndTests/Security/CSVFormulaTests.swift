import Foundation
import Testing
import TestSupport
import TestTiers

/// Issue 27, finding 11: titles such as `=HYPERLINK(…)`, `=1+41`, `+1+1`, `-2+3` and `@SUM(…)`
/// became live formulas when the township opened an exported CSV in a spreadsheet. Such a cell is
/// now written with a leading `'`, and an import takes the `'` off again, so the round trip holds.
@Suite("Trust: an exported CSV holds no formula a spreadsheet would run")
struct CSVFormulaTests {
    static let titles = ["=HYPERLINK(\"http://example.com/x\",\"点击查看\")", "=1+41", "+1+1", "-2+3", "@SUM(A1:A9)",
                         "'已带引号", "''两个引号", "=", "普通标题", "a=1+1"]

    /// A village replica holding one notice per title, with ids n0, n1, ….
    static func replica(_ w: Workspace) throws {
        try w.initVillage()
        for (index, title) in titles.enumerated() {
            let added = try w.gongkai(["notice", "add", "--id", "n\(index)", "--title=\(title)", "--category", "民生", "--channel", "公开栏",
                                       "--published-on", "2021-03-01"])
            #expect(added.status == 0, "\(title): \(added.stderr)")
        }
    }

    @Test("every cell that starts like a formula is written with a leading ', in every encoding; an import gives the titles back exactly")
    func neutralisedAndRestored() throws {
        // Given notices whose titles start like formulas
        let w = Workspace()
        try Self.replica(w)
        for (round, options) in [[String](), ["--encoding", "utf-8-bom", "--headers", "zh"], ["--encoding", "gbk", "--headers", "zh"]].enumerated() {
            // When they are exported as CSV
            let output = w.path("notices-\(round).csv")
            let exported = try w.gongkai(["export", "notices", "--output", output] + options)
            #expect(exported.status == 0, "\(exported.stderr)")
            let text = String(decoding: try Data(contentsOf: URL(fileURLWithPath: output)), as: UTF8.self)
            // Then no cell starts with =, +, - or @, and a cell that started with ' has one more
            for line in text.split(separator: "\r\n").dropFirst() {
                let cells = line.split(separator: ",", omittingEmptySubsequences: false)
                for cell in cells {
                    let bare = cell.hasPrefix("\"") ? cell.dropFirst() : cell[...]
                    #expect(!["=", "+", "-", "@"].contains(bare.first.map(String.init) ?? ""), "\(options): \(line)")
                }
            }
            // (read as UTF-8: what matters here is ASCII, the same bytes in GBK)
            #expect(text.contains("'=1+41") && text.contains("'+1+1") && text.contains("'-2+3") && text.contains("'@SUM(A1:A9)"), "\(options)")
            if !options.contains("gbk") {
                #expect(text.contains("'=1+41") && text.contains("'+1+1") && text.contains("''已带引号") && text.contains("'''两个引号"), "\(options)")
            }
            #expect(text.contains("a=1+1") && !text.contains("'a=1+1"), "\(options)")
            // And imported into a fresh replica, every title is as it was
            let fresh = "fresh-\(round).sqlite"
            try w.initVillage(fresh)
            let imported = try w.gongkai(["import", "notices", output] + (options.contains("gbk") ? ["--encoding", "gbk"] : []), db: fresh)
            #expect(imported.status == 0, "\(options): \(imported.stderr)")
            for (index, title) in Self.titles.enumerated() {
                let shown = try w.gongkai(["export", "notices", "--format", "json"], db: fresh).stdout
                let objects = try JSONSerialization.jsonObject(with: Data(shown.utf8)) as? [[String: Any]] ?? []
                #expect(objects.first { ($0["id"] as? String)?.hasSuffix("n\(index)") == true }?["title"] as? String == title, "\(options): \(title)")
            }
        }
    }

    @Test("opened by LibreOffice, the exported CSV's cells are text: no formula is computed",
          .tags(.systemTool), .enabled(if: LibreOffice.path != nil || LibreOffice.isRequired, Comment(rawValue: LibreOffice.missing)))
    func spreadsheetComputesNothing() throws {
        // Given the notices exported as CSV for Excel
        let w = Workspace()
        try Self.replica(w)
        #expect(try w.gongkai(["export", "notices", "--output", w.path("notices.csv"), "--headers", "zh", "--encoding", "utf-8-bom"]).status == 0)
        // When a spreadsheet opens it (LibreOffice computes a cell starting with = as a formula) and saves what it shows
        let converted = try LibreOffice.convert([w.path("notices.csv")], to: "csv:Text - txt - csv (StarCalc):44,34,76,1",
                                                inputFilter: "CSV:44,34,76,1", in: w.path("out"))
        #expect(converted.status == 0, "\(converted.stderr)")
        let shown = String(decoding: try Data(contentsOf: URL(fileURLWithPath: w.path("out/notices.csv"))), as: UTF8.self)
        // Then what it shows is the text, never a computed value
        #expect(!shown.contains(",42,") && !shown.contains("\"42\"") && !shown.contains(",2,") && !shown.contains(",1,"), "\(shown)")
        #expect(shown.contains("'=1+41") && shown.contains("'=HYPERLINK("), "\(shown)")
    }
}
