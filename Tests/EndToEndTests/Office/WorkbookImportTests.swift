import Foundation
import Records
import Testing
import TestSupport
import TestTiers

/// `gongkai import KIND FILE.xlsx` through the real binary.
@Suite("Workbooks imported by the real binary")
struct WorkbookImportCommandTests {
    func village() throws -> Workspace {
        let w = Workspace()
        #expect(try w.gongkai(["init", "--unit", "640522100201", "--name", "园河村", "--parent", "640522100000"]).status == 0)
        return w
    }

    @Test("an Excel ledger imports: title row skipped, dates read as dates; importing it again changes nothing")
    func ledger() throws {
        // Given a village replica and a requests ledger as Excel saves one
        let w = try village()
        let file = w.path("2021年依申请公开台账.xlsx")
        try excelLedger().write(to: URL(fileURLWithPath: file))
        // When it is imported, then both rows are new, with their dates
        let imported = try w.gongkai(["import", "requests", file])
        #expect(imported.status == 0, "\(imported.stderr)")
        #expect(imported.stdout.contains("已导入 requests (依申请公开) 2 行: 新增 2, 更新 0, 未变 0"), "\(imported.stdout)")
        let exported = try w.gongkai(["export", "requests"]).stdout
        #expect(exported.contains("2021-03-02") && exported.contains("2021-03-20") && exported.contains("2021-12-28"), "\(exported)")
        #expect(exported.contains("张三") && exported.contains("某某建材有限公司") && exported.contains("厂房租赁合同"))
        // When it is imported again, then nothing changes
        #expect(try w.gongkai(["import", "requests", file, "--sheet", "登记表"]).stdout.contains("新增 0, 更新 0, 未变 2"))
    }

    @Test("a workbook with a bad cell imports nothing and names the cell; the replica is byte-for-byte as it was")
    func badCell() throws {
        let w = try village()
        let seed = w.write("seed.csv", "received_on,applicant_type\n2021-01-05,自然人\n")
        #expect(try w.gongkai(["import", "requests", seed]).status == 0)
        let before = try w.dump()
        let file = w.path("bad.xlsx")
        try excelLedger(badDate: true).write(to: URL(fileURLWithPath: file))
        let result = try w.gongkai(["import", "requests", file])
        #expect(result.status == 1)
        #expect(result.stderr.contains("工作表 \"登记表\" 单元格 B3 (收到日期): "), "\(result.stderr)")
        #expect(result.stderr.contains("未导入任何记录"))
        #expect(try w.dump() == before)
    }

    @Test("an old .xls, a sheet that is not there, and --sheet on a CSV each say what to do", arguments: [
        ("old.xls", Data([0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]), [String](), Int32(1), "另存为\" .xlsx"),
        ("ledger.xlsx", nil, ["--sheet", "台账"], 1, "工作簿里没有名为 \"台账\" 的工作表; 有: 说明, 登记表"),
        ("ledger.csv", Data("received_on,applicant_type\n".utf8), ["--sheet", "登记表"], 2, "--sheet 只用于 .xlsx 工作簿"),
        ("ledger.xlsx", nil, ["--encoding", "gbk"], 2, "--encoding 只用于 CSV"),
    ])
    func refusals(name: String, data: Data?, extra: [String], status: Int32, message: String) throws {
        let w = try village()
        let before = try w.dump()
        try (data ?? excelLedger()).write(to: URL(fileURLWithPath: w.path(name)))
        let result = try w.gongkai(["import", "requests", w.path(name)] + extra)
        #expect(result.status == status, "\(result.stderr)")
        #expect(result.stderr.contains(message), "\(result.stderr)")
        #expect(try w.dump() == before)
    }
}
