import Foundation
import ZIPFoundation

/// What is wrong with a workbook file, said for the user.
public struct WorkbookProblem: Error, Equatable, Sendable, CustomStringConvertible {
    public let message: String
    public init(message: String) { self.message = message }
    public var description: String { message }
}

/// An `.xlsx` workbook read from its bytes: the sheets' names, and any sheet's rows.
/// The container is ZIPFoundation's; each part's XML is read with `XMLScanner`.
///
/// Only what is needed is unpacked, and never more than the limits below, whatever the file
/// says of itself: the workbook's list of sheets, its relationships, styles and shared strings
/// when it is opened, and the one sheet imported, streamed a chunk at a time as it is unpacked
/// and read row by row (`forEachRow`). The other sheets are never unpacked.
public struct Workbook: Sendable {
    /// What a workbook may hold: a ledger of a village's ten years is a few megabytes; a file
    /// past these is a "zip bomb" or not a ledger, and is refused saying which limit it passed.
    public struct Limits: Sendable {
        /// The file itself.
        public var fileBytes = 64 << 20
        /// `xl/workbook.xml`, its relationships, `xl/styles.xml`, each unpacked.
        public var smallPartBytes = 16 << 20
        /// `xl/sharedStrings.xml` unpacked, and how many strings it may hold.
        public var sharedStringsBytes = 32 << 20
        public var sharedStrings = 2_000_000
        /// The sheet read, unpacked (streamed: it is never held whole).
        public var sheetBytes = 256 << 20
        /// Everything unpacked, together.
        public var totalBytes = 320 << 20

        public init() {}

        /// Every part held to `bytes` at most (tests lower it).
        public init(partBytes bytes: Int) {
            smallPartBytes = min(smallPartBytes, bytes)
            sharedStringsBytes = min(sharedStringsBytes, bytes)
            sheetBytes = min(sheetBytes, bytes)
        }
    }

    public let sheetNames: [String]
    /// Sheets hidden in the workbook (never chosen as "the first sheet").
    let hiddenSheets: Set<String>
    private let sheetPaths: [String: String]
    private let data: Data
    private let limits: Limits
    /// What opening unpacked, which the sheet read counts against the total.
    private let unpackedAtOpening: Int
    private let sharedStrings: [String]
    private let dateStyles: Set<Int>
    let date1904: Bool

    /// `maximumPartBytes`: the most any one part may unpack to (lowered by tests).
    public init(data: Data, maximumPartBytes: Int? = nil) throws(WorkbookProblem) {
        try self.init(data: data, limits: maximumPartBytes.map { Limits(partBytes: $0) } ?? Limits())
    }

    public init(data: Data, limits: Limits) throws(WorkbookProblem) {
        if data.starts(with: [0xD0, 0xCF, 0x11, 0xE0]) {
            throw WorkbookProblem(message: "这是旧的 .xls 格式; 请在 Excel 或 WPS 中 \"另存为\" .xlsx 工作簿后再导入")
        }
        guard data.starts(with: [0x50, 0x4B]) else {
            throw WorkbookProblem(message: "不是 .xlsx 工作簿 (不是 ZIP 文件); 若是 CSV, 请把文件名改为 .csv")
        }
        guard data.count <= limits.fileBytes else {
            throw WorkbookProblem(message: "工作簿文件超过 \(limits.fileBytes >> 20) MB; 这不是正常的台账文件, 请分成几个文件导入")
        }
        var unpacked = 0
        var workbookXML: [UInt8]?, relationshipsXML: [UInt8] = [], stylesXML: [UInt8] = [], strings: [String] = []
        try Workbook.withArchive(data) { archive throws(WorkbookProblem) in
            for entry in archive where entry.type == .file {
                switch entry.path.lowercased() {
                case "xl/workbook.xml": workbookXML = try Workbook.unpack(entry, from: archive, limit: limits.smallPartBytes, counted: &unpacked, limits: limits)
                case "xl/_rels/workbook.xml.rels":
                    relationshipsXML = try Workbook.unpack(entry, from: archive, limit: limits.smallPartBytes, counted: &unpacked, limits: limits)
                case "xl/styles.xml": stylesXML = try Workbook.unpack(entry, from: archive, limit: limits.smallPartBytes, counted: &unpacked, limits: limits)
                case "xl/sharedstrings.xml": strings = try Workbook.sharedStrings(entry, from: archive, counted: &unpacked, limits: limits)
                default: break
                }
            }
        }
        guard let workbookXML else {
            throw WorkbookProblem(message: "工作簿里没有 xl/workbook.xml; 它不是 Excel 工作簿, 请在 Excel 或 WPS 中另存为 .xlsx")
        }
        let relationships = try Workbook.relationships(relationshipsXML)
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
        self.data = data
        self.limits = limits
        unpackedAtOpening = unpacked
        date1904 = listed.date1904
        sharedStrings = strings
        dateStyles = try Workbook.dateStyles(stylesXML)
    }

    /// The name of the sheet `name` asks for, or of the first one not hidden.
    public func chosenSheet(_ name: String? = nil) throws(WorkbookProblem) -> String {
        if let name {
            guard sheetNames.contains(name) else {
                throw WorkbookProblem(message: "工作簿里没有名为 \"\(name)\" 的工作表; 有: \(sheetNames.joined(separator: ", "))")
            }
            return name
        }
        return sheetNames.first { !hiddenSheets.contains($0) } ?? sheetNames[0]
    }

    /// The sheet named `name`, or the first one not hidden, whole.
    public func sheet(named name: String? = nil) throws(WorkbookProblem) -> Sheet {
        var rows: [Sheet.Row] = []
        let chosen = try forEachRow(ofSheet: name) { row throws(WorkbookProblem) in rows.append(row) }
        return Sheet(name: chosen, rows: rows)
    }

    /// Each row of the sheet `name` (or the first one not hidden) that holds something, in order,
    /// as it is unpacked and read: the sheet is never held whole. Returns the sheet's name.
    @discardableResult
    public func forEachRow(ofSheet name: String? = nil, _ body: (Sheet.Row) throws(WorkbookProblem) -> Void) throws(WorkbookProblem) -> String {
        try scanRows(ofSheet: name, body).name
    }

    /// As `forEachRow`, and the sheet's merged blocks (listed after its rows in the file).
    public func scanRows(ofSheet name: String? = nil, _ body: (Sheet.Row) throws(WorkbookProblem) -> Void) throws(WorkbookProblem) -> (name: String, merged: [MergedCells]) {
        let chosen = try chosenSheet(name)
        let missing = WorkbookProblem(message: "工作表 \"\(chosen)\" 的内容不在工作簿里; 请在 Excel 或 WPS 中重新保存")
        guard let path = sheetPaths[chosen] else { throw missing }
        var parser = SheetParser(name: chosen, sharedStrings: sharedStrings, dateStyles: dateStyles, date1904: date1904)
        var unpacked = unpackedAtOpening
        try Workbook.withArchive(data) { archive throws(WorkbookProblem) in
            guard let entry = archive.first(where: { $0.type == .file && $0.path.lowercased() == path.lowercased() }) else { throw missing }
            try Workbook.stream(entry, from: archive, limit: limits.sheetBytes, counted: &unpacked, limits: limits) { chunk throws(WorkbookProblem) in
                try parser.feed(chunk, row: body)
            }
        }
        try parser.finish(row: body)
        return (chosen, parser.merged)
    }

    /// The archive of `data`, open for `body`. Read from a temporary copy on disk (see
    /// `OfficePackage.zip` for why not from memory).
    private static func withArchive(_ data: Data, _ body: (Archive) throws(WorkbookProblem) -> Void) throws(WorkbookProblem) {
        let outcome: Result<Void, WorkbookProblem>
        do {
            outcome = try OfficePackage.withTemporaryFile { url in
                try data.write(to: url)
                let archive: Archive
                do {
                    archive = try Archive(url: url, accessMode: .read)
                } catch {
                    return .failure(WorkbookProblem(message: "工作簿已损坏, 无法打开 (ZIP 目录不完整); 请在 Excel 或 WPS 中重新保存"))
                }
                return Result { () throws(WorkbookProblem) in try body(archive) }
            }
        } catch {
            throw WorkbookProblem(message: "工作簿无法读取: 临时文件写不进去 (\(error.localizedDescription)); 请检查磁盘空间")
        }
        try outcome.get()
    }

    /// An entry's bytes as they are unpacked, a chunk at a time, to `consume`; refused past
    /// `limit`, or past the limit of everything unpacked (`counted` so far).
    private static func stream(_ entry: Entry, from archive: Archive, limit: Int, counted: inout Int, limits: Limits,
                               _ consume: (Data) throws(WorkbookProblem) -> Void) throws(WorkbookProblem) {
        struct TooLarge: Error { let total: Bool }
        struct Consumer: Error { let problem: WorkbookProblem }
        var bytes = 0
        var total = counted
        do {
            _ = try archive.extract(entry, skipCRC32: false) { chunk in
                bytes += chunk.count
                total += chunk.count
                guard bytes <= limit else { throw TooLarge(total: false) }
                guard total <= limits.totalBytes else { throw TooLarge(total: true) }
                do throws(WorkbookProblem) { try consume(chunk) } catch { throw Consumer(problem: error) }
            }
        } catch let tooLarge as TooLarge {
            throw WorkbookProblem(message: tooLarge.total
                                  ? "工作簿解开后总共超过 \(limits.totalBytes >> 20) MB; 这不是正常的台账文件"
                                  : "工作簿的 \(entry.path) 解开后超过 \(max(1, limit >> 20)) MB; 这不是正常的台账文件")
        } catch let consumer as Consumer {
            throw consumer.problem
        } catch {
            throw WorkbookProblem(message: "工作簿已损坏, \(entry.path) 无法解开; 请在 Excel 或 WPS 中重新保存")
        }
        counted = total
    }

    private static func unpack(_ entry: Entry, from archive: Archive, limit: Int, counted: inout Int, limits: Limits) throws(WorkbookProblem) -> [UInt8] {
        var bytes: [UInt8] = []
        try stream(entry, from: archive, limit: limit, counted: &counted, limits: limits) { chunk in bytes.append(contentsOf: chunk) }
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
    /// Streamed as the part is unpacked: its XML is never held whole.
    private static func sharedStrings(_ entry: Entry, from archive: Archive, counted: inout Int, limits: Limits) throws(WorkbookProblem) -> [String] {
        var strings: [String] = []
        var current: String?
        var inText = false, inPhonetic = false
        var scanner = XMLScanner.streaming()
        func drain() throws(WorkbookProblem) {
            while true {
                let event: XMLScanner.Event?
                do {
                    event = try scanner.nextAvailable()
                } catch {
                    throw WorkbookProblem(message: "工作簿的 xl/sharedStrings.xml 不是有效的 XML (第 \(error.offset) 字节: \(error.message)); 请在 Excel 或 WPS 中重新保存")
                }
                guard let event else { return }
                switch event {
                case .start("si", _): current = ""
                case .end("si"):
                    guard strings.count < limits.sharedStrings else {
                        throw WorkbookProblem(message: "工作簿的共享文字超过 \(limits.sharedStrings) 条; 这不是正常的台账文件")
                    }
                    strings.append(current ?? "")
                    current = nil
                case .start("rPh", _): inPhonetic = true
                case .end("rPh"): inPhonetic = false
                case .start("t", _): inText = true
                case .end("t"): inText = false
                case .text(let text) where inText && !inPhonetic: current?.append(text)
                default: break
                }
            }
        }
        try stream(entry, from: archive, limit: limits.sharedStringsBytes, counted: &counted, limits: limits) { chunk throws(WorkbookProblem) in
            scanner.append(chunk)
            try drain()
        }
        scanner.finish()
        try drain()
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
