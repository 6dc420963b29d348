/// What a pushing device may say about a record. A device tells the truth about its own edits
/// only: it may bring changes of its own sites that the server has not seen (not too far ahead
/// of what the server holds), and it may carry other sites' changes only as the server already
/// holds them. Anything else would let one device write in another's name.
public struct PushAuthority: Sendable, Equatable {
    /// The sites the device owns: only these may bring new changes. Nil for a replica trusted as
    /// it says (opened in this process, by someone holding the server's own file).
    public let ownSites: Set<SiteID>?
    /// The highest counter a new change may carry: the highest counter the server holds, plus
    /// `SyncLimits.maximumCounterStep`.
    public let counterCeiling: UInt64

    public init(ownSites: Set<SiteID>?, counterCeiling: UInt64) {
        self.ownSites = ownSites
        self.counterCeiling = counterCeiling
    }

    /// No limit but the wire's: a trusted replica.
    public static let trusted = PushAuthority(ownSites: nil, counterCeiling: SyncLimits.maximumCounter)

    public func owns(_ site: SiteID) -> Bool { ownSites?.contains(site) ?? true }
}

/// Why a pushed version was refused as not the device's to make.
public enum AuthorshipProblem: Sendable, Equatable, CustomStringConvertible {
    /// It claims a change of another site that the server does not hold.
    case unknownChange(Dot)
    /// It carries a change of another site with other content than the server holds.
    case alteredChange(Dot, field: String)
    /// A change of the device's own site far beyond any counter the server holds.
    case counterJump(Dot, ceiling: UInt64)

    public var description: String {
        switch self {
        case .unknownChange(let dot):
            Refusal.awaitingOwnerMark + " 这条记录含有另一台设备 (站点 \(dot.site)) 的修改, 服务器上还没有 (服务器可能从备份恢复过)。"
                + "已暂存在服务器上, 那台设备同步后自动合并, 不必做任何事; 每台设备只能替自己提交修改, 所以要等那台设备"
        case .alteredChange(let dot, let field):
            "伪造的修改: 站点 \(dot.site) 的修改 \(dot) 在字段 \(field.prefix(40)) 中的内容与服务器上的不同; 每台设备只能提交自己的修改"
        case .counterJump(let dot, let ceiling):
            "修改计数 \(dot.counter) 远超服务器上已有的 (最多 \(ceiling)); 这份副本的计数异常, 请运行 gongkai reset-site 后再同步"
        }
    }
}

extension RecordVersion {
    /// Whether a device with `authority` may push this version of a record the server holds as
    /// `stored` (nil: not at all). Nil when it may.
    ///
    /// Every change another site made must already be on the server: the version's vector may
    /// not run ahead of the stored one for any site but the device's own, and an entry of
    /// another site that the server still holds must be that very entry. (An entry the server
    /// has seen and since overwritten cannot be checked, and needs not be: the merge drops it.)
    public func authorshipProblem(against stored: RecordVersion?, authority: PushAuthority) -> AuthorshipProblem? {
        let known = stored?.clock ?? VersionVector()
        // An unknown change of another site is said last: everything else about the version
        // checked, it is one the server may take once that site's device has shown it
        // (`Vouching`).
        var unknown: Dot?
        for (site, counter) in clock.counters.sorted(by: { $0.key.rawValue < $1.key.rawValue }) where counter > known[site] {
            let dot = Dot(site: site, counter: counter)
            guard authority.owns(site) else {
                unknown = unknown ?? dot
                continue
            }
            if counter > authority.counterCeiling { return .counterJump(dot, ceiling: authority.counterCeiling) }
        }
        if let stored, authority.ownSites != nil {
            for (field, register) in fields {
                for entry in register where !authority.owns(entry.dot.site) {
                    if let held = stored.fields[field]?.first(where: { $0.dot == entry.dot }), held != entry {
                        return .alteredChange(entry.dot, field: field)
                    }
                }
            }
        }
        return unknown.map { .unknownChange($0) }
    }
}
