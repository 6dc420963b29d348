/// Why a sync exchange was refused as a whole. Each message says what happened and what to do.
public enum SyncRefused: Error, Sendable, Equatable, CustomStringConvertible {
    case protocolMismatch(server: Int, client: Int)
    case schemaMismatch(server: Int, client: Int)
    /// The sender declared a lower counter than it once did: a copy of a replica that moved on.
    case counterWentBack(site: SiteID, known: UInt64, declared: UInt64)
    case divergentHistory(DivergentHistory)
    case notAllowed(String)
    /// The sender names a site that another device's token owns.
    case siteTaken(site: SiteID)
    /// A push of more records, or more content, than one batch may hold.
    case batchTooLarge(records: Int, bytes: Int)
    /// The sender's replica is of another unit than the token's.
    case wrongUnit(token: String, sender: String)
    /// The token, or its unit, has pushed as much today as it may (`PushQuota`).
    case quotaExceeded(String)

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
        case .siteTaken(let site):
            "站点 \(site) 已属于另一台设备 (另一个令牌): 每台电脑只能用发给它自己的令牌同步。若这台电脑换了新令牌, "
                + "请乡镇先吊销原来的令牌 (gongkai admin revoke-token) 再同步; 若这份副本是从别的电脑复制来的, 请运行 gongkai reset-site"
        case .quotaExceeded(let message):
            message
        case .wrongUnit(let token, let sender):
            "此令牌属于单位 \(token), 但这台电脑的副本属于单位 \(sender); 请使用本单位的令牌"
        case .batchTooLarge(let records, let bytes):
            "一次推送最多 \(SyncLimits.maximumBatchRecords) 条记录、\(syncBatchByteBudget / 1_048_576) MB 内容 (这次 \(records) 条, "
                + "\(bytes / 1_048_576) MB); 请用 --batch-size 减小每批记录数, 或升级 gongkai"
        }
    }
}
