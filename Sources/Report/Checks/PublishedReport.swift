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

    /// Every official cell that differs, as "label: published → now".
    func differences(from report: AnnualReport) -> [String] {
        guard let now = try? JSONSerialization.jsonObject(with: Data(JSONRenderer.render(report, checks: []).utf8)) as? [String: Any] else { return [] }
        var differences: [String] = []
        // The tables, and the text: a placeholder's figure or a section edited after publishing.
        for table in ["headline", "table2", "table3", "table4", "sections"] {
            compare(object[table], now[table], path: table, into: &differences)
        }
        return differences
    }

    private func compare(_ old: Any?, _ new: Any?, path: String, into differences: inout [String]) {
        switch (old, new) {
        case (let old as [String: Any], let new as [String: Any]):
            for key in Set(old.keys).union(new.keys).sorted() { compare(old[key], new[key], path: "\(path).\(key)", into: &differences) }
        case (let old as [Any], let new as [Any]) where old.count == new.count:
            for index in old.indices { compare(old[index], new[index], path: "\(path)[\(index)]", into: &differences) }
        default:
            let oldText = old.map { "\($0)" } ?? "—"
            let newText = new.map { "\($0)" } ?? "—"
            if oldText != newText { differences.append("\(path): \(oldText) → \(newText)") }
        }
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
