import Records
import SyncCore

/// Checks a record version that came from another replica before it may be merged: a known
/// kind, a well-formed id and unit, only the kind's fields, every value in canonical form (a
/// peer cannot slip in "2020-02-30"), and a version whose clock covers its own entries.
/// `plausible`: amounts held to their plausible maximum too (a server taking a push); a laptop
/// takes what its server holds.
public enum RemoteRecordCheck {
    public static func problem(with record: RemoteRecord, plausible: Bool) -> String? {
        guard let kind = RecordKind(rawValue: record.kind) else { return "未知的记录类别 \(record.kind)" }
        if let problem = RecordID.problem(with: record.id) { return problem }
        if let problem = UnitCode.problem(with: record.unit) { return problem }
        guard record.version.fields[deletedField] != nil else { return "缺少删除状态" }
        for (name, register) in record.version.fields {
            guard !register.isEmpty else { return "字段 \(name) 没有值" }
            if register.count > 1 {
                let sites = register.map(\.dot.site)
                guard Set(sites).count == sites.count else { return "字段 \(name) 有同一站点的多个值" }
            }
            for entry in register {
                guard record.version.clock.includes(entry.dot) else { return "字段 \(name) 的修改 \(entry.dot) 不在版本向量中" }
            }
            if name == deletedField {
                guard register.allSatisfy({ $0.value == "0" || $0.value == "1" }) else { return "删除状态的值无效" }
                continue
            }
            guard let field = kind.field(named: name) else { return "\(kind.label)没有字段 \(name)" }
            for entry in register {
                guard let value = entry.value else { continue }
                switch field.normalize(value, plausible: plausible) {
                case .success(value?): break
                case .failure(let problem) where field.plausibleMaximum != nil && field.normalize(value, plausible: false) == .success(value):
                    return "字段 \(name): \(problem.message)"
                default: return "字段 \(name) 的值 \"\(value.prefix(40))\" 无效"
                }
            }
        }
        return nil
    }
}
