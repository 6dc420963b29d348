import Foundation
import Testing
import TestSupport

/// Ledgers as offices keep them, through the real `gongkai import`: a title above the header,
/// wrapped headers, signatures below the data, dates as spreadsheets leave them, tab-separated
/// and UTF-16 text, a sheet of instructions first; and the answers to a ledger that is wrong.
@Suite("The first month: ledgers as offices keep them")
struct OfficeLedgerTests {
    static func received(_ w: Workspace) throws -> [String: String] {
        let exported = try w.gongkai(["export", "requests", "--format", "json"])
        let objects = try JSONSerialization.jsonObject(with: Data(exported.stdout.utf8)) as? [[String: Any]] ?? []
        return Dictionary(uniqueKeysWithValues: objects.map { ($0["applicant_name"] as? String ?? "", $0["received_on"] as? String ?? "") })
    }

    @Test("a title row above the header, a wrapped header, dates as 20210305 and as Excel's serial, and the signatures below the data")
    func ledgerAsKept() throws {
        let w = Workspace()
        try w.initVillage()
        let file = w.write("台账.csv", """
            园河村2021年政府信息公开申请登记台账
            "收到日期
            （年月日）",申请人类型,申请人,申请内容
            2021-03-02,自然人,张三,低保
            20210305,自然人,李四,合同
            44265,自然人,王五,路灯
            填表人：赵六   审核人：钱七

            """)
        let result = try w.gongkai(["import", "requests", file])
        #expect(result.status == 0 && result.stdout.contains("新增 3"), "\(result.stdout) \(result.stderr)")
        #expect(try Self.received(w) == ["张三": "2021-03-02", "李四": "2021-03-05", "王五": "2021-03-10"])
    }

    @Test("tab-separated text and Excel's UTF-16 'Unicode text' are read; an .ods is refused with the way to a file that is")
    func otherTextFiles() throws {
        let w = Workspace()
        try w.initVillage()
        let tabbed = "收到日期\t申请人类型\t申请人\t申请内容\n2021-03-08\t自然人\t孙七\t低保\n"
        #expect(try w.gongkai(["import", "requests", w.write("登记.txt", tabbed)]).status == 0)
        let unicode = [UInt8]([0xFF, 0xFE]) + Array("收到日期\t申请人类型\t申请人\t申请内容\r\n2021-03-09\t自然人\t周八\t合同\r\n".data(using: .utf16LittleEndian)!)
        FileManager.default.createFile(atPath: w.path("Unicode文本.txt"), contents: Data(unicode))
        let read = try w.gongkai(["import", "requests", w.path("Unicode文本.txt")])
        #expect(read.status == 0, "\(read.stderr)")
        #expect(try Self.received(w) == ["孙七": "2021-03-08", "周八": "2021-03-09"])
        let before = try w.dump()
        FileManager.default.createFile(atPath: w.path("台账.ods"), contents: Data("PK\u{3}\u{4}mimetypeapplication/vnd.oasis.opendocument.spreadsheet".utf8))
        let ods = try w.gongkai(["import", "requests", w.path("台账.ods")])
        #expect(ods.status == 1 && ods.stderr.contains("另存为") && ods.stderr.contains(".xlsx"), "\(ods.stderr)")
        #expect(try w.dump() == before)
    }

    @Test("one wrong value in 50,000 rows is said once, with its count, the first rows and the column as the ledger names it")
    func oneMistakeManyRows() throws {
        let w = Workspace()
        try w.initVillage()
        let rows = (0..<50_000).map { "2021-03-02,\($0 == 7 ? "自然人" : "个人"),人\($0),内容\($0)" }
        let result = try w.gongkai(["import", "requests", w.write("大台账.csv", "收到日期,申请人类型,申请人,申请内容\n" + rows.joined(separator: "\n") + "\n")])
        #expect(result.status == 1)
        let lines = result.stderr.split(separator: "\n")
        #expect(lines.count == 2, "\(result.stderr.prefix(600))")
        #expect(lines.first?.contains("共 49999 行, 第 2 列 (B, 申请人类型): 未知的申请人类型 \"个人\"") == true, "\(lines.first ?? "")")
        #expect(lines.first?.contains("(第 2, 3, 4, 5, 6, 7, 8, 10, 11, 12 … 行)") == true)
        #expect(!result.stderr.contains("applicant_type"))
    }

    @Test("--dry-run says what an import would add, update and change, and writes nothing")
    func dryRun() throws {
        let w = Workspace()
        try w.initVillage()
        let header = "收到日期,申请人类型,申请人,申请内容,办结日期,办理结果\n"
        #expect(try w.gongkai(["import", "requests", w.write("v1.csv", header + "2021-03-02,自然人,张三,低保,,\n")]).status == 0)
        let before = try w.dump()
        let tried = try w.gongkai(["import", "requests", w.write("v2.csv", header + "2021-03-02,自然人,张三,低保,2021-03-20,予以公开\n2021-03-05,自然人,李四,合同,,\n"), "--dry-run"])
        #expect(tried.status == 0 && tried.stdout.contains("试导入 (没有写入任何内容)") && tried.stdout.contains("新增 1, 更新 1"), "\(tried.stdout)")
        #expect(try w.dump() == before)
    }

    @Test("an older ledger imported again does not undo an edit made in the tool since, unless --overwrite; a newer ledger does")
    func olderLedgerAsksFirst() throws {
        let w = Workspace()
        try w.initVillage()
        let header = "编号,收到日期,申请人类型,申请人,申请内容,办结日期,办理结果\n"
        func ledger(_ name: String, outcome: String, savedAt: Int) throws -> String {
            let path = w.write(name, header + "2021-001,2021-03-02,自然人,张三,低保,2021-03-20,\(outcome)\n")
            try FileManager.default.setAttributes([.modificationDate: Date(timeIntervalSince1970: TimeInterval(savedAt))], ofItemAtPath: path)
            return path
        }
        func outcome() throws -> String? {
            let shown = try w.gongkai(["request", "show", "2021-001", "--json"])
            return (try JSONSerialization.jsonObject(with: Data(shown.stdout.utf8)) as? [String: Any])?["outcome"] as? String
        }
        // Given a ledger saved and imported, then the outcome corrected in the tool a day later
        let old = try ledger("旧台账.csv", outcome: "予以公开", savedAt: 1_699_990_000)
        #expect(try w.gongkai(["import", "requests", old]).status == 0)
        #expect(try w.gongkai(["request", "edit", "2021-001", "--outcome", "部分公开"], now: 1_700_086_400).status == 0)
        let before = try w.dump()
        // When the old ledger is imported again
        let again = try w.gongkai(["import", "requests", old], now: 1_700_090_000)
        // Then it is refused, saying which value is newer and how to take the ledger's anyway
        #expect(again.status == 1 && again.stderr.contains("比这份台账 (保存于 2023-11-15) 新") && again.stderr.contains("--overwrite"), "\(again.stderr)")
        #expect(try w.dump() == before)
        #expect(try outcome() == "partially_granted")
        // And --overwrite takes the ledger's value
        #expect(try w.gongkai(["import", "requests", old, "--overwrite"], now: 1_700_090_000).status == 0)
        #expect(try outcome() == "granted")
        // And a ledger saved after the tool's last change is simply taken
        #expect(try w.gongkai(["request", "edit", "2021-001", "--outcome", "部分公开"], now: 1_700_100_000).status == 0)
        let newer = try ledger("新台账.csv", outcome: "予以公开", savedAt: 1_700_200_000)
        #expect(try w.gongkai(["import", "requests", newer], now: 1_700_200_100).status == 0)
        #expect(try outcome() == "granted")
    }

    @Test("cells merged down a column give their value to every row they cover")
    func mergedDown() throws {
        let w = Workspace()
        try w.initVillage()
        func cell(_ reference: String, _ text: String) -> String { "<c r=\"\(reference)\" t=\"inlineStr\"><is><t>\(text)</t></is></c>" }
        // 收到日期 merged over rows 2–3, 申请人类型 over rows 2–4, as a clerk fills a day's requests
        let rows = "<row r=\"1\">\(cell("A1", "收到日期"))\(cell("B1", "申请人类型"))\(cell("C1", "申请人"))</row>"
            + "<row r=\"2\">\(cell("A2", "2021-03-02"))\(cell("B2", "自然人"))\(cell("C2", "张三"))</row>"
            + "<row r=\"3\">\(cell("C3", "李四"))</row>"
            + "<row r=\"4\">\(cell("A4", "2021-03-05"))\(cell("C4", "王五"))</row>"
        let xml = WorkbookBuilder.worksheet(rows).replacingOccurrences(of: "</sheetData>",
                                                                       with: "</sheetData><mergeCells count=\"2\"><mergeCell ref=\"A2:A3\"/><mergeCell ref=\"B2:B4\"/></mergeCells>")
        FileManager.default.createFile(atPath: w.path("合并.xlsx"), contents: try WorkbookBuilder(sheets: [.init(name: "登记表", xml: xml)]).data())
        let result = try w.gongkai(["import", "requests", w.path("合并.xlsx")])
        #expect(result.status == 0 && result.stdout.contains("新增 3"), "\(result.stdout) \(result.stderr)")
        #expect(try Self.received(w) == ["张三": "2021-03-02", "李四": "2021-03-02", "王五": "2021-03-05"])
    }

    @Test("a workbook whose first sheet is instructions: the sheet with the header is read, and named")
    func instructionsFirst() throws {
        let w = Workspace()
        try w.initVillage()
        func cell(_ reference: String, _ text: String) -> String { "<c r=\"\(reference)\" t=\"inlineStr\"><is><t>\(text)</t></is></c>" }
        let instructions = WorkbookBuilder.worksheet("<row r=\"1\">\(cell("A1", "填表说明：收到日期按年月日填写"))</row>")
        let ledger = WorkbookBuilder.worksheet("<row r=\"1\">\(cell("A1", "收到日期"))\(cell("B1", "申请人类型"))\(cell("C1", "申请人"))</row>"
                                                 + "<row r=\"2\">\(cell("A2", "2021-03-02"))\(cell("B2", "自然人"))\(cell("C2", "张三"))</row>")
        let data = try WorkbookBuilder(sheets: [.init(name: "填表说明", xml: instructions), .init(name: "登记表", xml: ledger)]).data()
        FileManager.default.createFile(atPath: w.path("台账.xlsx"), contents: data)
        let result = try w.gongkai(["import", "requests", w.path("台账.xlsx")])
        #expect(result.status == 0 && result.stderr.contains("读的是工作表 \"登记表\""), "\(result.stderr)")
        #expect(try Self.received(w) == ["张三": "2021-03-02"])
    }
}
