import Foundation
import Records
import OfficeFiles
import Testing
import TestSupport
import TestTiers

/// `gongkai export KIND --format xlsx` through the real binary.
@Suite("Workbooks exported by the real binary")
struct WorkbookExportTests {
    /// A township replica holding every kind's fixture.
    func township() throws -> Workspace {
        let w = Workspace()
        #expect(try w.gongkai(["init", "--township", "--unit", "640522100000", "--name", "西安镇"]).status == 0)
        _ = try w.gongkai(["unit", "add", "640522100201", "园河村"])
        for (kind, csv) in kindFixtures {
            let imported = try w.gongkai(["import", kind.rawValue, w.write("\(kind.rawValue).csv", csv)])
            #expect(imported.status == 0, "\(kind): \(imported.stderr)")
        }
        return w
    }

    @Test("every kind's workbook: Chinese headers, dates as dates, amounts as numbers, codes as text; it re-imports to the same records")
    func roundTrip() throws {
        let w = try township()
        for kind in kindFixtures.keys.sorted(by: { $0.rawValue < $1.rawValue }) {
            // When the kind is exported as a workbook
            let file = w.path("\(kind.rawValue).xlsx")
            let exported = try w.gongkai(["export", kind.rawValue, "--format", "xlsx", "--output", file])
            #expect(exported.status == 0, "\(kind): \(exported.stderr)")
            // Then its header is in Chinese and each cell has its field's type
            let sheet = try Workbook(data: try Data(contentsOf: URL(fileURLWithPath: file))).sheet()
            #expect(sheet.name == kind.label)
            let header = sheet.rows[0].cells.sorted { $0.key < $1.key }.map(\.value)
            #expect(header == kind.chineseCSVHeaders.map { SheetCell.text($0) }, "\(kind)")
            for row in sheet.rows.dropFirst() {
                #expect(row.cells[2].map { if case .text = $0 { true } else { false } } == true, "\(kind): the unit code is text")
                for (index, field) in kind.fields.enumerated() {
                    guard let cell = row.cells[index + 3] else { continue }
                    switch (field.type, cell) {
                    case (.date, .date), (.money, .number), (.count, .number), (.year, .number), (.text, .text), (.choice, .text), (.choices, .text): break
                    default: Issue.record("\(kind) \(field.name): \(cell)")
                    }
                }
            }
            // When it is imported into a fresh replica, then that replica exports the same CSV
            let fresh = "fresh-\(kind.rawValue).sqlite"
            #expect(try w.gongkai(["init", "--township", "--unit", "640522100000", "--name", "西安镇"], db: fresh).status == 0)
            _ = try w.gongkai(["unit", "add", "640522100201", "园河村"], db: fresh)
            let reimported = try w.gongkai(["import", kind.rawValue, file], db: fresh)
            #expect(reimported.status == 0, "\(kind): \(reimported.stderr)")
            #expect(try w.gongkai(["export", kind.rawValue], db: fresh).stdout == (try w.gongkai(["export", kind.rawValue]).stdout), "\(kind)")
        }
    }

    @Test("the workbook's sheet has its header row frozen and its columns sized; the same records give the same bytes")
    func layout() throws {
        let w = try township()
        #expect(try w.gongkai(["export", "requests", "--format", "xlsx", "--output", w.path("a.xlsx")]).status == 0)
        #expect(try w.gongkai(["export", "requests", "--format", "xlsx", "--output", w.path("b.xlsx")]).status == 0)
        let a = try Data(contentsOf: URL(fileURLWithPath: w.path("a.xlsx")))
        #expect(a == (try Data(contentsOf: URL(fileURLWithPath: w.path("b.xlsx")))))
        let sheet = try PackagePart.text("xl/worksheets/sheet1.xml", in: w.path("a.xlsx"))
        #expect(sheet.contains("<pane ySplit=\"1\" topLeftCell=\"A2\" activePane=\"bottomLeft\" state=\"frozen\"/>"), "\(sheet.prefix(400))")
        // 申请内容 (column G) is as wide as its widest cell, 2020年低保户名单, 含"边缘户": 28 (a Chinese character counts two), plus 2
        #expect(sheet.contains("<col min=\"7\" max=\"7\" width=\"30\" customWidth=\"1\"/>"), "\(sheet.prefix(900))")
    }

    @Test("xlsx needs --output; --encoding is for CSV only")
    func usage() throws {
        let w = try township()
        let noOutput = try w.gongkai(["export", "requests", "--format", "xlsx"])
        #expect(noOutput.status == 2 && noOutput.stderr.contains("请用 --output 指定文件名"), "\(noOutput.stderr)")
        let encoding = try w.gongkai(["export", "requests", "--format", "xlsx", "--encoding", "gbk", "--output", w.path("x.xlsx")])
        #expect(encoding.status == 2 && encoding.stderr.contains("--encoding 只用于 csv"), "\(encoding.stderr)")
        #expect(!FileManager.default.fileExists(atPath: w.path("x.xlsx")))
    }
}
