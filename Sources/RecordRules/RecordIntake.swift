import Records
import SyncCore

/// What a store does with one record version that came from another replica, decided from the
/// version it holds (if any) and nothing else: the same rules whatever holds the rows (the
/// SQLite replica, the PostgreSQL server store).
public enum RecordIntake {
    public enum Decision: Equatable, Sendable {
        /// The store holds it already (a resent batch) or holds more: nothing to write.
        /// `exactlyUpstream`: what is held is exactly what came (a laptop marks such a version
        /// as the server's, so it is not pushed back).
        case unchanged(exactlyUpstream: Bool)
        /// A record new to the store; `exact` when it is exactly what came.
        case insert(RecordVersion, exact: Bool)
        /// The merge of what was held and what came; `exact` when it is exactly what came.
        case update(RecordVersion, exact: Bool)
        case refused(String)
        /// A pushed version with changes of other sites the server does not hold, and nothing
        /// else wrong: the store asks `vouch` with the versions it holds back for this record.
        case unvouched(String)
        /// Two records given one number (`NumberClash`): `replacement`, when the version that came
        /// keeps the id, is written in place of the stored one; `moved` (the other) is taken in
        /// under its own id as any record that came.
        case clash(replacement: RecordVersion?, moved: RemoteRecord)

        /// Whether the version to write holds concurrent differing values.
        public var isConflicted: Bool {
            switch self {
            case .insert(let version, _), .update(let version, _): !version.conflictedFields.isEmpty
            case .unchanged, .refused, .unvouched, .clash: false
            }
        }
    }

    /// The decision for `remote` given the store's `stored` version of the same kind and id.
    /// `authority`: on a server, what the pushing device may claim (nil when trusted, as a
    /// laptop trusts its server). Throws `SyncRefused.divergentHistory` when the sender's own
    /// history forked (a copy of its replica): the whole batch is refused.
    public static func decide(_ remote: RemoteRecord, stored: (unit: String, version: RecordVersion)?,
                              authority: PushAuthority?) throws(SyncRefused) -> Decision {
        guard let kind = RecordKind(rawValue: remote.kind) else { return .refused("未知的记录类别 \(remote.kind)") }
        // A version the store already holds exactly (a resent batch) was checked when it came.
        if let stored, stored.unit == remote.unit, stored.version == remote.version { return .unchanged(exactlyUpstream: true) }
        if let problem = RemoteRecordCheck.problem(with: remote, plausible: authority != nil) { return .refused(problem) }
        if let authority, let problem = remote.version.authorshipProblem(against: stored?.version, authority: authority) {
            if case .unknownChange = problem, stored.map({ $0.unit == remote.unit }) ?? true { return .unvouched(problem.description) }
            return .refused(problem.description)
        }
        guard let stored else { return .insert(remote.version, exact: true) }
        guard stored.unit == remote.unit else { return .refused(otherUnit(kind: kind, id: remote.id, unit: stored.unit)) }
        if let clash = NumberClash.resolve(kind: kind, id: remote.id, stored: stored.version, remote: remote.version) {
            let moved = RemoteRecord(kind: remote.kind, id: clash.movedID, unit: remote.unit, version: clash.remoteStays ? stored.version : remote.version)
            return .clash(replacement: clash.remoteStays ? remote.version : nil, moved: moved)
        }
        let merged: RecordVersion
        do {
            merged = try RecordVersion.merge(stored.version, remote.version)
        } catch {
            // Only a copy of the sender's own replica can fork its own history (the whole batch is
            // refused); another site's history forked in a push is a forgery of that record,
            // refused on its own.
            guard let authority else { throw SyncRefused.divergentHistory(error) }
            let forks = RecordVersion.divergences(stored.version, remote.version)
            if let own = forks.first(where: { authority.owns($0.site) }) { throw SyncRefused.divergentHistory(own) }
            let fork = forks.first ?? error
            return .refused("伪造的修改: \(fork.detail) (站点 \(fork.site))")
        }
        if merged == stored.version { return .unchanged(exactlyUpstream: merged == remote.version) }
        return .update(merged, exact: merged == remote.version)
    }

    /// What a store does with a version `decide` found `unvouched`, given the versions of the
    /// same record it holds back (`held`, of any pusher): the decision for this push, the held
    /// version to keep for the sender (nil: none, delete any), and the other pushers whose held
    /// versions are used up or forged (delete them, and their refusals of this record).
    public struct Vouched: Sendable, Equatable {
        public var decision: Decision
        public var keep: HeldVersion?
        public var release: Set<SiteID>
        /// Whether `keep` is new or differs from what the store held for the sender: what the
        /// store charges to the sender's daily push quota (a version sent again costs nothing).
        public var newlyHeld = false

        public init(decision: Decision, keep: HeldVersion?, release: Set<SiteID>, newlyHeld: Bool = false) {
            (self.decision, self.keep, self.release, self.newlyHeld) = (decision, keep, release, newlyHeld)
        }
    }

    public static func vouch(_ remote: RemoteRecord, reason: String, stored: (unit: String, version: RecordVersion)?,
                             authority: PushAuthority, sender: SiteID, held: [HeldVersion]) -> Vouched {
        let own = HeldVersion(pusher: sender, sites: authority.ownSites ?? [sender], version: remote.version)
        let all = held.filter { $0.pusher != sender } + [own]
        let resolution = Vouching.resolve(stored: stored?.version, held: all)
        let forgedOthers = Set(resolution.forged.keys).subtracting([sender])
        if let forgery = resolution.forged[sender] {
            return Vouched(decision: .refused("伪造的修改: \(forgery); 每台设备只能提交自己的修改"), keep: nil, release: forgedOthers)
        }
        guard let merged = resolution.merged, resolution.vouched.contains(sender) else {
            return Vouched(decision: .refused(reason), keep: own, release: forgedOthers, newlyHeld: !held.contains(own))
        }
        let release = forgedOthers.union(resolution.vouched).subtracting([sender])
        guard let stored else { return Vouched(decision: .insert(merged, exact: merged == remote.version), keep: nil, release: release) }
        if merged == stored.version { return Vouched(decision: .unchanged(exactlyUpstream: false), keep: nil, release: release) }
        return Vouched(decision: .update(merged, exact: merged == remote.version), keep: nil, release: release)
    }

    /// Why a pushed record of a unit outside the device's scope is refused.
    public static func outsideScope(unit: String) -> String {
        "此设备无权写入单位 \(unit) 的记录 (它不在本设备的单位之下; 乡镇服务器向县同步时, 本乡镇区划代码之外的单位须由县里登记)"
    }

    /// Why a pushed record of a unit the server does not know is refused.
    public static func unknownUnit(_ unit: String) -> String {
        "服务器上没有单位 \(unit); 请上级先用 gongkai admin add-unit 登记 (乡镇服务器向县同步时, 只自动登记本乡镇区划代码之内的单位)"
    }

    /// Why a record id held by one unit cannot be written as another's.
    public static func otherUnit(kind: RecordKind, id: String, unit: String) -> String {
        "id \(id) 的\(kind.label)已属于单位 \(unit); 一个 id 只能属于一个单位, 请换一个 id"
    }
}
