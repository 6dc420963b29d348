import Records

/// A written section's Markdown as blocks, for every renderer that lays it out itself: headings
/// (`###`, `####`), paragraphs whose lines stay lines as typed, and **bold** runs.
public enum ProseBlock: Sendable, Equatable {
    /// A run of text, bold or not.
    public struct Run: Sendable, Equatable {
        public let text: String
        public let bold: Bool

        public init(text: String, bold: Bool = false) {
            self.text = text
            self.bold = bold
        }
    }

    /// Level 3 or 4 (deeper headings are drawn as 4).
    case heading(level: Int, runs: [Run])
    /// Each line's runs.
    case paragraph(lines: [[Run]])

    public static func parse(_ markdown: String) -> [ProseBlock] {
        var blocks: [ProseBlock] = []
        var paragraph: [[Run]] = []
        func flush() {
            if !paragraph.isEmpty { blocks.append(.paragraph(lines: paragraph)) }
            paragraph = []
        }
        for line in markdown.split(separator: "\n", omittingEmptySubsequences: false).map({ String($0).trimmingSpaces() }) {
            if line.isEmpty { flush(); continue }
            let hashes = line.prefix { $0 == "#" }.count
            if hashes > 0, line.dropFirst(hashes).first == " " {
                flush()
                blocks.append(.heading(level: min(4, max(3, hashes)), runs: runs(String(line.dropFirst(hashes + 1)))))
            } else {
                paragraph.append(runs(line))
            }
        }
        flush()
        return blocks
    }

    /// `**` toggles bold; an unclosed one runs to the end of the line.
    static func runs(_ text: String) -> [Run] {
        var runs: [Run] = []
        var bold = false
        var rest = Substring(text)
        while let range = rest.range(of: "**") {
            runs.append(Run(text: String(rest[..<range.lowerBound]), bold: bold))
            bold.toggle()
            rest = rest[range.upperBound...]
        }
        runs.append(Run(text: String(rest), bold: bold))
        return runs.filter { !$0.text.isEmpty || runs.count == 1 }
    }
}
