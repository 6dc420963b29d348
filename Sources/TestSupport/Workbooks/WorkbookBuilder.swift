import Foundation
import ZIPFoundation

/// `.xlsx` files built part by part for tests: the XML of each part as a program that saved it
/// would write it, zipped with ZIPFoundation. Not a writer for users: it writes what it is given.
public struct WorkbookBuilder {
    public struct SheetPart {
        public let name: String
        public let xml: String
        public let hidden: Bool
        public init(name: String, xml: String, hidden: Bool = false) {
            self.name = name
            self.xml = xml
            self.hidden = hidden
        }
    }

    public var sheets: [SheetPart]
    public var sharedStrings: [String]?
    /// The whole `xl/sharedStrings.xml`, when a test needs runs or phonetic text in it.
    public var sharedStringsXML: String?
    public var stylesXML: String?
    public var date1904 = false
    /// Attributes the producer puts on `<workbook>` (namespaces, `mc:Ignorable`).
    public var workbookAttributes = ""

    public init(sheets: [SheetPart], sharedStrings: [String]? = nil, stylesXML: String? = nil) {
        self.sheets = sheets
        self.sharedStrings = sharedStrings
        self.stylesXML = stylesXML
    }

    public static let main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    public static let relationshipsNamespace = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"

    /// A worksheet part around `rows` (the `<row>` elements).
    public static func worksheet(_ rows: String, extraNamespaces: String = "") -> String {
        """
        <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
        <worksheet xmlns="\(main)" xmlns:r="\(relationshipsNamespace)"\(extraNamespaces)><sheetData>\(rows)</sheetData></worksheet>
        """
    }

    /// Text escaped for XML.
    public static func escaped(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }

    public func data() throws -> Data {
        var parts: [(String, String)] = []
        let sheetList = sheets.enumerated().map { index, sheet in
            "<sheet name=\"\(WorkbookBuilder.escaped(sheet.name))\" sheetId=\"\(index + 1)\"\(sheet.hidden ? " state=\"hidden\"" : "") r:id=\"rId\(index + 1)\"/>"
        }.joined()
        parts.append(("xl/workbook.xml", """
            <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
            <workbook xmlns="\(WorkbookBuilder.main)" xmlns:r="\(WorkbookBuilder.relationshipsNamespace)"\(workbookAttributes)>\
            <workbookPr\(date1904 ? " date1904=\"1\"" : "")/><sheets>\(sheetList)</sheets></workbook>
            """))
        var relationships = sheets.indices.map {
            "<Relationship Id=\"rId\($0 + 1)\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet\" Target=\"worksheets/sheet\($0 + 1).xml\"/>"
        }
        relationships.append("<Relationship Id=\"rIdS\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings\" Target=\"sharedStrings.xml\"/>")
        relationships.append("<Relationship Id=\"rIdY\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles\" Target=\"styles.xml\"/>")
        parts.append(("xl/_rels/workbook.xml.rels", """
            <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
            <Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">\(relationships.joined())</Relationships>
            """))
        for (index, sheet) in sheets.enumerated() { parts.append(("xl/worksheets/sheet\(index + 1).xml", sheet.xml)) }
        if let sharedStringsXML {
            parts.append(("xl/sharedStrings.xml", sharedStringsXML))
        } else if let sharedStrings {
            let items = sharedStrings.map { "<si><t xml:space=\"preserve\">\(WorkbookBuilder.escaped($0))</t></si>" }.joined()
            parts.append(("xl/sharedStrings.xml", """
                <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
                <sst xmlns="\(WorkbookBuilder.main)" count="\(sharedStrings.count)" uniqueCount="\(sharedStrings.count)">\(items)</sst>
                """))
        }
        if let stylesXML { parts.append(("xl/styles.xml", stylesXML)) }
        parts.append(("[Content_Types].xml", """
            <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
            <Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">\
            <Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>\
            <Default Extension="xml" ContentType="application/xml"/></Types>
            """))
        // Through a file: ZIPFoundation's in-memory archive can crash (see OfficePackage.zip).
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("gongkai-builder-\(UUID().uuidString).zip")
        defer { try? FileManager.default.removeItem(at: url) }
        let archive = try Archive(url: url, accessMode: .create)
        for (path, text) in parts {
            let bytes = Data(text.utf8)
            try archive.addEntry(with: path, type: .file, uncompressedSize: Int64(bytes.count), compressionMethod: .deflate) { position, size in
                bytes.subdata(in: Int(position)..<(Int(position) + size))
            }
        }
        return try Data(contentsOf: url)
    }
}
