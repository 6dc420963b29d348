import Records
import SyncCore

/// Merges one remote record version into the replica, within a write transaction.
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
        // A version this replica already holds exactly (a resent batch) was checked when it came.
        if let stored, stored.unit == remote.unit, stored.version == remote.version {
            if fromUpstream { try table.markFromUpstream(connection, id: remote.id) }
            return .unchanged
        }
        if let problem = RemoteRecordCheck.problem(with: remote) { return .refused(problem) }
        if let authority, let problem = remote.version.authorshipProblem(against: stored?.version, authority: authority) {
            return .refused(problem.description)
        }
        session.observe(remote.version.clock)
        guard let local = stored else {
            try table.insert(connection, session, id: remote.id, unit: remote.unit, version: remote.version, fromUpstream: fromUpstream,
                             origin: pusher)
            return .changed(conflicted: !remote.version.conflictedFields.isEmpty)
        }
        guard local.unit == remote.unit else {
            return .refused(ReplicaError.idBelongsToOtherUnit(kind: kind, id: remote.id, unit: local.unit).description)
        }
        let merged: RecordVersion
        do {
            merged = try RecordVersion.merge(local.version, remote.version)
        } catch {
            // Only a copy of the sender's own replica can fork its own history (the whole batch is
            // refused); another site's history forked in a push is a forgery of that record,
            // refused on its own.
            guard let authority else { throw SyncRefused.divergentHistory(error) }
            let forks = RecordVersion.divergences(local.version, remote.version)
            if let own = forks.first(where: { authority.owns($0.site) }) { throw SyncRefused.divergentHistory(own) }
            let fork = forks.first ?? error
            return .refused("伪造的修改: \(fork.detail) (站点 \(fork.site))")
        }
        if merged == local.version {
            if fromUpstream && merged == remote.version { try table.markFromUpstream(connection, id: remote.id) }
            return .unchanged
        }
        let exact = merged == remote.version
        try table.update(connection, session, local, version: merged, fromUpstream: fromUpstream && exact, origin: exact ? pusher : nil)
        return .changed(conflicted: !merged.conflictedFields.isEmpty)
    }
}
