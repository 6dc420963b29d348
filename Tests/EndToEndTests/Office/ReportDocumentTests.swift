import Foundation
import Report
import Testing
import TestSupport
import TestTiers

/// `report annual --format docx` through the real binary, on the reference report's data.
@Suite("The annual report as a Word document")
struct ReportDocumentTests {
    /// The reference town's 2020: 82 notices through the county portal (one of 2019 that must not
    /// count), and section 一 as the town wrote it, its count left to the data.
    func referenceTown() throws -> Workspace {
        let w = Workspace()
        #expect(try w.gongkai(["init", "--township", "--unit", "640522100000", "--name", "海原县西安镇人民政府"]).status == 0)
        let notices = ["id,title,category,channel,published_on"]
            + (0..<82).map { "n\($0),扶贫小额贷款贴息补助公示第\($0)批,扶贫救灾,门户网站,2020-\(String(format: "%02d", 1 + $0 % 12))-15" }
            + ["old,旧公示,扶贫救灾,门户网站,2019-12-31"]
        #expect(try w.gongkai(["import", "notices", w.write("n.csv", notices.joined(separator: "\n") + "\n")]).status == 0)
        let reference = try String(contentsOfFile: ReferenceReport.path, encoding: .utf8)
        let written = section(reference, from: "一、总体情况", to: "二、").replacingOccurrences(of: "公示公开信息 82 条", with: "公示公开信息 {{notices_published}} 条")
        #expect(try w.gongkai(["narrative", "set", "--year", "2020", "--section", "一", "--file", w.write("1.md", String(written))]).status == 0)
        return w
    }

    func unzipped(_ file: String, _ part: String) throws -> String { try PackagePart.text(part, in: file) }

    @Test("the document's XML declares A4, the official margins, the East Asian fonts, merged header cells and page numbers")
    func declarations() throws {
        let w = try referenceTown()
        let file = w.path("2020年报.docx")
        let written = try w.gongkai(["report", "annual", "--year", "2020", "--format", "docx", "--output", file])
        #expect(written.status == 0, "\(written.stderr)")
        let document = try unzipped(file, "word/document.xml")
        #expect(document.contains("<w:pgSz w:w=\"11906\" w:h=\"16838\"/>"))
        #expect(document.contains("<w:pgMar w:top=\"2098\" w:right=\"1474\" w:bottom=\"1984\" w:left=\"1588\""))
        for font in ["方正小标宋简体", "仿宋_GB2312", "黑体", "楷体_GB2312"] { #expect(document.contains("w:eastAsia=\"\(font)\""), "\(font)") }
        #expect(document.contains("<w:sz w:val=\"44\"/>"), "the title in 二号")
        #expect(document.contains("<w:gridSpan w:val=\"7\"/>") && document.contains("<w:vMerge w:val=\"restart\"/>") && document.contains("<w:vMerge/>"))
        #expect(try unzipped(file, "word/footer1.xml").contains("<w:instrText xml:space=\"preserve\"> PAGE </w:instrText>"))
        // And it needs a file to go to
        let noOutput = try w.gongkai(["report", "annual", "--year", "2020", "--format", "docx"])
        #expect(noOutput.status == 2 && noOutput.stderr.contains("请用 --output 指定文件名"), "\(noOutput.stderr)")
    }

    @Test("converted to PDF by LibreOffice: A4, several pages, every heading, label and number of the reference report's tables",
          .tags(.systemTool), .enabled(if: LibreOffice.path != nil || LibreOffice.isRequired, Comment(rawValue: LibreOffice.missing)))
    func throughLibreOffice() throws {
        let w = try referenceTown()
        #expect(try w.gongkai(["report", "annual", "--year", "2020", "--format", "docx", "--output", w.path("report.docx")]).status == 0)
        let converted = try LibreOffice.convert([w.path("report.docx")], to: "pdf", in: w.url.path)
        #expect(converted.status == 0, "\(converted.stderr)")
        let info = try GongkaiProcess.runTool(URL(fileURLWithPath: "/usr/bin/pdfinfo"), [w.path("report.pdf")]).stdout
        #expect(info.contains("Page size:       595.") && info.contains("x 841.") && info.contains("(A4)"), "\(info)")
        let pages = Int(info.split(separator: "\n").first { $0.hasPrefix("Pages:") }?.split(separator: " ").last ?? "") ?? 0
        #expect(pages >= 3, "\(info)")
        let text = try GongkaiProcess.runTool(URL(fileURLWithPath: "/usr/bin/pdftotext"), ["-layout", w.path("report.pdf"), "-"]).stdout
        let reference = try String(contentsOfFile: ReferenceReport.path, encoding: .utf8)
        let flat = normalizeLabel(text).filter { !$0.isNewline }
        #expect(flat.contains("公示公开信息82条"))
        // Every section heading, and every labelled row of tables 2 and 3, in the reference's words
        for heading in ["一、总体情况", "二、主动公开政府信息情况", "三、收到和处理政府信息公开申请情况", "四、政府信息公开行政复议、行政诉讼情况",
                        "五、存在的主要问题及改进情况", "六、其他需要报告的事项"] {
            #expect(flat.contains(heading), "\(heading)")
        }
        for (from, to) in [("二、", "三、"), ("三、", "四、")] {
            for row in numberedRows(section(reference, from: from, to: to)) {
                #expect(Self.appears(row.label, in: flat), "\(row.label)")
            }
        }
        // Every number, section by section, in the reference's order (table 4: its fifteen
        // cells; the reference's sixteenth zero is a copy error)
        let headings = AnnualReport.headings.map(normalizeLabel)
        for (index, count) in [(1, Int?.none), (2, nil), (3, 15)] {
            let theirs = numberedRows(section(reference, from: String(headings[index].prefix(2)), to: String(headings[index + 1].prefix(2)))).flatMap(\.numbers)
            let mine = Self.tableNumbers(text, from: headings[index], to: headings[index + 1])
            #expect(mine == Array(theirs.prefix(count ?? theirs.count)), "\(headings[index])")
        }
    }

    /// A label as printed in a table cell: its characters in order within a short stretch (a
    /// cell's wrapped lines sit among its neighbours' in the page's text).
    static func appears(_ label: String, in text: String) -> Bool {
        let wanted = Array(label), haystack = Array(text)
        guard let first = wanted.first else { return true }
        for start in haystack.indices where haystack[start] == first {
            var matched = 1, index = start + 1
            while matched < wanted.count, index < min(haystack.count, start + wanted.count + 40) {
                if haystack[index] == wanted[matched] { matched += 1 }
                index += 1
            }
            if matched == wanted.count { return true }
        }
        return false
    }

    /// The numbers of a section's table rows, top to bottom: each printed line's trailing run of
    /// numbers (a cell's unit "元" dropped).
    static func tableNumbers(_ text: String, from: String, to: String) -> [String] {
        // A page's first line starts with a form feed.
        let lines = text.split(separator: "\n").map { $0.replacingOccurrences(of: "\u{0C}", with: "") }
        guard let start = lines.firstIndex(where: { normalizeLabel($0).hasPrefix(from) }),
              let end = lines[start...].firstIndex(where: { normalizeLabel($0).hasPrefix(to) }) else { return [] }
        return lines[start..<end].flatMap { line -> [String] in
            let tokens = line.split(separator: " ").map { $0.replacingOccurrences(of: "元", with: "") }
            return Array(tokens.reversed().prefix { $0.range(of: #"^-?[0-9]+(\.[0-9]+)?$"#, options: .regularExpression) != nil }.reversed())
        }
    }
}

/// `report annual --format pdf` through headless Chromium.
@Suite("The annual report as a PDF")
struct ReportPDFTests {
    @Test("printed by headless Chromium: A4, two pages or more, fonts embedded, every table cell's number in its text",
          .tags(.browser), .fullSuiteOnly)
    func printed() throws {
        let w = try ReportDocumentTests().referenceTown()
        let printed = try w.gongkai(["report", "annual", "--year", "2020", "--format", "pdf", "--output", w.path("report.pdf")])
        #expect(printed.status == 0, "\(printed.stderr)")
        let info = try GongkaiProcess.runTool(URL(fileURLWithPath: "/usr/bin/pdfinfo"), [w.path("report.pdf")]).stdout
        #expect(info.contains("(A4)"), "\(info)")
        let pages = Int(info.split(separator: "\n").first { $0.hasPrefix("Pages:") }?.split(separator: " ").last ?? "") ?? 0
        #expect(pages >= 2, "\(info)")
        // Every font in the file is embedded (pdffonts: the "emb" column)
        let fonts = try GongkaiProcess.runTool(URL(fileURLWithPath: "/usr/bin/pdffonts"), [w.path("report.pdf")]).stdout
        let rows = fonts.split(separator: "\n").dropFirst(2)
        #expect(!rows.isEmpty && rows.allSatisfy { $0.split(separator: " ").filter { $0 == "yes" || $0 == "no" }.first == "yes" }, "\(fonts)")
        let text = try GongkaiProcess.runTool(URL(fileURLWithPath: "/usr/bin/pdftotext"), ["-layout", w.path("report.pdf"), "-"]).stdout
        let reference = try String(contentsOfFile: ReferenceReport.path, encoding: .utf8)
        let headings = AnnualReport.headings.map(normalizeLabel)
        for (index, count) in [(1, Int?.none), (2, nil), (3, 15)] {
            let theirs = numberedRows(section(reference, from: String(headings[index].prefix(2)), to: String(headings[index + 1].prefix(2)))).flatMap(\.numbers)
            #expect(ReportDocumentTests.tableNumbers(text, from: headings[index], to: headings[index + 1]) == Array(theirs.prefix(count ?? theirs.count)),
                    "\(headings[index])")
        }
        #expect(normalizeLabel(text).contains("公示公开信息82条"))
    }

    @Test("without a browser it names the package to install and writes nothing")
    func noBrowser() throws {
        let w = Workspace()
        #expect(try w.gongkai(["init", "--township", "--unit", "640522100000", "--name", "西安镇"]).status == 0)
        let result = try GongkaiProcess.run(["report", "annual", "--year", "2021", "--format", "pdf", "--output", w.path("r.pdf"), "--db", w.path("v.sqlite")],
                                            environment: ["PATH": w.url.path], in: w.url)
        #expect(result.status == 1)
        #expect(result.stderr.contains("sudo apt-get install chromium"), "\(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: w.path("r.pdf")))
    }
}
