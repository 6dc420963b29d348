import ArgumentParser
import Records
import Storage
import SyncCore

struct ConflictsCommand: ParsableCommand, ExampleProviding {
    static let configuration = CommandConfiguration(
        commandName: "conflicts",
        abstract: "并发修改产生的冲突: 列出、查看双方的值、选定一个值解决。",
        discussion: """
        两台电脑在不同步的情况下修改了同一条记录的同一个字段, 同步后两个值都会保留:
        一个作为现值 (所有副本上都一样), 另一个作为冲突等人处理。解决冲突就是一次新的修改,
        同步后各副本都会采用。
        """,
        subcommands: [ConflictsList.self, ConflictsShow.self, ConflictsResolve.self],
        defaultSubcommand: ConflictsList.self
    )

    static let examples = [
        "gongkai conflicts",
        "gongkai conflicts show notice ntc-0123456789abcdef",
        "gongkai conflicts resolve notice ntc-0123456789abcdef --field title --choose 2",
    ]
}

/// The field as users name it: the deleted-field is "deleted".
func conflictFieldName(_ field: String) -> String { field == deletedField ? "deleted" : field }

func conflictFieldLabel(_ kind: RecordKind, _ field: String) -> String {
    field == deletedField ? "删除状态" : kind.field(named: field)?.label ?? field
}

/// A value as people read it: enumeration labels, and 保留/删除 for the deleted-field.
func conflictValueText(_ kind: RecordKind, _ field: String, _ value: String?) -> String {
    if field == deletedField { return value == "1" ? "删除" : "保留" }
    guard let value else { return "(空)" }
    return TextRule.printable(kind.field(named: field)?.display(value) ?? value)
}

struct ConflictsList: ParsableCommand, ExampleProviding {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "列出未解决的冲突。")
    static let examples = ["gongkai conflicts list", "gongkai conflicts --json"]

    @OptionGroup var replica: ReplicaOptions
    @Flag(help: "输出 JSON: 每个冲突有 kind, id, field, value (现值) 和 losing_values") var json = false

    func run() throws {
        let records = try replica.open().records
        let conflicts = try records.conflicts()
        if json {
            print(JSONValue.array(conflicts.map(ConflictsList.json)).rendered())
            return
        }
        let clashes = try records.numberClashes()
        if !clashes.isEmpty {
            print("同一编号的两条不同记录 (两台电脑各自编了同一个号; 两条都已保留、都计入报告):")
            print(Terminal.table(header: ["类别", "编号", "另一条现在的 id", "给它换编号"], rows: clashes.map { clash in
                [clash.kind.singular, Self.typed(clash.clashedID), clash.id, "gongkai \(clash.kind.singular) rename \(clash.id) 新编号"]
            }))
            print("")
        }
        guard !conflicts.isEmpty else {
            print(clashes.isEmpty ? "没有未解决的冲突" : "没有字段冲突")
            return
        }
        print(Terminal.table(header: ["类别", "id", "字段", "现值", "其他值"], rows: conflicts.map { conflict in
            [conflict.kind.singular, conflict.id, conflictFieldLabel(conflict.kind, conflict.field),
             conflictValueText(conflict.kind, conflict.field, conflict.standing.value),
             conflict.losing.map { conflictValueText(conflict.kind, conflict.field, $0.value) }.joined(separator: " | ")]
        }))
        print("共 \(conflicts.count) 处冲突; 用 gongkai conflicts show 类别 id 查看详情")
    }

    /// An id as the ledger numbers it (`640522100201:2021-007` → `2021-007`).
    static func typed(_ id: String) -> String {
        id.split(separator: ":", maxSplits: 1).last.map(String.init) ?? id
    }

    static func json(_ conflict: FieldConflict) -> JSONValue {
        func value(_ text: String?) -> JSONValue {
            if conflict.field == deletedField { return .bool(text == "1") }
            return .optionalString(text)
        }
        return .object([
            ("kind", .string(conflict.kind.rawValue)),
            ("id", .string(conflict.id)),
            ("field", .string(conflictFieldName(conflict.field))),
            ("value", value(conflict.standing.value)),
            ("losing_values", .array(conflict.losing.map { value($0.value) })),
            ("unit", .string(conflict.unit)),
        ])
    }
}

struct ConflictsShow: ParsableCommand, ExampleProviding {
    static let configuration = CommandConfiguration(commandName: "show", abstract: "显示一条记录的冲突: 每个值, 谁写的, 何时写的。")
    static let examples = ["gongkai conflicts show request req-0123456789abcdef"]

    @Argument(help: ArgumentHelp("记录类别 (notice, request, …)", valueName: "KIND")) var kind: String
    @Argument(help: ArgumentHelp("记录 id", valueName: "ID")) var id: String
    @OptionGroup var replica: ReplicaOptions

    func run() throws {
        let kind = try KindArgument.any(kind)
        let opened = try replica.open()
        let id = try opened.records.resolvedID(kind, typed: self.id)
        let conflicts = try opened.records.conflicts().filter { $0.kind == kind && $0.id == id }
        guard !conflicts.isEmpty else {
            print("\(kind.label) \(id) 没有未解决的冲突")
            return
        }
        let sites = try opened.records.siteNames()
        for conflict in conflicts {
            print(ConflictsShow.describe(conflict, sites: sites))
        }
        print("解决: gongkai conflicts resolve \(kind.singular) \(id) --field 字段 --choose 编号 (或 --value 新值)")
    }

    static func describe(_ conflict: FieldConflict, sites: [String: SiteName]) -> String {
        var lines = ["\(conflict.kind.label) \(conflict.id) · \(conflictFieldLabel(conflict.kind, conflict.field)) (\(conflictFieldName(conflict.field))):"]
        for (index, entry) in ([conflict.standing] + conflict.losing).enumerated() {
            let who = sites[entry.dot.site.rawValue].map { "\($0.deviceName) (\($0.unit), 站点 \($0.site))" } ?? "站点 \(entry.dot.site)"
            let marker = index == 0 ? "  ← 现值" : ""
            lines.append("  \(index + 1). \(conflictValueText(conflict.kind, conflict.field, entry.value))\(marker)")
            lines.append("     由 \(who) 于 \(WallClock.format(entry.writtenAt)) 写入")
        }
        return lines.joined(separator: "\n")
    }
}

struct ConflictsResolve: ParsableCommand, ExampleProviding {
    static let configuration = CommandConfiguration(
        commandName: "resolve", abstract: "解决一个冲突: 选定其中一个值, 或输入新值。这是一次新的修改, 会同步到各副本。")
    static let examples = [
        "gongkai conflicts resolve notice ntc-0123456789abcdef --field title --choose 2",
        "gongkai conflicts resolve request req-0123456789abcdef --field outcome --value 予以公开",
        "gongkai conflicts resolve notice ntc-0123456789abcdef --field deleted --choose 1   # 删除与修改冲突",
    ]

    @Argument(help: ArgumentHelp("记录类别", valueName: "KIND")) var kind: String
    @Argument(help: ArgumentHelp("记录 id", valueName: "ID")) var id: String
    @OptionGroup var replica: ReplicaOptions
    @Option(help: ArgumentHelp("有冲突的字段; 只有一个冲突时可省略", valueName: "FIELD")) var field: String?
    @Option(help: ArgumentHelp("选定 conflicts show 列出的第几个值", valueName: "N")) var choose: Int?
    @Option(help: ArgumentHelp("改用一个新值", valueName: "VALUE")) var value: String?

    func run() throws {
        let kind = try KindArgument.any(kind)
        let opened = try replica.open()
        let id = try opened.records.resolvedID(kind, typed: self.id)
        let open = try opened.records.conflicts().filter { $0.kind == kind && $0.id == id }
        guard !open.isEmpty else { throw CLIError.failure("\(kind.label) \(id) 没有未解决的冲突; 用 gongkai conflicts 查看") }
        let conflict: FieldConflict
        if let field {
            // The key (title, deleted) or the label `conflicts show` prints (标题, 删除状态).
            let typed = field.trimmingSpaces()
            guard let match = open.first(where: { conflictFieldName($0.field) == typed.lowercased() || conflictFieldLabel(kind, $0.field) == typed }) else {
                throw CLIError.usage("字段 \(field) 没有冲突; 有冲突的字段: \(open.map { "\(conflictFieldLabel(kind, $0.field)) (\(conflictFieldName($0.field)))" }.joined(separator: ", "))")
            }
            conflict = match
        } else if open.count == 1 {
            conflict = open[0]
        } else {
            throw CLIError.usage("这条记录有多个冲突字段, 请用 --field 指定: \(open.map { conflictFieldName($0.field) }.joined(separator: ", "))")
        }
        let options = [conflict.standing] + conflict.losing
        var chosen: String?
        switch (choose, value) {
        case (let number?, nil):
            guard (1...options.count).contains(number) else { throw CLIError.usage("--choose 应在 1 到 \(options.count) 之间") }
            chosen = options[number - 1].value
        case (nil, let text?):
            chosen = conflict.field == deletedField ? (["1", "删除", "deleted", "true"].contains(text) ? "1" : "0") : text
        case (nil, nil):
            guard Terminal.stdinIsInteractive else { throw CLIError.usage("请用 --choose 编号 或 --value 新值 指定保留哪个值") }
            print(ConflictsShow.describe(conflict, sites: try opened.records.siteNames()))
            guard let answer = Terminal.prompt("保留第几个值 (1-\(options.count)): "), let number = Int(answer.trimmingSpaces()),
                  (1...options.count).contains(number) else { throw CLIError.usage("没有选定值, 冲突未解决") }
            chosen = options[number - 1].value
        default:
            throw CLIError.usage("--choose 和 --value 只能用一个")
        }
        _ = try opened.records.resolveConflict(kind, id: id, field: conflict.field, value: chosen, now: WallClock.now())
        print("已解决 \(kind.label) \(id) 的\(conflictFieldLabel(kind, conflict.field))冲突: \(conflictValueText(kind, conflict.field, chosen))")
    }
}
