import Foundation
import Records

/// A report as it was published: its frozen JSON, read back to compare with the data now.
struct PublishedReport {
    let publishedAt: Int64
    let object: [String: Any]

    static func load(year: Int, source: any ReportSource) throws -> PublishedReport? {
        guard let stored = try source.publishedReport(year: year),
              let object = try JSONSerialization.jsonObject(with: Data(stored.json.utf8)) as? [String: Any] else { return nil }
        return PublishedReport(publishedAt: stored.publishedAt, object: object)
    }

    func table3Row(_ key: String) -> [Int]? {
        ((object["table3"] as? [String: Any])?["rows"] as? [String: Any])?[key] as? [Int]
    }

    func table2Cell(_ row: String, _ column: String) -> Int? {
        ((object["table2"] as? [String: Any])?[row] as? [String: Any])?[column] as? Int
    }

    /// Every official cell that differs, in words a township reads: `表三 予以公开 总计: 已发布 6, 现在 5`;
    /// a text that changed is summarised by its length, never printed whole.
    func differences(from report: AnnualReport) -> [String] {
        guard let now = try? JSONSerialization.jsonObject(with: Data(JSONRenderer.render(report, checks: []).utf8)) as? [String: Any] else { return [] }
        var differences: [(path: String, old: Any?, new: Any?)] = []
        // The tables, and the text: a placeholder's figure or a section edited after publishing.
        for table in ["headline", "table2", "table3", "table4", "sections"] {
            compare(object[table], now[table], path: [table], into: &differences)
        }
        let names = PublishedReport.names(of: report)
        return differences.map { difference in
            "\(names[difference.path] ?? difference.path): " + PublishedReport.change(difference.old, difference.new)
        }
    }

    private func compare(_ old: Any?, _ new: Any?, path: [String], into differences: inout [(path: String, old: Any?, new: Any?)]) {
        switch (old, new) {
        case (let old as [String: Any], let new as [String: Any]):
            for key in Set(old.keys).union(new.keys).sorted() { compare(old[key], new[key], path: path + [key], into: &differences) }
        case (let old as [Any], let new as [Any]) where old.count == new.count:
            for index in old.indices { compare(old[index], new[index], path: path + [String(index)], into: &differences) }
        default:
            let oldText = old.map { "\($0)" } ?? "—"
            let newText = new.map { "\($0)" } ?? "—"
            if oldText != newText { differences.append((path.joined(separator: "."), old, new)) }
        }
    }

    /// `已发布 6, 现在 5`; for a text, how long each is.
    static func change(_ old: Any?, _ new: Any?) -> String {
        let oldText = old.map { "\($0)" } ?? "(无)"
        let newText = new.map { "\($0)" } ?? "(无)"
        if oldText.count > 20 || newText.count > 20 || oldText.contains("\n") || newText.contains("\n") {
            // Where the two first differ, a few characters either side.
            let old = Array(oldText), new = Array(newText)
            let same = zip(old, new).prefix { $0 == $1 }.count
            func excerpt(_ text: [Character]) -> String {
                let start = max(0, same - 8), end = min(text.count, same + 8)
                return (start > 0 ? "…" : "") + String(text[start..<end]).replacingOccurrences(of: "\n", with: " ") + (end < text.count ? "…" : "")
            }
            return "文字有改动: 已发布 “\(excerpt(old))”, 现在 “\(excerpt(new))” (共 \(old.count) 字 → \(new.count) 字)"
        }
        return "已发布 \(oldText), 现在 \(newText)"
    }

    /// Each cell's JSON path (`table3.rows.granted.6`) and its name in the official tables.
    static func names(of report: AnnualReport) -> [String: String] {
        var names: [String: String] = [
            "headline.notices_published": "一、总体情况 主动公开信息数",
            "headline.requests_received": "一、总体情况 收到申请数",
            "headline.requests_concluded": "一、总体情况 办结申请数",
        ]
        for group in report.table2.groups {
            for row in group.rows {
                for column in group.columns { names["table2.\(row.label.key).\(column.key)"] = "表二 \(row.label.text) \(column.text)" }
            }
        }
        for row in report.table3.rows {
            let heading = (row.headings + [row.label.text]).joined(separator: " ")
            for (index, column) in Table3.columns.enumerated() { names["table3.rows.\(row.label.key).\(index)"] = "表三 \(heading) \(column.text)" }
        }
        for group in report.table4.groups {
            for cell in Table4.cells { names["table4.\(group.group.rawValue).\(cell.key)"] = "表四 \(group.group.label) \(cell.text)" }
        }
        for (index, section) in [NarrativeSection.overview, .problems, .otherMatters].enumerated() {
            names["sections.\(section.label)"] = [AnnualReport.headings[0], AnnualReport.headings[4], AnnualReport.headings[5]][index] + " (文字)"
        }
        return names
    }
}

/// The report as built, kept with each published version so that it renders again exactly, in
/// any format, however the data changed since.
public enum PublishedModel {
    public static func encode(_ report: AnnualReport) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: try encoder.encode(report), as: UTF8.self)
    }

    public static func decode(_ text: String) throws -> AnnualReport {
        try JSONDecoder().decode(AnnualReport.self, from: Data(text.utf8))
    }
}
