import Records
import SyncCore

/// How much one device token, and one unit, may push into a server in a day (China's day):
/// records taken (a record resent unchanged costs nothing) and their bytes of content. A push
/// that would pass either is refused whole, saying which limit and how it is raised; a server's
/// administrator sets another limit for a token or a unit (`admin set-quota`).
public struct PushQuota: Sendable, Equatable {
    public let records: Int
    public let bytes: Int

    public init(records: Int, bytes: Int) {
        self.records = records
        self.bytes = bytes
    }

    /// A village laptop's token: a ledger of ten years is a few tens of thousands of records.
    public static let device = PushQuota(records: 100_000, bytes: 256 << 20)
    /// All the devices of one unit together.
    public static let unit = PushQuota(records: 200_000, bytes: 512 << 20)
    /// A township's server relaying its whole township (its token, and its unit).
    public static let relay = PushQuota(records: 2_000_000, bytes: 4 << 30)

    /// Who a push is charged to: its token and its unit, each with its default limit; nothing
    /// for a replica opened in this process (trusted as it says).
    public static func holders(of peer: SyncPeer) -> [QuotaHolder] {
        guard let device = peer.device, let unit = peer.unit else { return [] }
        return [QuotaHolder(key: "token:\(device)", defaults: peer.relays ? relay : PushQuota.device,
                            name: "此设备 (令牌 \(device.prefix(DeviceToken.idLength)))"),
                QuotaHolder(key: "unit:\(unit)", defaults: peer.relays ? relay : PushQuota.unit, name: "单位 \(unit) 的全部设备")]
    }

    /// The day a push is counted in: China's calendar day of `now`.
    public static func day(of now: Int64) -> String { ChinaTime.day(now) }

    /// Charges a merged push of `adding` to the holders of `peer`, each of whose limit is the one
    /// set for it (`limit`) or its default: `add` adds to a holder's usage of the day and returns
    /// its total. A holder past its limit throws its refusal; the caller's transaction, which
    /// merged the push and added the usage, is then rolled back, leaving nothing.
    public static func charge(_ adding: PushQuota, to peer: SyncPeer, now: Int64, limit: (String) throws -> PushQuota?,
                              add: (_ day: String, _ holder: String, _ adding: PushQuota) throws -> PushQuota) throws {
        guard adding.records > 0 else { return }
        let day = day(of: now)
        for holder in holders(of: peer) {
            let total = try add(day, holder.key, adding)
            let used = PushQuota(records: total.records - adding.records, bytes: total.bytes - adding.bytes)
            if let refusal = refusal(holder, limit: try limit(holder.key) ?? holder.defaults, used: used, adding: adding, day: day) { throw refusal }
        }
    }

    /// The oldest day whose usage a store still keeps (a week).
    public static func oldestKept(now: Int64) -> String { day(of: now - 8 * 86_400) }

    /// Why a push that brings `adding` to a holder that has pushed `used` today is refused, or nil.
    public static func refusal(_ holder: QuotaHolder, limit: PushQuota, used: PushQuota, adding: PushQuota, day: String) -> SyncRefused? {
        let records = used.records + adding.records, bytes = used.bytes + adding.bytes
        guard records > limit.records || bytes > limit.bytes else { return nil }
        let what = records > limit.records ? "\(records) 条记录, 超过每日上限 \(limit.records) 条" : "\(bytes >> 20) MB, 超过每日上限 \(limit.bytes >> 20) MB"
        return .quotaExceeded("\(holder.name) 今天 (\(day)) 推送的修改将达 \(what); 这一批未被接受。"
                              + "北京时间明天零点后再同步即可继续; 若确需更多, 请上级用 gongkai admin set-quota 调高")
    }
}

/// A token or a unit a push is charged to.
public struct QuotaHolder: Sendable, Equatable {
    /// `token:HASH` or `unit:CODE`, as the usage is kept.
    public let key: String
    public let defaults: PushQuota
    /// In a message.
    public let name: String
}
