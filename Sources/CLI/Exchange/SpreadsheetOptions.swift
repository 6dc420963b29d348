import ArgumentParser
import Records

/// `--encoding` and `--headers` of what is written for spreadsheets (export, the report's CSV).
struct SpreadsheetOptions: ParsableArguments {
    @Option(help: ArgumentHelp("CSV 的编码: utf-8 (默认, 无 BOM), utf-8-bom (Excel 推荐) 或 gbk (Excel 的中文默认)",
                               valueName: "ENCODING")) var encoding: String = "utf-8"
    @Option(help: ArgumentHelp("列名: key (英文键, CSV 的默认) 或 zh (中文, xlsx 的默认)", valueName: "key|zh")) var headers: String?

    func textEncoding() throws -> TextEncoding { try Self.encoding(named: encoding) }

    /// An `--encoding` value, or the usage error that lists the names (import, export, report).
    static func encoding(named name: String) throws -> TextEncoding {
        guard let parsed = TextEncoding.parse(name) else { throw CLIError.usage("未知的编码 \"\(name)\"; 可用: \(TextEncoding.names)") }
        return parsed
    }

    /// Whether `--headers` asks for Chinese names; `byDefault` when it is not given.
    func chineseHeaders(byDefault: Bool = false) throws -> Bool {
        guard let headers else { return byDefault }
        switch headers.lowercased() {
        case "key", "en", "英文": return false
        case "zh", "cn", "中文": return true
        default: throw CLIError.usage("--headers 的值 \"\(headers)\" 无效; 可用: key, zh")
        }
    }

    /// CSV rows as bytes in `encoding`. In GBK, a character it cannot hold is an error that
    /// names its row and column (nothing written), rather than a garbled cell in Excel.
    static func csv(_ rows: [[String]], encoding: TextEncoding) throws -> [UInt8] {
        var writer = CSVWriter()
        for row in rows { writer.write(row) }
        if encoding == .gbk, TextEncoding.firstOutsideGBK(in: writer.output) != nil {
            for (index, row) in rows.enumerated() {
                for (column, field) in row.enumerated() {
                    guard let character = TextEncoding.firstOutsideGBK(in: field) else { continue }
                    throw CLIError.failure("第 \(index + 1) 行第 \(column + 1) 列的字符 \"\(character)\" 无法用 GBK 表示; 请改用 --encoding utf-8-bom (Excel 也能正确打开)")
                }
            }
        }
        return encoding.bytes(of: writer.output)
    }
}
