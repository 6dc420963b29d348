import Foundation
import ZIPFoundation

/// A workbook whose parts may be far larger than memory allows, for the tests that hold hostile
/// files to a memory ceiling: each part is a prefix, a unit repeated, and a suffix, produced a
/// chunk at a time as ZIPFoundation compresses it (a sheet of 250 MB of the same row is a few
/// hundred kilobytes zipped).
public struct GeneratedWorkbook {
    public struct Part: Sendable {
        public let path: String
        let prefix: [UInt8]
        let unit: [UInt8]
        let count: Int
        let suffix: [UInt8]

        public init(_ path: String, prefix: String, unit: String = "", count: Int = 0, suffix: String = "") {
            self.path = path
            self.prefix = Array(prefix.utf8)
            self.unit = Array(unit.utf8)
            self.count = count
            self.suffix = Array(suffix.utf8)
        }

        var size: Int { prefix.count + unit.count * count + suffix.count }

        /// The part's bytes from `offset`, `length` of them.
        func bytes(at offset: Int, length: Int) -> Data {
            var out = Data(capacity: length)
            var position = offset
            let end = offset + length
            while position < end {
                if position < prefix.count {
                    let take = min(end, prefix.count) - position
                    out.append(contentsOf: prefix[position..<(position + take)])
                    position += take
                } else if position < prefix.count + unit.count * count {
                    let within = (position - prefix.count) % unit.count
                    let take = min(unit.count - within, end - position)
                    out.append(contentsOf: unit[within..<(within + take)])
                    position += take
                } else {
                    let start = position - prefix.count - unit.count * count
                    let take = min(suffix.count - start, end - position)
                    out.append(contentsOf: suffix[start..<(start + take)])
                    position += take
                }
            }
            return out
        }
    }

    /// A worksheet part: its head, `count` times `rows`, its tail.
    public static func sheet(_ index: Int, head: String, rows: String, count: Int) -> Part {
        Part("xl/worksheets/sheet\(index).xml",
             prefix: "<?xml version=\"1.0\" encoding=\"UTF-8\"?><worksheet xmlns=\"\(WorkbookBuilder.main)\"><sheetData>\(head)",
             unit: rows, count: count, suffix: "</sheetData></worksheet>")
    }

    /// `sheets` sheets named 表1, 表2, … (with parts `xl/worksheets/sheetN.xml` among `parts`),
    /// and the package's other parts; `sharedStrings` when given.
    public static func write(to url: URL, sheets: Int, parts: [Part], sharedStrings: Part? = nil) throws {
        try? FileManager.default.removeItem(at: url)
        let archive = try Archive(url: url, accessMode: .create)
        let list = (1...sheets).map { "<sheet name=\"表\($0)\" sheetId=\"\($0)\" r:id=\"rId\($0)\"/>" }.joined()
        let relationships = (1...sheets).map {
            "<Relationship Id=\"rId\($0)\" Type=\"\(WorkbookBuilder.relationshipsNamespace)/worksheet\" Target=\"worksheets/sheet\($0).xml\"/>"
        }.joined() + "<Relationship Id=\"rIdS\" Type=\"\(WorkbookBuilder.relationshipsNamespace)/sharedStrings\" Target=\"sharedStrings.xml\"/>"
        var all = [
            Part("[Content_Types].xml", prefix: "<?xml version=\"1.0\"?><Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">"
                 + "<Default Extension=\"xml\" ContentType=\"application/xml\"/></Types>"),
            Part("xl/workbook.xml", prefix: "<?xml version=\"1.0\"?><workbook xmlns=\"\(WorkbookBuilder.main)\" xmlns:r=\"\(WorkbookBuilder.relationshipsNamespace)\">"
                 + "<sheets>\(list)</sheets></workbook>"),
            Part("xl/_rels/workbook.xml.rels", prefix: "<?xml version=\"1.0\"?><Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
                 + relationships + "</Relationships>"),
        ] + parts
        if let sharedStrings { all.append(sharedStrings) }
        for part in all {
            try archive.addEntry(with: part.path, type: .file, uncompressedSize: Int64(part.size), compressionMethod: .deflate,
                                 bufferSize: 1 << 20) { position, size in
                part.bytes(at: Int(position), length: size)
            }
        }
    }
}
