import Report

/// A Word document (`.docx`) laid out as a Chinese official document (公文, GB/T 9704-2012 as
/// these reports are filed): A4, margins of 37 mm top, 35 mm bottom, 28 mm left and 26 mm right;
/// the title in 小标宋 二号, body in 仿宋_GB2312 三号 on a fixed 28.95 pt line, first-level
/// headings in 黑体 and second-level in 楷体_GB2312 (三号 both), each kept with what follows it;
/// page numbers "— 1 —" at the foot in 宋体 四号. Each run names its East Asian font
/// (`w:eastAsia`), which is what Word, WPS and LibreOffice pick a Chinese typeface by.
struct DocumentWriter {
    enum Font {
        case title, body, heading1, heading2, table
        var eastAsia: String {
            switch self {
            case .title: "方正小标宋简体"
            case .body, .table: "仿宋_GB2312"
            case .heading1: "黑体"
            case .heading2: "楷体_GB2312"
            }
        }
    }

    /// Half-points: 二号 22 pt, 三号 16 pt, 四号 14 pt, 五号 10.5 pt, 小五 9 pt.
    enum Size: Int { case er = 44, san = 32, si = 28, wu = 21, xiaoWu = 18 }

    /// A4 in twentieths of a point, and the margins of GB/T 9704 (1 mm = 56.7).
    static let page = (width: 11906, height: 16838, top: 2098, bottom: 1984, left: 1588, right: 1474)
    static var textWidth: Int { page.width - page.left - page.right }

    private(set) var body = ""

    mutating func title(_ text: String) {
        body += "<w:p><w:pPr><w:keepNext/><w:spacing w:before=\"0\" w:after=\"600\" w:line=\"800\" w:lineRule=\"exact\"/><w:jc w:val=\"center\"/></w:pPr>"
            + run(text, font: .title, size: .er) + "</w:p>"
    }

    /// A heading kept on the page of the paragraph after it; `pageBreak` starts it on a new page.
    mutating func heading(_ runs: [ProseBlock.Run], font: Font, pageBreak: Bool = false) {
        body += "<w:p><w:pPr><w:keepNext/>\(pageBreak ? "<w:pageBreakBefore/>" : "")<w:spacing w:line=\"579\" w:lineRule=\"exact\"/>"
            + "<w:ind w:firstLineChars=\"200\" w:firstLine=\"640\"/><w:outlineLvl w:val=\"\(font == .heading1 ? 0 : 1)\"/></w:pPr>"
            + runs.map { run($0.text, font: font, size: .san, bold: $0.bold) }.joined() + "</w:p>"
    }

    /// A body paragraph, indented two characters; its lines kept as typed (line breaks).
    mutating func paragraph(_ lines: [[ProseBlock.Run]], size: Size = .san) {
        body += "<w:p><w:pPr><w:spacing w:line=\"579\" w:lineRule=\"exact\"/><w:ind w:firstLineChars=\"200\" w:firstLine=\"640\"/><w:jc w:val=\"both\"/></w:pPr>"
        for (index, line) in lines.enumerated() {
            if index > 0 { body += "<w:r><w:br/></w:r>" }
            body += line.map { run($0.text, font: .body, size: size, bold: $0.bold) }.joined()
        }
        body += "</w:p>"
    }

    /// An official table: the grid's spans as `gridSpan` (columns) and `vMerge` (rows), every
    /// cell ruled, numbers and headings centred, labels to the left.
    mutating func table(_ grid: TableGrid, columns widths: [Int], size: Size) {
        body += "<w:tbl><w:tblPr><w:tblW w:w=\"\(widths.reduce(0, +))\" w:type=\"dxa\"/><w:jc w:val=\"center\"/>"
        body += "<w:tblBorders>" + ["top", "left", "bottom", "right", "insideH", "insideV"].map {
            "<w:\($0) w:val=\"single\" w:sz=\"4\" w:space=\"0\" w:color=\"000000\"/>"
        }.joined() + "</w:tblBorders><w:tblLayout w:type=\"fixed\"/><w:tblCellMar><w:left w:w=\"57\" w:type=\"dxa\"/><w:right w:w=\"57\" w:type=\"dxa\"/></w:tblCellMar></w:tblPr>"
        body += "<w:tblGrid>" + widths.map { "<w:gridCol w:w=\"\($0)\"/>" }.joined() + "</w:tblGrid>"
        // Which grid columns a cell from a row above still covers: (its first column, span, rows left).
        var covering: [(column: Int, span: Int, rowsLeft: Int)] = []
        for (rowIndex, row) in grid.rows.enumerated() {
            // Every row but the last kept with the next: a table that fits on a page is not split,
            // and its heading (kept with the table) never stays behind alone.
            let keep = rowIndex < grid.rows.count - 1 ? "<w:keepNext/>" : ""
            // Off the page's line grid, so rows are as tall as their text.
            let cellParagraph = "<w:pPr>\(keep)<w:snapToGrid w:val=\"0\"/><w:spacing w:before=\"20\" w:after=\"20\" w:line=\"240\" w:lineRule=\"auto\"/>"
            body += "<w:tr><w:trPr><w:cantSplit/></w:trPr>"
            var column = 0
            var cells = row[...]
            while column < grid.width {
                if let index = covering.firstIndex(where: { $0.column == column }) {
                    let span = covering[index].span
                    body += "<w:tc><w:tcPr>\(cellWidth(widths, column, span))\(span > 1 ? "<w:gridSpan w:val=\"\(span)\"/>" : "")<w:vMerge/>"
                        + "<w:vAlign w:val=\"center\"/></w:tcPr><w:p>\(cellParagraph)</w:pPr></w:p></w:tc>"
                    covering[index].rowsLeft -= 1
                    column += span
                    continue
                }
                guard let cell = cells.popFirst() else { break }
                if cell.rowSpan > 1 { covering.append((column, cell.columnSpan, cell.rowSpan - 1)) }
                body += "<w:tc><w:tcPr>\(cellWidth(widths, column, cell.columnSpan))"
                    + (cell.columnSpan > 1 ? "<w:gridSpan w:val=\"\(cell.columnSpan)\"/>" : "")
                    + (cell.rowSpan > 1 ? "<w:vMerge w:val=\"restart\"/>" : "") + "<w:vAlign w:val=\"center\"/></w:tcPr>"
                let align = cell.role == .label ? "left" : "center"
                let cellSize = cell.role == .note ? Size.xiaoWu : size
                body += "<w:p>\(cellParagraph)<w:jc w:val=\"\(align)\"/></w:pPr>"
                    + (cell.text.isEmpty ? "" : run(cell.text, font: .table, size: cellSize)) + "</w:p></w:tc>"
                column += cell.columnSpan
            }
            covering.removeAll { $0.rowsLeft == 0 }
            body += "</w:tr>"
        }
        body += "</w:tbl><w:p><w:pPr><w:spacing w:before=\"0\" w:after=\"0\" w:line=\"240\" w:lineRule=\"auto\"/></w:pPr></w:p>"
    }

    private func cellWidth(_ widths: [Int], _ column: Int, _ span: Int) -> String {
        "<w:tcW w:w=\"\(widths[column..<min(widths.count, column + span)].reduce(0, +))\" w:type=\"dxa\"/>"
    }

    private func run(_ text: String, font: Font, size: Size, bold: Bool = false) -> String {
        "<w:r><w:rPr><w:rFonts w:ascii=\"Times New Roman\" w:hAnsi=\"Times New Roman\" w:eastAsia=\"\(font.eastAsia)\" w:cs=\"Times New Roman\"/>"
            + (bold ? "<w:b/>" : "") + "<w:sz w:val=\"\(size.rawValue)\"/><w:szCs w:val=\"\(size.rawValue)\"/></w:rPr>"
            + "<w:t xml:space=\"preserve\">\(OfficePackage.escaped(text))</w:t></w:r>"
    }

    private static let word = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"

    func parts() -> [(path: String, xml: String)] {
        let namespaces = "xmlns:w=\"\(DocumentWriter.word)\" xmlns:r=\"\(OfficePackage.officeRelationships)\""
        let page = DocumentWriter.page
        let section = "<w:sectPr><w:footerReference w:type=\"default\" r:id=\"rId2\"/>"
            + "<w:pgSz w:w=\"\(page.width)\" w:h=\"\(page.height)\"/>"
            + "<w:pgMar w:top=\"\(page.top)\" w:right=\"\(page.right)\" w:bottom=\"\(page.bottom)\" w:left=\"\(page.left)\" w:header=\"851\" w:footer=\"992\" w:gutter=\"0\"/>"
            + "<w:docGrid w:type=\"lines\" w:linePitch=\"579\"/></w:sectPr>"
        let numberRun = { (text: String) in
            "<w:r><w:rPr><w:rFonts w:ascii=\"宋体\" w:hAnsi=\"宋体\" w:eastAsia=\"宋体\"/><w:sz w:val=\"28\"/></w:rPr><w:t xml:space=\"preserve\">\(text)</w:t></w:r>"
        }
        let pageField = "<w:r><w:rPr><w:rFonts w:ascii=\"宋体\" w:hAnsi=\"宋体\" w:eastAsia=\"宋体\"/><w:sz w:val=\"28\"/></w:rPr><w:fldChar w:fldCharType=\"begin\"/></w:r>"
            + "<w:r><w:rPr><w:sz w:val=\"28\"/></w:rPr><w:instrText xml:space=\"preserve\"> PAGE </w:instrText></w:r>"
            + "<w:r><w:rPr><w:sz w:val=\"28\"/></w:rPr><w:fldChar w:fldCharType=\"separate\"/></w:r>" + numberRun("1")
            + "<w:r><w:rPr><w:sz w:val=\"28\"/></w:rPr><w:fldChar w:fldCharType=\"end\"/></w:r>"
        return [
            OfficePackage.contentTypes([("word/document.xml", "wordprocessingml.document.main+xml"), ("word/styles.xml", "wordprocessingml.styles+xml"),
                                        ("word/footer1.xml", "wordprocessingml.footer+xml")]),
            OfficePackage.rootRelationships(main: "word/document.xml"),
            ("word/_rels/document.xml.rels", OfficePackage.declaration + """
            <Relationships xmlns="\(OfficePackage.packageRelationships)">\
            <Relationship Id="rId1" Type="\(OfficePackage.officeRelationships)/styles" Target="styles.xml"/>\
            <Relationship Id="rId2" Type="\(OfficePackage.officeRelationships)/footer" Target="footer1.xml"/></Relationships>
            """),
            ("word/styles.xml", OfficePackage.declaration + """
            <w:styles \(namespaces)><w:docDefaults><w:rPrDefault><w:rPr>\
            <w:rFonts w:ascii="Times New Roman" w:hAnsi="Times New Roman" w:eastAsia="仿宋_GB2312" w:cs="Times New Roman"/>\
            <w:sz w:val="32"/><w:szCs w:val="32"/><w:lang w:val="en-US" w:eastAsia="zh-CN"/></w:rPr></w:rPrDefault>\
            <w:pPrDefault><w:pPr><w:widowControl/><w:spacing w:after="0"/></w:pPr></w:pPrDefault></w:docDefaults>\
            <w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/><w:qFormat/></w:style></w:styles>
            """),
            ("word/footer1.xml", OfficePackage.declaration + """
            <w:ftr \(namespaces)><w:p><w:pPr><w:jc w:val="center"/></w:pPr>\(numberRun("— "))\(pageField)\(numberRun(" —"))</w:p></w:ftr>
            """),
            ("word/document.xml", OfficePackage.declaration + "<w:document \(namespaces)><w:body>\(body)\(section)</w:body></w:document>"),
        ]
    }
}
