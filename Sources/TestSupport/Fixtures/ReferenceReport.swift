import Foundation

/// The real published report in ../shared/reference/, and how tests read a report's text.
public enum ReferenceReport {
    /// `../shared/reference/xian-town-2020-annual-report.md`, beside the repository.
    public static let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("shared/reference/xian-town-2020-annual-report.md").path
}

/// The labelled rows of a report in Markdown: (label, numbers) for every line that carries
/// numbers, whether the line is a pipe-table row (ours) or tab-separated (the reference).
public func numberedRows(_ text: Substring) -> [(label: String, numbers: [String])] {
    text.split(separator: "\n").compactMap { line in
        let cells = (line.contains("|") ? line.split(separator: "|") : line.split(separator: "\t"))
            .map { normalizeLabel(String($0)) }.filter { !$0.isEmpty && $0 != "---" }
        let numbers = cells.filter { $0.range(of: #"^-?[0-9.]+(元)?$"#, options: .regularExpression) != nil }.map { $0.replacingOccurrences(of: "元", with: "") }
        guard !numbers.isEmpty else { return nil }
        let label = cells.last { $0.range(of: #"^-?[0-9.]+(元)?$"#, options: .regularExpression) == nil } ?? ""
        return (label, numbers)
    }
}

/// Labels compared as printed, ignoring bracket and comma width, spaces and Markdown emphasis.
public func normalizeLabel(_ text: String) -> String {
    var out = ""
    for character in text {
        switch character {
        case "(": out += "（"
        case ")": out += "）"
        case ",": out += "，"
        case " ", "\t", "*", "#": continue
        default: out.append(character)
        }
    }
    return out
}

/// The text between two section headings (or to the end).
public func section(_ text: String, from heading: String, to next: String?) -> Substring {
    let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
    guard let start = lines.firstIndex(where: { $0.hasPrefix("#") && normalizeLabel(String($0)).hasPrefix(heading) }) else { return "" }
    let end = next.flatMap { next in lines[(start + 1)...].firstIndex { $0.hasPrefix("#") && normalizeLabel(String($0)).hasPrefix(next) } } ?? lines.endIndex
    return Substring(lines[(start + 1)..<end].joined(separator: "\n"))
}
