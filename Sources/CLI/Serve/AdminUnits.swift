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
        for summary in units {
            let parent = summary.unit.parent.map { "上级 \($0)" } ?? "本服务器的单位"
            let last = summary.lastSync.map { "最近网络同步 \(WallClock.format($0))" }
            let bundle = summary.lastBundle.map { "最近文件同步 \(WallClock.format($0))" }
            let syncs = [last, bundle].compactMap { $0 }.joined(separator: "  ")
            print("\(summary.unit.code)  \(TextRule.printable(summary.unit.name))  \(parent)  记录 \(summary.records) 条  \(syncs.isEmpty ? "从未同步" : syncs)")
        }
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
        abstract: "删除登记错了的村 (例如代码打错)。有记录、或还有有效令牌的单位不能删除。")

    static let examples = ["gongkai admin remove-unit --db town.sqlite --unit 64052210021   # 少打了一位的代码"]

    @OptionGroup var replica: ReplicaOptions
    @Option(help: ArgumentHelp("要删除的单位代码", valueName: "CODE")) var unit: String

    func run() throws {
        let removed = try replica.open().units.removeVillage(code: unit)
        print("已删除单位 \(removed.code) \(removed.name)")
    }
}
