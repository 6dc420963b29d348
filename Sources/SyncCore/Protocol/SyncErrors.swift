/// Why a sync exchange was refused as a whole. Each message says what happened and what to do.
public enum SyncRefused: Error, Sendable, Equatable, CustomStringConvertible {
    case protocolMismatch(server: Int, client: Int)
    case schemaMismatch(server: Int, client: Int)
    /// The sender declared a lower counter than it once did: a copy of a replica that moved on.
    case counterWentBack(site: SiteID, known: UInt64, declared: UInt64)
    case divergentHistory(DivergentHistory)
    case notAllowed(String)

    public var description: String {
        switch self {
        case .protocolMismatch(let server, let client):
            "服务器的同步协议版本为 \(server), 这台电脑为 \(client); 请升级\(client < server ? "这台电脑" : "服务器")上的 gongkai"
        case .schemaMismatch(let server, let client):
            "服务器的数据结构版本为 \(server), 这台电脑为 \(client); 请升级\(client < server ? "这台电脑" : "服务器")上的 gongkai"
        case .counterWentBack(let site, let known, let declared):
            "站点 \(site) 的修改计数倒退了 (已见到 \(known), 现在只有 \(declared)): 这份副本是复制的, 或是从备份恢复的。"
                + "为避免混淆两份副本的修改, 同步已拒绝; 请在这份副本上运行 gongkai reset-site 换一个新的站点 id 后再同步"
        case .divergentHistory(let history):
            history.description
        case .notAllowed(let message):
            message
        }
    }
}
