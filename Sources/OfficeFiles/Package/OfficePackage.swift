import Foundation
import ZIPFoundation

/// An Office Open XML package (`.xlsx`, `.docx`): its parts zipped with ZIPFoundation. Every
/// entry carries one fixed time, so the same content always gives the same bytes.
enum OfficePackage {
    static let fixedDate = Date(timeIntervalSince1970: 1_577_836_800)
    static let declaration = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
    static let officeRelationships = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    static let packageRelationships = "http://schemas.openxmlformats.org/package/2006/relationships"

    /// `[Content_Types].xml`: XML and relationship parts by extension, and each named part's type.
    static func contentTypes(_ overrides: [(part: String, type: String)]) -> (path: String, xml: String) {
        ("[Content_Types].xml", declaration + "<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">"
            + "<Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>"
            + "<Default Extension=\"xml\" ContentType=\"application/xml\"/>"
            + overrides.map { "<Override PartName=\"/\($0.part)\" ContentType=\"application/vnd.openxmlformats-officedocument.\($0.type)\"/>" }.joined()
            + "</Types>")
    }

    /// `_rels/.rels`: where the package's main part is.
    static func rootRelationships(main: String) -> (path: String, xml: String) {
        ("_rels/.rels", declaration + "<Relationships xmlns=\"\(packageRelationships)\">"
            + "<Relationship Id=\"rId1\" Type=\"\(officeRelationships)/officeDocument\" Target=\"\(main)\"/></Relationships>")
    }

    /// The parts zipped. Written through a temporary file: ZIPFoundation's in-memory archive
    /// crashes reading past its end (`Archive.MemoryFile.readData`, found by
    /// `WorkbookFuzzTests`), where a file on disk only reads short.
    static func zip(_ parts: [(path: String, xml: String)]) throws -> Data {
        try withTemporaryFile { url in
            let archive = try Archive(url: url, accessMode: .create)
            for (path, text) in parts {
                let bytes = Data(text.utf8)
                try archive.addEntry(with: path, type: .file, uncompressedSize: Int64(bytes.count), modificationDate: fixedDate,
                                     compressionMethod: .deflate) { position, size in
                    bytes.subdata(in: Int(position)..<(Int(position) + size))
                }
            }
            return try Data(contentsOf: url)
        }
    }

    /// Runs `body` with the URL of a file in the temporary folder that does not exist yet, and
    /// removes the file afterwards.
    static func withTemporaryFile<Result>(_ body: (URL) throws -> Result) throws -> Result {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("gongkai-\(UUID().uuidString).zip")
        defer { try? FileManager.default.removeItem(at: url) }
        return try body(url)
    }

    /// Text escaped for XML content and attribute values; what XML 1.0 cannot hold at all (C0
    /// controls but a tab and line breaks, U+FFFE, U+FFFF) is left out, so that text stored
    /// before `TextRule`, or from elsewhere, never makes a file an office cannot open.
    static func escaped(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case _ where scalar.value < 0x20 && scalar != "\t" && scalar != "\n" && scalar != "\r": continue
            case "\u{FFFE}", "\u{FFFF}": continue
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "\r": out += "&#13;"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}
