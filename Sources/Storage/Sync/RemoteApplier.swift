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
        /// Refused for now and held back until its other devices show their part (`Vouching`);
        /// `new` when it was not held already as it is (charged to the push quota).
        case held(String, new: Bool)
    }

    func apply(_ remote: RemoteRecord) throws -> Outcome {
        guard let kind = RecordKind(rawValue: remote.kind) else { return .refused("未知的记录类别 \(remote.kind)") }
        let table = RecordTable(kind)
        let stored = try table.load(connection, id: remote.id)
        var decision = try RecordIntake.decide(remote, stored: stored.map { ($0.unit, $0.version) }, authority: authority)
        if case .unvouched(let reason) = decision {
            let vouched = try vouch(remote, reason: reason, stored: stored)
            if vouched.keep != nil, case .refused(let reason) = vouched.decision { return .held(reason, new: vouched.newlyHeld) }
            decision = vouched.decision
        }
        switch decision {
        case .refused(let reason), .unvouched(let reason):
            return .refused(reason)
        case .clash(let replacement, let moved):
            guard let replacement, let stored else { return try apply(moved) }
            // The version that came keeps the id; the one held here moves to its own, taken
            // as this replica's to send on (the server may not have it there yet).
            session.observe(replacement.clock)
            try table.update(connection, session, stored, version: replacement, fromUpstream: fromUpstream, origin: pusher)
            _ = try RemoteApplier(connection: connection, session: session, fromUpstream: false).apply(moved)
            return .changed(conflicted: false)
        case .unchanged(let exactlyUpstream):
            if fromUpstream && exactlyUpstream { try table.markFromUpstream(connection, id: remote.id) }
            return .unchanged
        case .insert(let version, let exact):
            session.observe(version.clock)
            try table.insert(connection, session, id: remote.id, unit: remote.unit, version: version, fromUpstream: fromUpstream && exact,
                             origin: exact ? pusher : nil)
        case .update(let merged, let exact):
            session.observe(remote.version.clock)
            try table.update(connection, session, stored!, version: merged, fromUpstream: fromUpstream && exact, origin: exact ? pusher : nil)
        }
        return .changed(conflicted: decision.isConflicted)
    }

    /// A version with other devices' changes the server lacks: taken with the versions those
    /// devices pushed and the server held back, or held back itself (`Vouching`).
    private func vouch(_ remote: RemoteRecord, reason: String, stored: StoredRecord?) throws -> RecordIntake.Vouched {
        guard let authority, let pusher, let sender = SiteID(pusher) else { return RecordIntake.Vouched(decision: .refused(reason), keep: nil, release: []) }
        let held = try HeldVersions.load(connection, kind: remote.kind, id: remote.id, unit: remote.unit)
        let vouched = RecordIntake.vouch(remote, reason: reason, stored: stored.map { ($0.unit, $0.version) }, authority: authority,
                                         sender: sender, held: held)
        try HeldVersions.release(connection, kind: remote.kind, id: remote.id, pushers: vouched.keep == nil ? vouched.release.union([sender]) : vouched.release)
        if let keep = vouched.keep { try HeldVersions.keep(connection, kind: remote.kind, id: remote.id, unit: remote.unit, keep, now: session.now) }
        return vouched
    }
}
