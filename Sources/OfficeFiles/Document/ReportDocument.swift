import Foundation
import Records
import Report

/// The annual report as a Word document: the title, the six sections with their official
/// tables, and the appendix's table of units on a page of its own (its chart is the HTML's).
public enum ReportDocument {
    /// `appendix`: false leaves out the appendix, which is not part of the official format.
    public static func docx(_ report: AnnualReport, appendix includesAppendix: Bool = true) throws -> Data {
        var writer = DocumentWriter()
        writer.title(report.title)
        let width = DocumentWriter.textWidth
        for (index, heading) in AnnualReport.headings.enumerated() {
            writer.heading([ProseBlock.Run(text: heading, bold: false)], font: .heading1)
            switch index {
            case 0: prose(report.sections[.overview] ?? "", into: &writer)
            case 1:
                let grid = TableGrid.table2(report.table2)
                let label = width * 2 / 5
                writer.table(grid, columns: [label] + spread(width - label, over: grid.width - 1), size: .wu)
            case 2:
                // Three label columns (the results block's headings, then the row's label), seven of numbers.
                let labels = [width * 9 / 100, width * 9 / 100, width * 22 / 100]
                writer.table(TableGrid.table3(report.table3), columns: labels + spread(width - labels.reduce(0, +), over: 7), size: .xiaoWu)
            case 3: writer.table(TableGrid.table4(report.table4), columns: spread(width, over: 15), size: .xiaoWu)
            case 4: prose(report.sections[.problems] ?? "", into: &writer)
            default: prose(report.sections[.otherMatters] ?? "", into: &writer)
            }
        }
        if includesAppendix { appendix(report.appendix, into: &writer) }
        return try OfficePackage.zip(writer.parts())
    }

    /// `total` in `count` near-equal columns (the last takes what is left).
    static func spread(_ total: Int, over count: Int) -> [Int] {
        let each = total / count
        return Array(repeating: each, count: count - 1) + [total - each * (count - 1)]
    }

    static func prose(_ markdown: String, into writer: inout DocumentWriter) {
        for block in ProseBlock.parse(markdown) {
            switch block {
            case .heading(let level, let runs): writer.heading(runs, font: level == 3 ? .heading2 : .body)
            case .paragraph(let lines): writer.paragraph(lines)
            }
        }
    }

    static func appendix(_ appendix: Appendix, into writer: inout DocumentWriter) {
        writer.heading([ProseBlock.Run(text: "附录：各单位情况", bold: false)], font: .heading1, pageBreak: true)
        writer.paragraph([[ProseBlock.Run(text: "本附录不属于官方格式, 不改变以上各部分。", bold: false)]], size: .wu)
        let header = ["单位代码", "单位", "主动公开", "收到申请", "办结申请", "复议诉讼", "最近同步"].map { TableGrid.Cell($0, .header) }
        let rows = appendix.units.map { unit in
            [TableGrid.Cell(unit.code, .label), TableGrid.Cell(unit.name, .label), TableGrid.Cell(String(unit.notices), .number),
             TableGrid.Cell(String(unit.requestsReceived), .number), TableGrid.Cell(String(unit.requestsConcluded), .number),
             TableGrid.Cell(String(unit.cases), .number), TableGrid.Cell(unit.lastSync.map(ChinaTime.day) ?? "—", .number)]
        }
        let width = DocumentWriter.textWidth
        let fixed = [width * 20 / 100, width * 24 / 100]
        writer.table(TableGrid(rows: [header] + rows, width: 7), columns: fixed + spread(width - fixed.reduce(0, +), over: 5), size: .wu)
    }
}
