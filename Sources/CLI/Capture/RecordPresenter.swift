import Records
import Storage
import SyncCore

/// How records read at a terminal: enumerations by their Chinese labels, dates as typed.
enum RecordPresenter {
    static func table(_ records: [StoredRecord], fields: [String]) -> String {
        guard let kind = records.first?.kind else { return "(没有记录)" }
        let specs = fields.compactMap(kind.field(named:))
        let header = ["id"] + specs.map(\.label) + (records.contains(where: \.isDeleted) ? ["状态"] : [])
        let rows = records.map { record in
            [record.id] + specs.map { spec in record.values[spec.name].map(spec.display) ?? "" }
                + (header.last == "状态" ? [record.isDeleted ? "已删除" : ""] : [])
        }
        return Terminal.table(header: header, rows: rows)
    }

    static func detail(_ record: StoredRecord) -> String {
        let kind = record.kind
        var lines = ["\(kind.label) \(record.id)" + (record.isDeleted ? " (已删除)" : "")]
        var rows: [(String, String)] = [("单位", record.unit)]
        for field in kind.fields {
            rows.append((field.label, record.values[field.name].map { TextRule.printable(field.display($0), lineBreaks: true) } ?? "—"))
        }
        let latest = record.version.fields.values.flatMap(\.entries).max { $0.dot < $1.dot }
        if let latest {
            rows.append(("最后修改", "\(WallClock.format(latest.writtenAt)) (站点 \(latest.dot.site))"))
        }
        rows.append(("版本", record.version.clock.encoded))
        let width = rows.map { Terminal.displayWidth($0.0) }.max() ?? 0
        lines += rows.map { "  " + Terminal.padded($0.0, to: width) + "  " + $0.1.replacingOccurrences(of: "\n", with: "\n    ") }
        for name in record.version.conflictedFields {
            let label = kind.field(named: name)?.label ?? (name == deletedField ? "删除状态" : name)
            let register = record.version.fields[name]!
            lines.append("  冲突: \(label) 有 \(register.entries.count) 个并发的值:")
            for entry in register.entries.reversed() {
                let value = entry.value.map { TextRule.printable(kind.field(named: name)?.display($0) ?? $0) } ?? "(空)"
                lines.append("    \(value)  — 站点 \(entry.dot.site), \(WallClock.format(entry.writtenAt))")
            }
        }
        return lines.joined(separator: "\n")
    }
}
