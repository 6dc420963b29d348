import ArgumentParser
import Records
import Storage
import SyncCore

struct StatusCommand: ParsableCommand, ExampleProviding {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "显示副本状态: 记录数, 待推送的更改, 未解决的冲突, 上次同步。"
    )

    static let examples = [
        "gongkai status",
        "gongkai status --json   # 供脚本读取",
    ]

    @OptionGroup var replica: ReplicaOptions

    @Flag(help: "输出 JSON")
    var json = false

    func run() throws {
        let opened = try replica.open()
        let status = try opened.syncing.status()
        let clashes = try opened.records.numberClashes()
        if json {
            print(StatusFormatter.json(status, numberClashes: clashes.count).rendered())
        } else {
            print(StatusFormatter.text(status, path: opened.path, numberClashes: clashes.count))
        }
    }
}

enum StatusFormatter {
    static func json(_ status: ReplicaStatus, numberClashes: Int = 0) -> JSONValue {
        .object([
            ("unit", .string(status.identity.unit.code)),
            ("site", .string(status.identity.site)),
            ("pending_changes", .integer(status.pendingChanges)),
            ("open_conflicts", .integer(status.openConflicts)),
            ("last_sync", status.lastSync.map { .string(WallClock.iso($0)) } ?? .null),
            ("unit_name", .string(status.identity.unit.name)),
            ("township", .bool(status.identity.unit.isTownship)),
            ("device", .string(status.identity.deviceName)),
            ("schema_version", .integer(status.schemaVersion)),
            ("last_sync_converged", status.lastSyncConverged.map(JSONValue.bool) ?? .null),
            ("last_bundle", status.lastBundle.map { .string(WallClock.iso($0)) } ?? .null),
            ("last_bundle_converged", status.lastBundleConverged.map(JSONValue.bool) ?? .null),
            ("server", .optionalString(status.serverURL)),
            ("rejected", .array(status.rejections.map { rejection in
                .object([("kind", .string(rejection.kind)), ("id", .string(rejection.id)), ("reason", .string(rejection.reason)),
                         ("refused_at", .string(WallClock.iso(rejection.refusedAt)))])
            })),
            ("records", .object(RecordKind.allCases.map { ($0.rawValue, .integer(status.records[$0] ?? 0)) })),
            ("deleted", .object(RecordKind.allCases.map { ($0.rawValue, .integer(status.deleted[$0] ?? 0)) })),
            ("number_clashes", .integer(numberClashes)),
        ])
    }

    static func text(_ status: ReplicaStatus, path: String, numberClashes: Int = 0) -> String {
        let unit = status.identity.unit
        var lines = [
            "副本: \(path)",
            "单位: \(unit.code) \(TextRule.printable(unit.name))" + (unit.isTownship ? " (乡镇)" : unit.parent.map { " (上级 \($0))" } ?? ""),
            "站点: \(status.identity.site) (设备 \(status.identity.deviceName))",
        ]
        let counts = RecordKind.allCases.compactMap { kind -> String? in
            let count = status.records[kind] ?? 0
            return count > 0 ? "\(kind.label) \(count)" : nil
        }
        lines.append("记录: " + (counts.isEmpty ? "暂无" : counts.joined(separator: ", ")))
        let deleted = status.deleted.values.reduce(0, +)
        if deleted > 0 { lines.append("已删除 (可恢复): \(deleted)") }
        lines.append("待推送的更改: \(status.pendingChanges)")
        lines.append("未解决的冲突: \(status.openConflicts)")
        if numberClashes > 0 { lines.append("同一编号的两条不同记录: \(numberClashes) (都已保留; gongkai conflicts 查看, 给其中一条换编号)") }
        var last = status.lastSync.map(WallClock.format) ?? "从未同步"
        if let converged = status.lastSyncConverged { last += converged ? " (与服务器一致)" : " (与服务器不一致, 请再同步一次)" }
        lines.append("上次同步: " + last)
        if let bundle = status.lastBundle {
            lines.append("上次用文件同步: \(WallClock.format(bundle))" + (status.lastBundleConverged == true ? " (与上级一致)" : " (之后仍有未交换的修改)"))
        }
        if let server = status.serverURL { lines.append("服务器: \(server)") }
        if !status.rejections.isEmpty {
            let awaiting = status.rejections.filter { Refusal.isAwaitingOwner(reason: $0.reason) }.count
            lines.append(awaiting == status.rejections.count ? "暂存在服务器上、等本单位另一台电脑同步后合并的记录 (\(awaiting)):"
                         : "服务器拒收的记录 (\(status.rejections.count)\(awaiting > 0 ? ", 其中 \(awaiting) 条暂存待合并" : "")):")
            for rejection in status.rejections {
                let kind = RecordKind(rawValue: rejection.kind)
                lines.append("  \(kind?.label ?? rejection.kind) \(TextRule.printable(rejection.id)): \(TextRule.printable(rejection.reason))")
                if let kind { lines.append("    解决: \(SyncOutcome.wayOut(kind, id: rejection.id, reason: rejection.reason))") }
            }
        }
        return lines.joined(separator: "\n")
    }
}
