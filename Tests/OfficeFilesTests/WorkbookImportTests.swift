import Foundation
import Records
import OfficeFiles
import Testing
import TestSupport

@Suite("Workbooks read for import")
struct WorkbookImportTests {
    func rows(_ data: Data, sheet: String? = nil) throws -> [ImportRow] {
        let workbook = try Workbook(data: data)
        var reader = try SheetImport.reader(kind: .requests, sheet: try workbook.sheet(named: sheet), defaultUnit: "640522100201")
        var rows: [ImportRow] = []
        while let next = reader.next() {
            guard case .row(let row) = next else { Issue.record("\(next)"); continue }
            rows.append(row)
        }
        return rows
    }

    @Test("an Excel ledger: the hidden sheet passed over, the title skipped, dates, rich text, inline text and cached formulas read, rows with only 序号 left out",
          arguments: [false, true])
    func excelLedgerRead(date1904: Bool) throws {
        // Given a ledger as Excel saves it (in either date system)
        let data = try excelLedger(date1904: date1904)
        // When its first visible sheet is read as requests
        let rows = try rows(data)
        // Then both rows are there with their cells as the fields read them
        try #require(rows.count == 2)
        #expect(rows[0].line == 3)
        #expect(rows[0].values["received_on"] == "2021-03-02")
        #expect(rows[0].values["concluded_on"] == "2021-03-20")
        #expect(rows[0].values["applicant_type"] == "natural_person")
        #expect(rows[0].values["applicant_name"] == "张三")
        #expect(rows[0].values["content"] == "2020年低保户名单")
        #expect(rows[0].values["outcome"] == "granted")
        #expect(rows[0].values["fee_yuan"] == "10")
        #expect(rows[1].values["received_on"] == "2021-12-28")
        #expect(rows[1].values["applicant_name"] == "某某建材有限公司")
        #expect(rows[1].values["content"] == "厂房租赁合同")
        #expect(rows[1].values["concluded_on"] == .some(nil))
    }

    @Test("the sheet named by --sheet; an unknown name lists the sheets there are")
    func namedSheet() throws {
        let data = try excelLedger()
        #expect(try rows(data, sheet: "登记表").count == 2)
        let workbook = try Workbook(data: data)
        #expect(throws: WorkbookProblem(message: "工作簿里没有名为 \"台账\" 的工作表; 有: 说明, 登记表")) { try workbook.sheet(named: "台账") }
    }

    @Test("a bad date and a formula error are named by their cells on the sheet")
    func badCells() throws {
        let workbook = try Workbook(data: try excelLedger(badDate: true, errorCell: true))
        #expect(throws: ImportFileProblem.self) { _ = try SheetImport.reader(kind: .requests, sheet: try workbook.sheet(), defaultUnit: "640522100201") }
        do {
            _ = try SheetImport.reader(kind: .requests, sheet: try workbook.sheet(), defaultUnit: "640522100201")
        } catch let ImportFileProblem.problems(problems) {
            #expect(problems.map(\.description) == ["工作表 \"登记表\" 单元格 G3 (办理结果): 公式出错 (#N/A); 请改正公式或填入数值"])
        }
        let withBadDate = try Workbook(data: try excelLedger(badDate: true))
        var reader = try SheetImport.reader(kind: .requests, sheet: try withBadDate.sheet(), defaultUnit: "640522100201")
        guard case .problems(let problems)? = reader.next() else { Issue.record("the bad date was read"); return }
        #expect(problems.first?.description.hasPrefix("工作表 \"登记表\" 单元格 B3 (收到日期): ") == true, "\(problems)")
    }

    @Test("files that are not workbooks say what they are", arguments: [
        (Data([0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]), "这是旧的 .xls 格式"),
        (Data("id,title\n".utf8), "不是 .xlsx 工作簿"),
        (Data([0x50, 0x4B, 0x03, 0x04, 0x00, 0x00]), "工作簿已损坏"),
    ])
    func notWorkbooks(data: Data, start: String) {
        #expect(throws: WorkbookProblem.self) { try Workbook(data: data) }
        do { _ = try Workbook(data: data) } catch { #expect(error.message.hasPrefix(start), "\(error.message)") }
    }
}
