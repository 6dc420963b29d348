/// One record of a CSV file: its fields and the line it starts on (1-based, header is line 1).
public struct CSVRecord: Sendable, Equatable {
    public let line: Int
    public let fields: [String]

    public init(line: Int, fields: [String]) {
        self.line = line
        self.fields = fields
    }
}

/// A structural problem of a CSV file at a line.
public struct CSVProblem: Error, Sendable, Equatable {
    public let line: Int
    public let message: String
}

/// Reads RFC 4180 CSV from UTF-8 bytes, one record at a time: quoted fields with `""` escapes
/// and line breaks, CRLF or LF line ends, a leading BOM. Strict: a stray quote is an error,
/// not a guess. Blank lines are skipped.
public struct CSVReader: Sequence, IteratorProtocol {
    /// No field of a disclosure record is anywhere near this; a larger one is a broken file.
    public static let maximumFieldBytes = 1_048_576

    private let bytes: [UInt8]
    private var position: Int
    private var line = 1
    private var finished = false
    /// `,`, or a tab for tab-separated text (Excel's "Unicode text", a copy from a sheet).
    private let separator: UInt8

    public init(bytes: [UInt8], separator: UInt8 = UInt8(ascii: ",")) {
        self.bytes = bytes
        self.separator = separator
        position = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
    }

    /// A tab when the first line has tabs and no commas outside quotes; else a comma.
    public static func separator(of bytes: [UInt8]) -> UInt8 {
        var tabs = 0, commas = 0, quoted = false
        for byte in bytes.prefix(65_536) {
            if byte == UInt8(ascii: "\"") { quoted.toggle() }
            if quoted { continue }
            if byte == 0x0A { break }
            if byte == 0x09 { tabs += 1 } else if byte == UInt8(ascii: ",") { commas += 1 }
        }
        return tabs > 0 && tabs > commas ? 0x09 : UInt8(ascii: ",")
    }

    /// The next record, or a problem. After a problem that leaves the rest of the file unreadable
    /// (an unclosed quote) the sequence ends.
    public mutating func next() -> Result<CSVRecord, CSVProblem>? {
        while !finished {
            guard position < bytes.count else { finished = true; return nil }
            let result = readRecord()
            switch result {
            case .success(let record) where record.fields.allSatisfy(\.isEmpty):
                continue // a blank line, or a row of empty cells left by a spreadsheet
            default:
                return result
            }
        }
        return nil
    }

    private mutating func readRecord() -> Result<CSVRecord, CSVProblem> {
        let startLine = line
        var fields: [String] = []
        var problem: CSVProblem?
        while true {
            let field = readField(recordLine: startLine)
            switch field {
            case .failure(let failure):
                if problem == nil { problem = failure }
                skipToEndOfLine()
                return .failure(problem!)
            case .success(let value):
                fields.append(value)
            }
            // After a field: a comma continues the record; a line end or the file's end closes it.
            guard position < bytes.count else { break }
            let byte = bytes[position]
            if byte == separator { position += 1; continue }
            if consumeLineEnd() { break }
        }
        return .success(CSVRecord(line: startLine, fields: fields))
    }

    private mutating func readField(recordLine: Int) -> Result<String, CSVProblem> {
        if position < bytes.count, bytes[position] == UInt8(ascii: "\"") {
            return readQuotedField()
        }
        let start = position
        while position < bytes.count {
            let byte = bytes[position]
            if byte == separator || byte == 0x0A || byte == 0x0D { break }
            if byte == UInt8(ascii: "\"") {
                return .failure(CSVProblem(line: line, message: "字段中间出现了引号; 含引号的字段要整体用双引号括起来, 其中的引号写成两个 (\"\")"))
            }
            position += 1
        }
        return text(start..<position)
    }

    private mutating func readQuotedField() -> Result<String, CSVProblem> {
        let openingLine = line
        position += 1
        var value: [UInt8] = []
        while position < bytes.count {
            let byte = bytes[position]
            if byte == UInt8(ascii: "\"") {
                if position + 1 < bytes.count, bytes[position + 1] == UInt8(ascii: "\"") {
                    value.append(byte)
                    position += 2
                    continue
                }
                position += 1
                if position < bytes.count {
                    let after = bytes[position]
                    if after != separator, after != 0x0A, after != 0x0D {
                        return .failure(CSVProblem(line: line, message: "引号结束后还有字符; 字段内的引号要写成两个 (\"\")"))
                    }
                }
                return decode(value)
            }
            if byte == 0x0A { line += 1 }
            value.append(byte)
            if value.count > CSVReader.maximumFieldBytes { return tooLarge() }
            position += 1
        }
        finished = true
        return .failure(CSVProblem(line: openingLine, message: "引号没有闭合 (从这一行开始直到文件结尾); 请检查这一行的双引号"))
    }

    private func text(_ range: Range<Int>) -> Result<String, CSVProblem> {
        if range.count > CSVReader.maximumFieldBytes { return tooLarge() }
        return decode(bytes[range])
    }

    private func decode(_ value: some Collection<UInt8>) -> Result<String, CSVProblem> {
        // `String(validating:)` is not specialised for buffers (a generic-metadata lookup per
        // cell); decoding repairs what is not UTF-8 with U+FFFD, so valid text is the text whose
        // bytes come back unchanged, and ASCII always does.
        let checked = value.withContiguousStorageIfAvailable { buffer -> String? in
            let string = String(decoding: buffer, as: UTF8.self)
            return buffer.allSatisfy({ $0 < 0x80 }) || string.utf8.elementsEqual(buffer) ? string : nil
        } ?? String(validating: value, as: UTF8.self)
        guard let string = checked else {
            return .failure(CSVProblem(line: line, message: "不是 UTF-8 编码的文字; 若文件由 Excel 以 GBK 保存, 请加 --encoding gbk, 或另存为 \"CSV UTF-8\""))
        }
        return .success(string)
    }

    private func tooLarge() -> Result<String, CSVProblem> {
        .failure(CSVProblem(line: line, message: "字段超过 \(CSVReader.maximumFieldBytes / 1024) KB; 文件可能已损坏或引号未配对"))
    }

    private mutating func consumeLineEnd() -> Bool {
        guard position < bytes.count else { return false }
        if bytes[position] == 0x0D {
            position += 1
            if position < bytes.count, bytes[position] == 0x0A { position += 1 }
            line += 1
            return true
        }
        if bytes[position] == 0x0A {
            position += 1
            line += 1
            return true
        }
        return false
    }

    private mutating func skipToEndOfLine() {
        while position < bytes.count, bytes[position] != 0x0A, bytes[position] != 0x0D { position += 1 }
        _ = consumeLineEnd()
    }
}
