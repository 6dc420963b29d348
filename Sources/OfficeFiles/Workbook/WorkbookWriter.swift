import Foundation
import Records

/// One worksheet written as an `.xlsx` workbook, as an office expects to open it: a bold header
/// row frozen at the top, columns as wide as their text, dates as real dates (shown
/// `yyyy-mm-dd`), amounts and counts as numbers, every other cell as text (codes and ids keep
/// their digits). Parts are zipped with ZIPFoundation; strings are written inline, so the
/// workbook has no shared-strings table to keep in step.
public struct WorkbookWriter {
    public enum Cell: Equatable, Sendable {
        case text(String)
        /// A number as canonical text (`120.5`, `3`).
        case number(String)
        /// `YYYY-MM-DD`.
        case date(String)
        case empty
    }

    public let sheetName: String
    public let header: [String]
    public let rows: [[Cell]]

    public init(sheetName: String, header: [String], rows: [[Cell]]) {
        self.sheetName = sheetName
        self.header = header
        self.rows = rows
    }

    public func data() throws -> Data { try OfficePackage.zip(parts()) }

    private static let main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"

    func parts() -> [(path: String, xml: String)] {
        [
            OfficePackage.contentTypes([("xl/workbook.xml", "spreadsheetml.sheet.main+xml"), ("xl/worksheets/sheet1.xml", "spreadsheetml.worksheet+xml"),
                                        ("xl/styles.xml", "spreadsheetml.styles+xml")]),
            OfficePackage.rootRelationships(main: "xl/workbook.xml"),
            ("xl/workbook.xml", OfficePackage.declaration + """
            <workbook xmlns="\(WorkbookWriter.main)" xmlns:r="\(OfficePackage.officeRelationships)">\
            <bookViews><workbookView/></bookViews>\
            <sheets><sheet name="\(OfficePackage.escaped(sheetName))" sheetId="1" r:id="rId1"/></sheets></workbook>
            """),
            ("xl/_rels/workbook.xml.rels", OfficePackage.declaration + """
            <Relationships xmlns="\(OfficePackage.packageRelationships)">\
            <Relationship Id="rId1" Type="\(OfficePackage.officeRelationships)/worksheet" Target="worksheets/sheet1.xml"/>\
            <Relationship Id="rId2" Type="\(OfficePackage.officeRelationships)/styles" Target="styles.xml"/></Relationships>
            """),
            // Styles: 0 plain, 1 a date, 2 the bold header.
            ("xl/styles.xml", OfficePackage.declaration + """
            <styleSheet xmlns="\(WorkbookWriter.main)">\
            <numFmts count="1"><numFmt numFmtId="164" formatCode="yyyy\\-mm\\-dd"/></numFmts>\
            <fonts count="2"><font><sz val="11"/><name val="宋体"/><charset val="134"/></font>\
            <font><b/><sz val="11"/><name val="宋体"/><charset val="134"/></font></fonts>\
            <fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills>\
            <borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>\
            <cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>\
            <cellXfs count="3"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>\
            <xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>\
            <xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/></cellXfs>\
            <cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>
            """),
            ("xl/worksheets/sheet1.xml", worksheet()),
        ]
    }

    private func worksheet() -> String {
        var xml = OfficePackage.declaration + "<worksheet xmlns=\"\(WorkbookWriter.main)\" xmlns:r=\"\(OfficePackage.officeRelationships)\">"
        xml += "<sheetViews><sheetView workbookViewId=\"0\"><pane ySplit=\"1\" topLeftCell=\"A2\" activePane=\"bottomLeft\" state=\"frozen\"/>"
        xml += "<selection pane=\"bottomLeft\" activeCell=\"A2\" sqref=\"A2\"/></sheetView></sheetViews>"
        xml += "<cols>"
        for (index, width) in columnWidths().enumerated() {
            xml += "<col min=\"\(index + 1)\" max=\"\(index + 1)\" width=\"\(width)\" customWidth=\"1\"/>"
        }
        xml += "</cols><sheetData>"
        xml += row(1, header.map { .text($0) }, style: 2)
        for (index, cells) in rows.enumerated() { xml += row(index + 2, cells, style: nil) }
        xml += "</sheetData></worksheet>"
        return xml
    }

    private func row(_ number: Int, _ cells: [Cell], style: Int?) -> String {
        var xml = "<row r=\"\(number)\">"
        for (index, cell) in cells.enumerated() {
            let reference = "\(RowProblem.spreadsheetLetters(index + 1))\(number)"
            let styled = style.map { " s=\"\($0)\"" } ?? ""
            switch cell {
            case .empty: continue
            case .text(let text):
                xml += "<c r=\"\(reference)\"\(styled) t=\"inlineStr\"><is><t xml:space=\"preserve\">\(OfficePackage.escaped(text))</t></is></c>"
            case .number(let text):
                xml += "<c r=\"\(reference)\"\(styled)><v>\(text)</v></c>"
            case .date(let day):
                if let serial = ExcelDates.serial(of: day) {
                    xml += "<c r=\"\(reference)\" s=\"1\"><v>\(serial)</v></c>"
                } else {
                    xml += "<c r=\"\(reference)\"\(styled) t=\"inlineStr\"><is><t>\(OfficePackage.escaped(day))</t></is></c>"
                }
            }
        }
        return xml + "</row>"
    }

    /// Each column as wide as its widest cell (a Chinese character counts two), within reason.
    func columnWidths() -> [Int] {
        var widths = header.map(WorkbookWriter.displayWidth)
        for cells in rows {
            for (index, cell) in cells.enumerated() where index < widths.count {
                let width: Int
                switch cell {
                case .text(let text), .number(let text): width = WorkbookWriter.displayWidth(text)
                case .date: width = 10
                case .empty: width = 0
                }
                widths[index] = max(widths[index], width)
            }
        }
        return widths.map { min(max($0 + 2, 8), 60) }
    }

    static func displayWidth(_ text: String) -> Int {
        let longestLine = text.split(whereSeparator: \.isNewline).map { line in
            line.unicodeScalars.reduce(0) { $0 + ($1.value >= 0x1100 ? 2 : 1) }
        }.max()
        return longestLine ?? 0
    }
}
