import Foundation
import ZIPFoundation

/// What is wrong with a workbook file, said for the user.
public struct WorkbookProblem: Error, Equatable, Sendable, CustomStringConvertible {
    public let message: String
    public init(message: String) { self.message = message }
    public var description: String { message }
}

/// An `.xlsx` workbook read from its bytes: the sheets' names, and any sheet's cells.
/// The container is ZIPFoundation's; each part's XML is read with `XMLScanner`.
public struct Workbook: Sendable {
    /// No part of a workbook is allowed to unpack to more than this (a ledger of a village's
    /// ten years is a few megabytes; a "zip bomb" is gigabytes).
    public static let maximumPartBytes = 256 << 20

    public let sheetNames: [String]
    /// Sheets hidden in the workbook (never chosen as "the first sheet").
    let hiddenSheets: Set<String>
    private let sheetPaths: [String: String]
    private let parts: [String: [UInt8]]
    private let sharedStrings: [String]
    private let dateStyles: Set<Int>
    let date1904: Bool

    /// `maximumPartBytes`: the most any one part may unpack to (lowered by tests).
    public init(data: Data, maximumPartBytes: Int = Workbook.maximumPartBytes) throws(WorkbookProblem) {
        if data.starts(with: [0xD0, 0xCF, 0x11, 0xE0]) {
            throw WorkbookProblem(message: "这是旧的 .xls 格式; 请在 Excel 或 WPS 中 \"另存为\" .xlsx 工作簿后再导入")
        }
        guard data.starts(with: [0x50, 0x4B]) else {
            throw WorkbookProblem(message: "不是 .xlsx 工作簿 (不是 ZIP 文件); 若是 CSV, 请把文件名改为 .csv")
        }
        let parts = try Workbook.parts(of: data, limit: maximumPartBytes)
        func part(_ path: String) -> [UInt8]? { parts[path.lowercased()] }
        guard let workbookXML = part("xl/workbook.xml") else {
            throw WorkbookProblem(message: "工作簿里没有 xl/workbook.xml; 它不是 Excel 工作簿, 请在 Excel 或 WPS 中另存为 .xlsx")
        }
        let relationships = try Workbook.relationships(part("xl/_rels/workbook.xml.rels") ?? [])
        let listed = try Workbook.sheets(workbookXML)
        var names: [String] = [], paths: [String: String] = [:], hidden: Set<String> = []
        for sheet in listed.sheets {
            guard let target = relationships[sheet.relationship] else { continue }
            names.append(sheet.name)
            paths[sheet.name] = Workbook.resolve(target)
            if sheet.hidden { hidden.insert(sheet.name) }
        }
        guard !names.isEmpty else { throw WorkbookProblem(message: "工作簿里没有工作表") }
        sheetNames = names
        hiddenSheets = hidden
        sheetPaths = paths
        self.parts = parts
        date1904 = listed.date1904
        sharedStrings = try Workbook.sharedStrings(part("xl/sharedStrings.xml") ?? [])
        dateStyles = try Workbook.dateStyles(part("xl/styles.xml") ?? [])
    }

    /// The sheet named `name`, or the first one not hidden.
    public func sheet(named name: String? = nil) throws(WorkbookProblem) -> Sheet {
        let chosen: String
        if let name {
            guard sheetNames.contains(name) else {
                throw WorkbookProblem(message: "工作簿里没有名为 \"\(name)\" 的工作表; 有: \(sheetNames.joined(separator: ", "))")
            }
            chosen = name
        } else {
            chosen = sheetNames.first { !hiddenSheets.contains($0) } ?? sheetNames[0]
        }
        guard let path = sheetPaths[chosen], let xml = parts[path.lowercased()] else {
            throw WorkbookProblem(message: "工作表 \"\(chosen)\" 的内容不在工作簿里; 请在 Excel 或 WPS 中重新保存")
        }
        return try SheetParser(name: chosen, sharedStrings: sharedStrings, dateStyles: dateStyles, date1904: date1904).parse(xml)
    }

    /// The parts this reader uses, unpacked, by lower-cased path. Read from a temporary copy on
    /// disk (see `OfficePackage.zip` for why not from memory).
    private static func parts(of data: Data, limit: Int) throws(WorkbookProblem) -> [String: [UInt8]] {
        let read: Result<[String: [UInt8]], WorkbookProblem>
        do {
            read = try OfficePackage.withTemporaryFile { url in
                try data.write(to: url)
                let archive: Archive
                do {
                    archive = try Archive(url: url, accessMode: .read)
                } catch {
                    return .failure(WorkbookProblem(message: "工作簿已损坏, 无法打开 (ZIP 目录不完整); 请在 Excel 或 WPS 中重新保存"))
                }
                var parts: [String: [UInt8]] = [:]
                for entry in archive where entry.type == .file && Workbook.isPartWeRead(entry.path) {
                    switch Result(catching: { () throws(WorkbookProblem) in try Workbook.unpack(entry, from: archive, limit: limit) }) {
                    case .success(let bytes): parts[entry.path.lowercased()] = bytes
                    case .failure(let problem): return .failure(problem)
                    }
                }
                return .success(parts)
            }
        } catch {
            throw WorkbookProblem(message: "工作簿无法读取: 临时文件写不进去 (\(error.localizedDescription)); 请检查磁盘空间")
        }
        return try read.get()
    }

    private static func isPartWeRead(_ path: String) -> Bool {
        let lowered = path.lowercased()
        return lowered == "xl/workbook.xml" || lowered == "xl/_rels/workbook.xml.rels" || lowered == "xl/sharedstrings.xml"
            || lowered == "xl/styles.xml" || (lowered.hasPrefix("xl/worksheets/") && lowered.hasSuffix(".xml"))
    }

    private static func unpack(_ entry: Entry, from archive: Archive, limit: Int) throws(WorkbookProblem) -> [UInt8] {
        struct TooLarge: Error {}
        var bytes: [UInt8] = []
        do {
            _ = try archive.extract(entry) { chunk in
                guard bytes.count + chunk.count <= limit else { throw TooLarge() }
                bytes.append(contentsOf: chunk)
            }
        } catch is TooLarge {
            throw WorkbookProblem(message: "工作簿的 \(entry.path) 解开后超过 \(max(1, limit >> 20)) MB; 这不是正常的台账文件")
        } catch {
            throw WorkbookProblem(message: "工作簿已损坏, \(entry.path) 无法解开; 请在 Excel 或 WPS 中重新保存")
        }
        return bytes
    }

    /// `worksheets/sheet1.xml` (relative to `xl/`) or `/xl/worksheets/sheet1.xml` to the part's path.
    static func resolve(_ target: String) -> String {
        if target.hasPrefix("/") { return String(target.dropFirst()) }
        var components = ["xl"]
        for component in target.split(separator: "/") {
            if component == ".." { _ = components.popLast() } else if component != "." { components.append(String(component)) }
        }
        return components.joined(separator: "/")
    }

    static func scan(_ bytes: [UInt8], part: String, _ handle: (XMLScanner.Event) throws(WorkbookProblem) -> Void) throws(WorkbookProblem) {
        var scanner = XMLScanner(bytes: bytes)
        while true {
            let event: XMLScanner.Event?
            do {
                event = try scanner.next()
            } catch {
                throw WorkbookProblem(message: "工作簿的 \(part) 不是有效的 XML (第 \(error.offset) 字节: \(error.message)); 请在 Excel 或 WPS 中重新保存")
            }
            guard let event else { return }
            try handle(event)
        }
    }

    private static func relationships(_ bytes: [UInt8]) throws(WorkbookProblem) -> [String: String] {
        var targets: [String: String] = [:]
        try scan(bytes, part: "xl/_rels/workbook.xml.rels") { event in
            if case .start("Relationship", let attributes) = event, let id = attributes["Id"], let target = attributes["Target"] {
                targets[id] = target
            }
        }
        return targets
    }

    private static func sheets(_ bytes: [UInt8]) throws(WorkbookProblem) -> (sheets: [(name: String, relationship: String, hidden: Bool)], date1904: Bool) {
        var sheets: [(name: String, relationship: String, hidden: Bool)] = []
        var date1904 = false
        try scan(bytes, part: "xl/workbook.xml") { event in
            guard case .start(let name, let attributes) = event else { return }
            if name == "workbookPr", let value = attributes["date1904"] { date1904 = value == "1" || value.lowercased() == "true" }
            if name == "sheet", let sheetName = attributes["name"], let relationship = attributes["id"] {
                sheets.append((sheetName, relationship, attributes["state"].map { $0 != "visible" } ?? false))
            }
        }
        return (sheets, date1904)
    }

    /// Each `<si>`'s text: its `<t>`, or its runs' `<t>`s joined; phonetic runs (`<rPh>`) left out.
    private static func sharedStrings(_ bytes: [UInt8]) throws(WorkbookProblem) -> [String] {
        var strings: [String] = []
        var current: String?
        var inText = false, inPhonetic = false
        try scan(bytes, part: "xl/sharedStrings.xml") { event in
            switch event {
            case .start("si", _): current = ""
            case .end("si"): strings.append(current ?? ""); current = nil
            case .start("rPh", _): inPhonetic = true
            case .end("rPh"): inPhonetic = false
            case .start("t", _): inText = true
            case .end("t"): inText = false
            case .text(let text) where inText && !inPhonetic: current?.append(text)
            default: break
            }
        }
        return strings
    }

    /// Indexes of the cell formats (`cellXfs`) that show a date.
    private static func dateStyles(_ bytes: [UInt8]) throws(WorkbookProblem) -> Set<Int> {
        var codes: [Int: String] = [:]
        var formats: [Int] = []
        var inCellFormats = false
        try scan(bytes, part: "xl/styles.xml") { event in
            switch event {
            case .start("numFmt", let attributes):
                if let id = attributes["numFmtId"].flatMap(Int.init), let code = attributes["formatCode"] { codes[id] = code }
            case .start("cellXfs", _): inCellFormats = true
            case .end("cellXfs"): inCellFormats = false
            case .start("xf", let attributes) where inCellFormats:
                formats.append(attributes["numFmtId"].flatMap(Int.init) ?? 0)
            default: break
            }
        }
        return Set(formats.indices.filter { ExcelDates.isDateFormat(id: formats[$0], code: codes[formats[$0]]) })
    }
}
