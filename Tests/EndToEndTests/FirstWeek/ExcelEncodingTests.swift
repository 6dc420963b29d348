import Foundation
import Testing

/// Excel on Chinese Windows reads a CSV without a byte order mark as GBK: a plain UTF-8 export
/// showed as garbled text. `--encoding utf-8-bom|gbk` write what Excel reads, `--headers zh`
/// the headers a ledger has, and each such file imports back as it is.
@Suite struct ExcelEncodingTests {
    static let ledger = """
    received_on,applicant_type,applicant_name,content,concluded_on,outcome
    2021-03-02,自然人,张三,"2020年低保户名单, 含附件",2021-03-20,予以公开
    2021-03-05,商业企业,某某公司,村集体土地承包合同,,
    """

    func village(_ w: Workspace, _ db: String) throws {
        #expect(try w.gongkai(["init", "--unit", "640522100201", "--name", "园河村", "--parent", "640522100000"], db: db).status == 0)
    }

    @Test(arguments: [("utf-8-bom", "zh"), ("utf-8-bom", "key"), ("gbk", "zh"), ("gbk", "key")])
    func anExportForExcelImportsBackAsItIs(encoding: String, headers: String) throws {
        // Given a village's requests
        let w = Workspace()
        try village(w, "a.sqlite")
        #expect(try w.gongkai(["import", "requests", w.write("r.csv", Self.ledger + "\n")], db: "a.sqlite").status == 0)

        // When they are exported for Excel
        let exported = try w.gongkai(["export", "requests", "--encoding", encoding, "--headers", headers, "--output", w.path("out.csv")], db: "a.sqlite")
        #expect(exported.status == 0, "\(exported.stderr)")
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: w.path("out.csv"))))

        // Then the bytes are what Excel reads: a BOM then UTF-8, or GBK (which is not UTF-8)
        if encoding == "utf-8-bom" {
            #expect(Array(bytes.prefix(3)) == [0xEF, 0xBB, 0xBF])
            #expect(String(bytes: bytes.dropFirst(3), encoding: .utf8)?.contains("张三") == true)
        } else {
            #expect(String(bytes: bytes, encoding: .utf8) == nil)
            #expect(String(bytes: bytes, encoding: String.Encoding(rawValue: 0x8000_0632))?.contains("张三") == true)
        }
        let header = headers == "zh" ? "编号,单位代码,收到日期" : "id,unit,received_on"
        let text = encoding == "gbk" ? String(bytes: bytes, encoding: String.Encoding(rawValue: 0x8000_0632)) : String(bytes: bytes.dropFirst(3), encoding: .utf8)
        #expect(text?.hasPrefix(header) == true, "\(text?.prefix(40) ?? "")")

        // And re-imported, into the same replica and into a new one, it is the same records
        let importEncoding = encoding == "gbk" ? ["--encoding", "gbk"] : []
        let same = try w.gongkai(["import", "requests", w.path("out.csv")] + importEncoding, db: "a.sqlite")
        #expect(same.stdout.contains("新增 0, 更新 0, 未变 2"), "\(same.stdout)\(same.stderr)")
        try village(w, "b.sqlite")
        #expect(try w.gongkai(["import", "requests", w.path("out.csv")] + importEncoding, db: "b.sqlite").status == 0)
        #expect(try w.gongkai(["export", "requests", "--format", "json"], db: "a.sqlite").stdout
                == (try w.gongkai(["export", "requests", "--format", "json"], db: "b.sqlite").stdout))
    }

    @Test func aCharacterGBKCannotHoldIsNamedAndNothingIsWritten() throws {
        let w = Workspace()
        try w.initVillage()
        #expect(try w.gongkai(["notice", "add", "--title", "村务公开 😀", "--category", "民生", "--channel", "公开栏", "--published-on", "2021-05-01"]).status == 0)
        let refused = try w.gongkai(["export", "notices", "--encoding", "gbk", "--output", w.path("n.csv")])
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("第 2 行第 3 列的字符 \"😀\" 无法用 GBK 表示"), "\(refused.stderr)")
        #expect(refused.stderr.contains("utf-8-bom"))
        #expect(!FileManager.default.fileExists(atPath: w.path("n.csv")))
    }

    @Test func theReportsCSVForExcelStartsWithABOM() throws {
        let w = try ReportCommandTests().township()
        let result = try w.gongkai(["report", "annual", "--year", "2021", "--format", "csv", "--encoding", "utf-8-bom", "--output", w.path("t.csv")])
        #expect(result.status == 0, "\(result.stderr)")
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: w.path("t.csv"))))
        #expect(Array(bytes.prefix(3)) == [0xEF, 0xBB, 0xBF])
        #expect(try w.gongkai(["report", "annual", "--year", "2021", "--format", "html", "--encoding", "gbk"]).status == 2)
    }

    @Test func importHelpListsTheChineseHeaders() throws {
        let help = try GongkaiProcess.run(["import", "--help"]).stdout
        for header in ["收到日期", "申请人类型", "办结日期", "办理结果", "发布日期", "编号", "单位代码", "金额（元）"] {
            #expect(help.contains(header), "\(header) missing from import --help")
        }
        #expect(try GongkaiProcess.run(["export", "--help"]).stdout.contains("utf-8-bom (Excel 推荐)"))
    }
}
