import Foundation
import ArgumentParser
import RecordRules
import Records
import Storage

struct AdminListUnits: ParsableCommand, ExampleProviding {
    static let configuration = CommandConfiguration(
        commandName: "list-units", abstract: "列出服务器登记的单位: 代码、名称、上级、记录数、最近网络同步和文件同步。")

    static let examples = [
        "gongkai admin list-units --db town.sqlite", "gongkai admin list-units --db town.sqlite --json",
        "gongkai admin list-units --store postgresql://gongkai@db.county/gongkai   # 县级平台",
    ]

    @OptionGroup var server: ServerStoreOptions
    @Flag(help: "以 JSON 输出, 供脚本读取") var json = false

    func run() throws {
        let opened = try server.open()
        defer { try? opened.close() }
        let units = try opened.unitSummaries()
        if json { return print(JSONValue.array(units.map(Self.json)).rendered()) }
        print(Terminal.table(header: ["代码", "名称", "上级", "记录", "最近网络同步", "最近文件同步"], rows: units.map { summary in
            [summary.unit.code, TextRule.printable(summary.unit.name), summary.unit.parent ?? "(本服务器的单位)", String(summary.records),
             summary.lastSync.map(WallClock.format)
                ?? (summary.unit.parent == nil ? "— (本服务器)" : summary.lastBundle == nil ? "从未同步" : "— (只用文件同步)"),
             summary.lastBundle.map(WallClock.format) ?? "—"]
        }))
    }

    static func json(_ summary: UnitSummary) -> JSONValue {
        .object([
            ("code", .string(summary.unit.code)),
            ("name", .string(summary.unit.name)),
            ("parent", summary.unit.parent.map(JSONValue.string) ?? .null),
            ("records", .number(String(summary.records))),
            ("last_sync", summary.lastSync.map { .string(WallClock.iso($0)) } ?? .null),
            ("last_bundle", summary.lastBundle.map { .string(WallClock.iso($0)) } ?? .null),
        ])
    }
}

struct AdminRemoveUnit: ParsableCommand, ExampleProviding {
    static let configuration = CommandConfiguration(
        commandName: "remove-unit",
        abstract: "删除登记错了的单位 (例如代码打错, 或被别的乡镇占用的代码)。有记录的单位须用 --records-to 先把记录存到一个目录; 还有有效令牌或下级单位的不能删除。")

    static let examples = [
        "gongkai admin remove-unit --db town.sqlite --unit 64052210021   # 少打了一位的代码",
        "gongkai admin remove-unit --store postgresql://gongkai@db.county/gongkai --unit 640522101201 --records-to 已删除的记录/640522101201",
    ]

    @OptionGroup var server: ServerStoreOptions
    @Option(help: ArgumentHelp("要删除的单位代码", valueName: "CODE")) var unit: String
    @Option(name: .customLong("records-to"), help: ArgumentHelp("单位有记录时: 先把它的记录按类别写成 CSV 存到这个 (新) 目录, 再连同记录删除单位", valueName: "DIR"))
    var recordsTo: String?

    func run() throws {
        let opened = try server.open()
        defer { try? opened.close() }
        if let recordsTo {
            let (rows, deleted) = try opened.recordRows(of: unit)
            try UnitRecordsFolder.write(rows, to: recordsTo)
            let kept = rows.values.reduce(0) { $0 + $1.count }
            Terminal.error("已把单位 \(unit) 的 \(kept) 条记录存到 \(recordsTo) (可用 gongkai import 类别 文件 导回)" + (deleted > 0 ? "; 另有 \(deleted) 条已删除的记录不再保留" : ""))
        }
        let removed = try opened.removeUnit(code: unit, withRecords: recordsTo != nil)
        print("已删除单位 \(removed.code) \(TextRule.printable(removed.name))")
    }
}

struct AdminMoveUnit: ParsableCommand, ExampleProviding {
    static let configuration = CommandConfiguration(
        commandName: "move-unit",
        abstract: "把一个单位 (连同其下级) 移到另一个上级之下, 例如登记在错的乡镇下的村。它的记录会重新进入同步, 新上级的服务器下次同步时取得。")

    static let examples = [
        "gongkai admin move-unit --store postgresql://gongkai@db.county/gongkai --unit 640522101201 --parent 640522101000",
        "gongkai admin move-unit --db county.sqlite --unit 640522101201 --parent 640522101000",
    ]

    @OptionGroup var server: ServerStoreOptions
    @Option(help: ArgumentHelp("要移动的单位代码", valueName: "CODE")) var unit: String
    @Option(help: ArgumentHelp("新的上级单位代码", valueName: "CODE")) var parent: String

    func run() throws {
        let opened = try server.open()
        defer { try? opened.close() }
        let (moved, records) = try opened.moveUnit(code: unit, under: parent, now: WallClock.now())
        print("已把单位 \(moved.code) \(TextRule.printable(moved.name)) 移到 \(parent) 之下; \(records) 条记录将随新上级的下次同步送出")
    }
}

/// A removed unit's records kept in a folder, a CSV file a kind (`notices.csv`, …) that
/// `gongkai import` takes back.
enum UnitRecordsFolder {
    static func write(_ rows: [RecordKind: [[String]]], to folder: String) throws {
        guard !FileManager.default.fileExists(atPath: folder) else {
            throw CLIError.failure("\(folder) 已经存在; 请给一个新的目录, 记录会写在里面")
        }
        try PrivateFile.makeFolder(folder)
        for (kind, rows) in rows.sorted(by: { $0.key.rawValue < $1.key.rawValue }) {
            let bytes = try SpreadsheetOptions.csv([kind.csvColumns] + rows, encoding: .utf8)
            try PrivateFile.create((folder as NSString).appendingPathComponent("\(kind.rawValue).csv"), bytes: bytes)
        }
    }
}
