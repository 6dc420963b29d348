import Foundation
import Records

/// Standard streams and whether a person sits at them.
enum Terminal {
    static var stdinIsInteractive: Bool { isatty(STDIN_FILENO) == 1 }
    static var stdoutIsInteractive: Bool { isatty(STDOUT_FILENO) == 1 }
    static var stderrIsInteractive: Bool { isatty(STDERR_FILENO) == 1 }

    /// A message; whatever in it came from records or files prints as what it is (`TextRule.printable`).
    static func error(_ text: String) {
        FileHandle.standardError.write(Data((TextRule.printable(text, lineBreaks: true) + "\n").utf8))
    }

    /// A line that replaces itself on a terminal (progress); nothing when stderr is not a
    /// terminal, unless `progress(_:asLines:)` is asked for lines (logs, scripts).
    static func progress(_ text: String, asLines: Bool = false) {
        if asLines && !stderrIsInteractive {
            FileHandle.standardError.write(Data("\(text)\n".utf8))
            return
        }
        guard stderrIsInteractive else { return }
        FileHandle.standardError.write(Data("\r\u{1B}[K\(text)".utf8))
    }

    static func endProgress() {
        guard stderrIsInteractive else { return }
        FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
    }

    static func prompt(_ text: String) -> String? {
        FileHandle.standardError.write(Data(text.utf8))
        return readLine(strippingNewline: true)
    }

    /// Columns a string takes in a terminal: CJK and full-width characters take two.
    static func displayWidth(_ text: String) -> Int {
        text.unicodeScalars.reduce(0) { width, scalar in
            let value = scalar.value
            let wide = (0x1100...0x115F).contains(value) || (0x2E80...0xA4CF).contains(value)
                || (0xAC00...0xD7A3).contains(value) || (0xF900...0xFAFF).contains(value)
                || (0xFE30...0xFE4F).contains(value) || (0xFF00...0xFF60).contains(value)
                || (0xFFE0...0xFFE6).contains(value) || (0x20000...0x3FFFD).contains(value)
            return width + (wide ? 2 : 1)
        }
    }

    static func padded(_ text: String, to width: Int) -> String {
        text + String(repeating: " ", count: max(0, width - displayWidth(text)))
    }

    /// Aligned columns with a header row; each cell one line, printable (`TextRule.printable`).
    static func table(header: [String], rows: [[String]]) -> String {
        let rows = rows.map { $0.map { TextRule.printable($0) } }
        var widths = header.map(displayWidth)
        for row in rows {
            for (index, cell) in row.enumerated() { widths[index] = max(widths[index], min(displayWidth(cell), 40)) }
        }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { index, cell in
                index == cells.count - 1 ? cell : padded(truncated(cell, 40), to: widths[index])
            }.joined(separator: "  ")
        }
        return ([line(header)] + rows.map(line)).joined(separator: "\n")
    }

    static func truncated(_ text: String, _ width: Int) -> String {
        let flat = text.replacingOccurrences(of: "\n", with: " ")
        guard displayWidth(flat) > width else { return flat }
        var result = ""
        for character in flat {
            if displayWidth(result + String(character)) > width - 1 { break }
            result.append(character)
        }
        return result + "…"
    }
}
