import Records

/// The report as one HTML page that prints on A4: the official tables with their merged header
/// cells, the written sections, and an appendix with a chart of notices by month and category.
public enum HTMLRenderer {
    /// `appendix`: false leaves out the appendix (unit figures, sync dates, chart), which is not part of the official format.
    public static func render(_ report: AnnualReport, appendix includesAppendix: Bool = true) -> String {
        var body = "<h1>\(escape(report.title))</h1>\n"
        body += section(0, prose(report.sections[.overview] ?? ""))
        body += section(1, table2(report.table2))
        body += section(2, table3(report.table3, version: report.formatVersion))
        body += section(3, table4(report.table4))
        body += section(4, prose(report.sections[.problems] ?? ""))
        body += section(5, prose(report.sections[.otherMatters] ?? ""))
        if includesAppendix { body += appendix(report.appendix) }
        return """
        <!DOCTYPE html>
        <html lang="zh-CN">
        <head>
        <meta charset="utf-8">
        <title>\(escape(report.title))</title>
        <style>
        @page { size: A4; margin: 20mm 18mm; }
        body { font-family: "SimSun", "Noto Serif CJK SC", "Source Han Serif SC", "WenQuanYi Micro Hei", "WenQuanYi Zen Hei", serif; font-size: 11pt; line-height: 1.6; color: #000; max-width: 174mm; margin: 0 auto; }
        h1 { font-size: 16pt; text-align: center; margin: 0 0 12pt; }
        h2 { font-size: 13pt; margin: 14pt 0 6pt; }
        h3, h4 { font-size: 11pt; margin: 8pt 0 4pt; }
        p { text-indent: 2em; margin: 0 0 6pt; }
        table { border-collapse: collapse; width: 100%; margin: 4pt 0 10pt; page-break-inside: avoid; font-size: 9.5pt; }
        th, td { border: 0.75pt solid #000; padding: 2pt 3pt; text-align: center; vertical-align: middle; }
        th { font-weight: normal; background: #f2f2f2; }
        td.label { text-align: left; }
        td.num { font-variant-numeric: tabular-nums; }
        .note { font-size: 9pt; }
        .appendix { page-break-before: always; }
        h1, h2, h3, h4 { break-after: avoid; page-break-after: avoid; }
        .keep { break-inside: avoid; page-break-inside: avoid; }
        p { orphans: 2; widows: 2; }
        .legend span { display: inline-block; margin-right: 8pt; font-size: 8.5pt; }
        .legend i { display: inline-block; width: 8pt; height: 8pt; margin-right: 2pt; }
        @media print { th { background: none; } }
        </style>
        </head>
        <body>
        \(body)</body>
        </html>

        """
    }

    /// A section's heading kept on one page with the first block under it (a heading never
    /// sits alone at the foot of a printed page).
    static func section(_ index: Int, _ content: String) -> String {
        let heading = "<h2>\(escape(AnnualReport.headings[index]))</h2>\n"
        guard let end = ["</p>\n", "</table>\n", "</div>\n"].compactMap({ content.range(of: $0)?.upperBound }).min() else {
            return heading + content
        }
        return "<div class=\"keep\">\n" + heading + content[..<end] + "</div>\n" + content[end...]
    }

    static func escape(_ text: String) -> String {
        var out = ""
        for character in text {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            default: out.append(character)
            }
        }
        return out
    }

    /// The written sections: Markdown headings, paragraphs and **bold**. A line break within a
    /// paragraph stays a line break, as typed; a heading is kept with the paragraph after it.
    static func prose(_ markdown: String) -> String {
        var out = ""
        var headingOpen = false
        for block in ProseBlock.parse(markdown) {
            switch block {
            case .heading(let level, let runs):
                if headingOpen { out += "</div>\n" }
                out += "<div class=\"keep\">\n<h\(level)>\(inline(runs))</h\(level)>\n"
                headingOpen = true
            case .paragraph(let lines):
                out += "<p>\(lines.map(inline).joined(separator: "<br>\n"))</p>\n"
                if headingOpen { out += "</div>\n"; headingOpen = false }
            }
        }
        if headingOpen { out += "</div>\n" }
        return out
    }

    static func inline(_ runs: [ProseBlock.Run]) -> String {
        runs.map { $0.bold ? "<strong>\(escape($0.text))</strong>" : escape($0.text) }.joined()
    }

    static func cell(_ text: String, _ attributes: String = "") -> String { "<td class=\"num\"\(attributes)>\(escape(text))</td>" }
    static func label(_ text: String, _ attributes: String = "") -> String { "<td class=\"label\"\(attributes)>\(escape(text))</td>" }
    static func header(_ text: String, _ attributes: String = "") -> String { "<th\(attributes)>\(escape(text))</th>" }

    static func table2(_ table: Table2) -> String { grid(.table2(table), class: "table2") }
    static func table3(_ table: Table3, version: FormatVersion) -> String { grid(.table3(table), class: "table3") }
    static func table4(_ table: Table4) -> String { grid(.table4(table), class: "table4") }

    /// An official table from its grid: each cell with its spans as colspan and rowspan.
    static func grid(_ grid: TableGrid, class name: String) -> String {
        var out = "<table class=\"\(name)\">\n"
        for row in grid.rows {
            out += "<tr>"
            for cell in row {
                let spans = (cell.columnSpan > 1 ? " colspan=\"\(cell.columnSpan)\"" : "") + (cell.rowSpan > 1 ? " rowspan=\"\(cell.rowSpan)\"" : "")
                switch cell.role {
                case .header: out += header(cell.text, spans)
                case .note: out += header(cell.text, spans + " class=\"note\"")
                case .label: out += label(cell.text, spans)
                case .number: out += self.cell(cell.text, spans)
                // A blank's span is always written (colspan="1" too), as it always was.
                case .blank: out += "<td colspan=\"\(cell.columnSpan)\"></td>"
                case .blankHeader: out += "<th colspan=\"\(cell.columnSpan)\"></th>"
                }
            }
            out += "</tr>\n"
        }
        return out + "</table>\n"
    }

    static func appendix(_ appendix: Appendix) -> String {
        var out = "<div class=\"appendix\">\n<h2>附录：各单位情况与主动公开图表</h2>\n<p class=\"note\">本附录不属于官方格式, 不改变以上各部分。</p>\n"
        out += "<table class=\"units\">\n<tr>" + ["单位代码", "单位", "主动公开", "收到申请", "办结申请", "复议诉讼", "最近同步"].map { header($0) }.joined() + "</tr>\n"
        for unit in appendix.units {
            out += "<tr>\(label(unit.code))\(label(unit.name))\(cell(String(unit.notices)))\(cell(String(unit.requestsReceived)))"
                + "\(cell(String(unit.requestsConcluded)))\(cell(String(unit.cases)))\(cell(unit.lastSync.map(ChinaTime.day) ?? "—"))</tr>\n"
        }
        out += "</table>\n<h3>主动公开信息按月份和类别</h3>\n" + chart(appendix.noticesByMonth)
        return out + "</div>\n"
    }

    static let palette = ["#1f4e79", "#c0504d", "#9bbb59", "#8064a2", "#4bacc6", "#f79646", "#2c7873", "#7f6000",
                          "#a5a5a5", "#5b9bd5", "#ed7d31", "#70ad47", "#264478", "#9e480e"]

    /// Stacked bars: one per month, one colour per category.
    static func chart(_ months: [[NoticeCategory: Int]]) -> String {
        let categories = NoticeCategory.allCases.filter { category in months.contains { $0[category] != nil } }
        let highest = max(1, months.map { $0.values.reduce(0, +) }.max() ?? 0)
        let (width, height, left, bottom) = (640, 240, 40, 24)
        let barWidth = (width - left) / 12 - 8
        var svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 \(width) \(height)\" width=\"100%\" role=\"img\" aria-label=\"主动公开信息按月份和类别\">\n"
        let plot = height - bottom - 10
        svg += "<line x1=\"\(left)\" y1=\"\(height - bottom)\" x2=\"\(width)\" y2=\"\(height - bottom)\" stroke=\"#000\" stroke-width=\"1\"/>\n"
        svg += "<text x=\"\(left - 4)\" y=\"14\" font-size=\"10\" text-anchor=\"end\">\(highest)</text>\n"
        svg += "<text x=\"\(left - 4)\" y=\"\(height - bottom)\" font-size=\"10\" text-anchor=\"end\">0</text>\n"
        for (index, month) in months.enumerated() {
            let x = left + index * ((width - left) / 12) + 4
            var top = height - bottom
            for (position, category) in categories.enumerated() {
                guard let count = month[category], count > 0 else { continue }
                let barHeight = max(1, count * plot / highest)
                top -= barHeight
                svg += "<rect x=\"\(x)\" y=\"\(top)\" width=\"\(barWidth)\" height=\"\(barHeight)\" fill=\"\(palette[position % palette.count])\">"
                    + "<title>\(index + 1)月 \(escape(category.label)) \(count)</title></rect>\n"
            }
            let total = month.values.reduce(0, +)
            if total > 0 { svg += "<text x=\"\(x + barWidth / 2)\" y=\"\(top - 2)\" font-size=\"9\" text-anchor=\"middle\">\(total)</text>\n" }
            svg += "<text x=\"\(x + barWidth / 2)\" y=\"\(height - 8)\" font-size=\"10\" text-anchor=\"middle\">\(index + 1)月</text>\n"
        }
        svg += "</svg>\n"
        let legend = categories.enumerated().map { position, category in
            "<span><i style=\"background:\(palette[position % palette.count])\"></i>\(escape(category.label))</span>"
        }.joined()
        return svg + "<div class=\"legend\">\(legend)</div>\n"
    }
}
