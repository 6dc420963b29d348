import Foundation
import Testing
import TestTiers

/// The package's root, for its scripts.
let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

@Suite("Annual report through the real binary")
struct ReportCommandTests {
    /// A township replica with a little of everything for 2021.
    func township() throws -> Workspace {
        let w = Workspace()
        #expect(try w.gongkai(["init", "--township", "--unit", "640522100000", "--name", "海原县西安镇人民政府"]).status == 0)
        _ = try w.gongkai(["unit", "add", "640522100201", "园河村"])
        _ = try w.gongkai(["import", "requests", w.write("r.csv", """
            id,unit,received_on,applicant_type,concluded_on,outcome
            r1,640522100201,2020-12-20,自然人,2021-01-05,予以公开
            r2,640522100201,2021-03-01,商业企业,2021-03-20,部分公开
            r3,640522100000,2021-11-01,自然人,,
            """)])
        _ = try w.gongkai(["import", "notices", w.write("n.csv", """
            title,category,channel,published_on
            低保公示,民生,公开栏,2021-02-01
            扶贫公示,扶贫救灾,门户网站,2021-05-01
            """)])
        _ = try w.gongkai(["narrative", "set", "--year", "2021", "--section", "一", "--file", w.write("1.md", "### （一）主动公开\n\n全年公开 {{notices_published}} 条。\n")])
        _ = try w.gongkai(["narrative", "set", "--year", "2021", "--section", "五", "--file", w.write("5.md", "宣传不够。\n")])
        return w
    }

    @Test("the JSON has the spec's keys: exactly the chosen version's rows and table 2 keys", arguments: ["2019", "2021"])
    func json(version: String) throws {
        let w = try township()
        let result = try w.gongkai(["report", "annual", "--year", "2021", "--format", "json", "--format-version", version])
        #expect(result.status == 0, "\(result.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        #expect(object["schema"] as? String == "gongkai.annual-report/1")
        #expect(object["year"] as? Int == 2021)
        #expect(object["format_version"] as? String == version)
        #expect((object["unit"] as? [String: Any])?["name"] as? String == "海原县西安镇人民政府")
        #expect((object["headline"] as? [String: Any])?["notices_published"] as? Int == 2)
        #expect((object["headline"] as? [String: Any])?["requests_received"] as? Int == 2)
        let table2 = try #require(object["table2"] as? [String: Any])
        let table2Keys = version == "2019"
            ? ["regulations", "normative_documents", "licensing", "other_services", "penalty", "coercion", "fees", "procurement"]
            : ["regulations", "normative_documents", "licensing", "penalty", "coercion", "fees"]
        #expect(Set(table2.keys) == Set(table2Keys))
        let table3 = try #require(object["table3"] as? [String: Any])
        #expect(table3["columns"] as? [String] == ["natural_person", "commercial_enterprise", "research_institution",
                                                   "public_interest_org", "legal_service_org", "other_org", "total"])
        let rows = try #require(table3["rows"] as? [String: [Int]])
        #expect(rows.count == (version == "2019" ? 23 : 25))
        #expect((rows["other_processing"] != nil) == (version == "2019"))
        #expect((rows["other_other"] != nil) == (version == "2021"))
        #expect(rows["new_received"] == [1, 1, 0, 0, 0, 0, 2])
        #expect(rows["carried_over_in"] == [1, 0, 0, 0, 0, 0, 1])
        #expect(rows["carried_over_out"] == [1, 0, 0, 0, 0, 0, 1])
        #expect(Set((object["table4"] as? [String: Any])?.keys ?? [:].keys) == ["review", "litigation_direct", "litigation_after_review"])
        let sections = try #require(object["sections"] as? [String: String])
        #expect(sections["一"]?.contains("全年公开 2 条") == true)
        #expect(sections["六"] == "无其他需要报告的事项。")
        #expect((object["checks"] as? [[String: Any]])?.contains { $0["id"] as? String == "T3-BALANCE" && $0["ok"] as? Bool == true } == true)
    }

    @Test("fees print in 万元 to the fen in every format; --amount-decimals rounds half up; a bad count is refused and writes nothing")
    func amountsExactly() throws {
        // Given 12,340,567.89 yuan of fees collected in 2021: 1234.056789 万元
        let w = try township()
        let imported = try w.gongkai(["import", "fees", w.write("f.csv", """
            id,collected_on,amount_yuan
            f1,2021-04-01,12340000
            f2,2021-09-30,567.89
            """)])
        #expect(imported.status == 0, "\(imported.stderr)")
        for format in ["md", "html", "csv", "json"] {
            // When the report is rendered as it is, then the amount is exact
            let exact = try w.gongkai(["report", "annual", "--year", "2021", "--format", format])
            #expect(exact.status == 0, "\(exact.stderr)")
            #expect(exact.stdout.contains("1234.056789"), "\(format)")
            // When an office prints two decimals, then it is rounded half up, and nothing else changes
            let rounded = try w.gongkai(["report", "annual", "--year", "2021", "--format", format, "--amount-decimals", "2"])
            #expect(rounded.status == 0, "\(rounded.stderr)")
            #expect(rounded.stdout.contains("1234.06") && !rounded.stdout.contains("1234.056789"), "\(format)")
            #expect(rounded.stdout.replacingOccurrences(of: "1234.06", with: "1234.056789") == exact.stdout, "\(format)")
        }
        // When the count is out of range, then the call is refused as wrong usage and no file is written
        let output = w.path("report.md")
        let bad = try w.gongkai(["report", "annual", "--year", "2021", "--amount-decimals", "7", "--output", output])
        #expect(bad.status == 2)
        #expect(bad.stderr.contains("--amount-decimals 应在 0 到 6 之间"), "\(bad.stderr)")
        #expect(!FileManager.default.fileExists(atPath: output))
    }

    @Test("the default format version follows the year: 2019 for 2020, 2021 for 2021")
    func defaultVersion() throws {
        let w = try township()
        #expect(try w.gongkai(["report", "annual", "--year", "2020", "--format", "json"]).stdout.contains("\"format_version\": \"2019\""))
        #expect(try w.gongkai(["report", "annual", "--year", "2021", "--format", "json"]).stdout.contains("\"format_version\": \"2021\""))
    }

    @Test("check exits 1 on an error and names the records; publish refuses until it is fixed; later changes show as differences")
    func checkAndPublish() throws {
        let w = try township()
        let good = try w.gongkai(["report", "check", "--year", "2021"])
        #expect(good.status == 0, "\(good.stdout)")
        _ = try w.gongkai(["document", "add", "--id", "bad", "--kind", "规章", "--title", "误填", "--made-on", "2021-05-01"])
        let bad = try w.gongkai(["report", "check", "--year", "2021"])
        #expect(bad.status == 1)
        #expect(bad.stdout.contains("[错误] T2-TOWN"))
        #expect(bad.stdout.contains("document 640522100000:bad"))
        let refused = try w.gongkai(["report", "publish", "--year", "2021"])
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("T2-TOWN"))
        _ = try w.gongkai(["document", "edit", "bad", "--kind", "规范性文件"])
        #expect(try w.gongkai(["report", "publish", "--year", "2021"]).status == 0)
        _ = try w.gongkai(["request", "add", "--id", "late", "--unit", "640522100201", "--received-on", "2021-12-30", "--applicant-type", "科研机构"])
        let after = try w.gongkai(["report", "check", "--year", "2021", "--json"])
        let checks = try #require(try JSONSerialization.jsonObject(with: Data(after.stdout.utf8)) as? [[String: Any]])
        let published = try #require(checks.first { $0["id"] as? String == "PUBLISHED" })
        #expect(published["ok"] as? Bool == false)
        #expect((published["detail"] as? String)?.contains("表三 一、本年新收政府信息公开申请数量 科研机构: 已发布 0, 现在 1") == true, "\(published["detail"] ?? "")")
    }

    @Test("the HTML opens in headless Chromium and the screenshot shows the ruled tables", .tags(.browser), .fullSuiteOnly)
    func screenshot() throws {
        let w = try township()
        #expect(try w.gongkai(["report", "annual", "--year", "2021", "--format", "html", "--output", w.path("report.html")]).status == 0)
        let shot = try GongkaiProcess.runTool(packageRoot.appendingPathComponent("scripts/report-screenshot"),
                                              [w.path("report.html"), w.path("report.png"), "900", "2600"])
        #expect(shot.status == 0, "\(shot.stderr)")
        let lines = try GongkaiProcess.runTool(packageRoot.appendingPathComponent("scripts/png-ruled-lines"), [w.path("report.png")])
        // Tables 2, 3 and 4 and the appendix: dozens of ruled lines across the page.
        #expect((Int(lines.stdout.trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0) >= 40, "\(lines.stdout) \(lines.stderr)")
    }

    @Test("Markdown and CSV are written to files with --output")
    func files() throws {
        let w = try township()
        #expect(try w.gongkai(["report", "annual", "--year", "2021", "--output", w.path("r.md")]).status == 0)
        let markdown = try String(contentsOfFile: w.path("r.md"), encoding: .utf8)
        #expect(markdown.hasPrefix("# 海原县西安镇人民政府2021年政府信息公开工作年度报告"))
        #expect(try w.gongkai(["report", "annual", "--year", "2021", "--format", "csv", "--output", w.path("report.csv")]).status == 0)
        let csv = try String(contentsOfFile: w.path("report.csv"), encoding: .utf8)
        #expect(csv.contains("一、本年新收政府信息公开申请数量,,,1,1,0,0,0,0,2"))
    }
}
