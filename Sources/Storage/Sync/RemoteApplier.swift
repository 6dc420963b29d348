import RecordRules
import Records
import SyncCore

/// Merges one remote record version into the replica, within a write transaction, as
/// `RecordIntake` decides.
struct RemoteApplier {
    let connection: Connection
    let session: WriteSession
    /// True on a laptop applying what the server sent: such versions are not pushed back.
    let fromUpstream: Bool
    /// On a server, the site pushing: a version exactly as it sent is marked as its.
    var pusher: String? = nil
    /// On a server, what the pushing device may claim: a version it may not make is refused.
    var authority: PushAuthority? = nil

    enum Outcome: Equatable {
        case unchanged
        case changed(conflicted: Bool)
        case refused(String)
    }

    func apply(_ remote: RemoteRecord) throws -> Outcome {
        guard let kind = RecordKind(rawValue: remote.kind) else { return .refused("未知的记录类别 \(remote.kind)") }
        let table = RecordTable(kind)
        let stored = try table.load(connection, id: remote.id)
        let decision = try RecordIntake.decide(remote, stored: stored.map { ($0.unit, $0.version) }, authority: authority)
        switch decision {
        case .refused(let reason):
            return .refused(reason)
        case .unchanged(let exactlyUpstream):
            if fromUpstream && exactlyUpstream { try table.markFromUpstream(connection, id: remote.id) }
            return .unchanged
        case .insert(let version):
            session.observe(version.clock)
            try table.insert(connection, session, id: remote.id, unit: remote.unit, version: version, fromUpstream: fromUpstream, origin: pusher)
        case .update(let merged, let exact):
            session.observe(remote.version.clock)
            try table.update(connection, session, stored!, version: merged, fromUpstream: fromUpstream && exact, origin: exact ? pusher : nil)
        }
        return .changed(conflicted: decision.isConflicted)
    }
}
