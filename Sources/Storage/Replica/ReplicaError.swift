import RecordRules
import Records
import SyncCore

/// Everything the replica refuses or cannot do, each with a message that says what is wrong
/// and how to fix it. The CLI prints `description` as is.
public enum ReplicaError: Error, Sendable, Equatable, CustomStringConvertible {

    case missing(path: String)
    case alreadyExists(path: String)
    case notAReplica(path: String)
    case corrupt(path: String, detail: String)
    case newerSchema(path: String, found: Int, supported: Int)
    case readOnly(path: String)
    case diskFull(path: String)
    case busy(path: String)
    case cannotOpen(path: String, detail: String)
    case invalidUnit(String)
    case unitExists(code: String)
    case unitOutOfScope(code: String, replicaUnit: String)
    case notATownship(unit: String)
    case unknownParent(code: String, own: String)
    case rejectedRows([RowProblem])
    /// An import tried with `dryRun`: what it would have done, nothing written (not a failure).
    case importNotWritten(ImportSummary)
    case invalidRecord(kind: RecordKind, id: String, problems: [FieldProblem])
    case notFound(kind: RecordKind, id: String)
    case idExists(kind: RecordKind, id: String)
    case idBelongsToOtherUnit(kind: RecordKind, id: String, unit: String)
    case ambiguousID(kind: RecordKind, typed: String)
    case deleted(kind: RecordKind, id: String)
    case alreadyPublished(year: Int, at: Int64)
    case cannotRemoveUnit(code: String, reason: String)
    case cannotMoveUnit(code: String, reason: String)
    case noConflict(kind: RecordKind, id: String, field: String)
    case unknownUnit(code: String)
    case unknownToken
    case ambiguousTokenID(String)
    /// The replica's change counter cannot go on (a file poisoned by a release before the
    /// counter limits).
    case counterExhausted(path: String)
    case internalFailure(String)

    public var description: String {
        switch self {
        case .missing(let path):
            "找不到副本文件 \(path); 先运行 gongkai init --unit 代码 --name 名称 创建, 或用 --db 指定已有的副本"
        case .alreadyExists(let path):
            "\(path) 已存在; gongkai init 不会覆盖已有的文件。要新建副本请用 --db 指定另一个路径"
        case .notAReplica(let path):
            "\(path) 不是 gongkai 副本文件; 请检查 --db 或 GONGKAI_DB 指向的路径"
        case .corrupt(let path, let detail):
            "副本文件 \(path) 已损坏 (\(detail)); 文件未作任何改动。请从备份恢复, 或新建副本后从乡镇服务器同步"
        case .newerSchema(let path, let found, let supported):
            "副本 \(path) 的数据结构版本为 \(found), 由更新版本的 gongkai 创建; 本程序只支持到版本 \(supported)。请升级 gongkai"
        case .readOnly(let path):
            "副本文件 \(path) 或其所在的文件夹是只读的, 无法使用; 请检查权限 (需要可写), 或把它复制到可写的位置 (如从光盘或写保护的 U 盘复制出来)"
        case .diskFull(let path):
            "磁盘已满: \(DiskSpace.describe(path)) 没有空间了, 无法写入 \(path); 本次操作未保存任何内容, 原有数据都在。"
                + "请清理这个磁盘 (删除不需要的文件, 或把文件移到别的盘) 后重试; 查看、导出等只读的命令仍可使用"
        case .busy(let path):
            "副本 \(path) 正被另一个 gongkai 进程写入; 请等它结束后重试"
        case .cannotOpen(let path, let detail):
            "无法打开副本文件 \(path): \(detail)"
        case .invalidUnit(let message):
            message
        case .unitExists(let code):
            "单位 \(code) 已存在"
        case .unitOutOfScope(let code, let replicaUnit):
            "单位 \(code) 不属于本副本 (\(replicaUnit)) 的范围; 村级副本只能记录本村; 乡镇副本可先用 gongkai unit add 登记本镇的村"
        case .unknownParent(let code, let own):
            "上级 \(code) 不是本数据库登记的单位; 上级须是 \(own) 本身或已登记在它下面的单位 (先登记上级, 再登记下级)"
        case .notATownship(let unit):
            "本副本属于村 \(unit), 不能登记其他单位; 只有乡镇副本 (init --township) 可以登记下属的村"
        case .importNotWritten(let summary):
            "试导入: 新增 \(summary.created), 更新 \(summary.updated), 未变 \(summary.unchanged); 没有写入任何内容"
        case .rejectedRows(let problems):
            problems.map(\.description).joined(separator: "\n")
        case .invalidRecord(let kind, let id, let problems):
            "\(kind.label) \(id): " + problems.map(\.message).joined(separator: "; ")
        case .notFound(let kind, let id):
            "没有 id 为 \(id) 的\(kind.label); 用 gongkai \(kind.singular) list 查看已有记录"
        case .idExists(let kind, let id):
            "id \(id) 的\(kind.label)已存在; 修改请用 gongkai \(kind.singular) edit \(id)"
        case .idBelongsToOtherUnit(let kind, let id, let unit):
            RecordIntake.otherUnit(kind: kind, id: id, unit: unit)
        case .cannotRemoveUnit(let code, let reason):
            "不能删除单位 \(code): \(reason)"
        case .cannotMoveUnit(let code, let reason):
            "不能移动单位 \(code): \(reason)"
        case .alreadyPublished(let year, let at):
            "\(year) 年的报告已于 \(ChinaTime.day(at)) 发布, 发布后不再改动; 若确需更正, 用 --supersede --reason \"原因\" 发布新版本 (旧版本仍保留)"
        case .deleted(let kind, let id):
            "\(kind.label) \(id) 已删除; 要修改, 先用 gongkai \(kind.singular) restore \(id) 恢复"
        case .ambiguousID(let kind, let typed):
            "编号 \(typed) 在多个单位都有\(kind.label); 请写全 id (单位代码:\(typed)), 用 gongkai \(kind.singular) list 查看"
        case .noConflict(let kind, let id, let field):
            "\(kind.label) \(id) 的字段 \(field) 没有冲突; 用 gongkai conflicts 查看未解决的冲突"
        case .unknownUnit(let code):
            "没有单位 \(code); 先用 gongkai admin add-unit 登记"
        case .unknownToken:
            DeviceToken.unknownMessage
        case .ambiguousTokenID(let id):
            DeviceToken.ambiguousMessage(id: id)
        case .counterExhausted(let path):
            "\(path) 的修改计数已到上限, 无法再记录修改 (它曾从旧版服务器收到异常的计数); 请运行 gongkai reset-site 换一个新的站点 id, 已同步的记录都会保留"
        case .internalFailure(let detail):
            "内部错误: \(detail); 副本未作改动。请将此信息报告给开发者"
        }
    }
}

extension ReplicaError: StoreFailure {
    public var isTransient: Bool {
        if case .busy = self { return true }
        return false
    }

    public var isDiskFull: Bool {
        if case .diskFull = self { return true }
        return false
    }
}
