import Records

/// The report as Markdown, laid out like published reports: the title, the six sections in
/// order, each official table as pipe tables with the official labels, then the appendix.
public enum MarkdownRenderer {
    /// `appendix`: false leaves out the appendix (unit figures, sync dates, chart), which is not part of the official format.
    public static func render(_ report: AnnualReport, appendix includesAppendix: Bool = true) -> String {
        var out = "# \(report.title)\n\n"
        out += "## \(AnnualReport.headings[0])\n\n\(report.sections[.overview] ?? "")\n\n"
        out += "## \(AnnualReport.headings[1])\n\n\(table2(report.table2))"
        out += "## \(AnnualReport.headings[2])\n\n\(table3(report.table3))"
        out += "## \(AnnualReport.headings[3])\n\n\(table4(report.table4))"
        out += "## \(AnnualReport.headings[4])\n\n\(report.sections[.problems] ?? "")\n\n"
        out += "## \(AnnualReport.headings[5])\n\n\(report.sections[.otherMatters] ?? "")\n\n"
        if includesAppendix { out += appendix(report.appendix) }
        return out
    }

    static func row(_ cells: [String]) -> String {
        "| " + cells.map { $0.replacingOccurrences(of: "|", with: "\\|") }.joined(separator: " | ") + " |\n"
    }

    static func separator(_ count: Int) -> String {
        "|" + Array(repeating: "---", count: count).joined(separator: "|") + "|\n"
    }

    static func table2(_ table: Table2) -> String {
        table.groups.map { group in
            "**\(group.label)**\n\n" + row(["信息内容"] + group.columns.map(\.text)) + separator(group.columns.count + 1)
                + group.rows.map { row([$0.label.text] + $0.cells.map(\.text)) }.joined() + "\n"
        }.joined()
    }

    /// Three label columns (the heading, the sub-heading, the row), then the seven numbers.
    static func table3(_ table: Table3) -> String {
        var out = "\(Table3.note)\n\n申请人情况: 自然人; 法人或其他组织: 商业企业、科研机构、社会公益组织、法律服务机构、其他\n\n"
        out += row(["", "", ""] + Table3.columns.map(\.text)) + separator(10)
        var shown: Set<String> = []
        for item in table.rows {
            var labels: [String]
            switch item.headings.count {
            case 0: labels = [item.label.text, "", ""]
            case 1: labels = [item.headings[0], item.label.text, ""]
            default: labels = [item.headings[0], item.headings[1], item.label.text]
            }
            // A heading is written once, on its first row, as in the official table.
            for (index, heading) in item.headings.enumerated() where index < 2 {
                if shown.contains(heading) { labels[index] = "" } else { shown.insert(heading) }
            }
            out += row(labels + item.values.map(String.init))
        }
        return out + "\n"
    }

    static func table4(_ table: Table4) -> String {
        row(["", "行政复议 / 行政诉讼"] + Table4.cells.map(\.text)) + separator(7)
            + table.groups.map { group in
                let (outer, inner) = group.group == .review ? ("行政复议", "") : ("行政诉讼", group.group == .litigationDirect ? "未经复议直接起诉" : "复议后起诉")
                return row([outer, inner] + group.values.map(String.init))
            }.joined() + "\n"
    }

    static func appendix(_ appendix: Appendix) -> String {
        var out = "## 附录：各单位情况 (本附录不属于官方格式)\n\n"
        out += row(["单位代码", "单位", "主动公开", "收到申请", "办结申请", "复议诉讼", "最近同步"]) + separator(7)
        for unit in appendix.units {
            out += row([unit.code, unit.name, String(unit.notices), String(unit.requestsReceived), String(unit.requestsConcluded),
                        String(unit.cases), unit.lastSync.map(ChinaTime.day) ?? "—"])
        }
        out += "\n**主动公开信息按月份和类别**\n\n"
        let categories = NoticeCategory.allCases.filter { category in appendix.noticesByMonth.contains { $0[category] != nil } }
        out += row(["月份"] + categories.map(\.label) + ["合计"]) + separator(categories.count + 2)
        for (index, month) in appendix.noticesByMonth.enumerated() {
            out += row(["\(index + 1)月"] + categories.map { String(month[$0] ?? 0) } + [String(month.values.reduce(0, +))])
        }
        return out
    }
}
