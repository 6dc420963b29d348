/// What the serving side of a sync (the township server's replica) offers to the protocol.
/// Storage implements it; every method is one transaction.
public protocol SyncServingStore: Sendable {
    func schemaVersion() throws -> Int
    /// Checks and records the peer's declared counter: throws `.counterWentBack` for a copy.
    func registerPeer(_ peer: SiteInfo, counter: UInt64, now: Int64) throws
    /// Whether this replica issued `cursor` (it keeps every mark it issues).
    func knows(_ cursor: SyncCursor) throws -> Bool
    /// Merges pushed versions atomically: all of them, or (on divergent history) none.
    /// Records outside `scope`, of unknown kinds, with malformed values, or whose id belongs to
    /// another unit are refused one by one and stored not at all.
    func applyPushed(_ records: [RemoteRecord], from peer: SiteInfo, scope: SyncScope, now: Int64) throws -> PushResponse
    /// Changes after `cursor` (from the start for nil) that `scope` may read, in change order,
    /// at most `limit`, with a mark issued for the next cursor; versions that `peer` itself pushed
    /// exactly as they stand are left out (it has them).
    func changes(after cursor: SyncCursor?, for peer: SiteID, scope: SyncScope, limit: Int, now: Int64) throws -> PullResponse
    /// The digest of every record `scope` may read.
    func digest(scope: SyncScope) throws -> String
    /// A peer finished a sync session (for reports of who has synced when).
    func peerFinishedSync(_ peer: SiteInfo, now: Int64) throws
}

/// What the syncing side (a laptop's replica) offers to the protocol.
public protocol SyncClientStore: Sendable {
    func siteInfo() throws -> SiteInfo
    func counter() throws -> UInt64
    func schemaVersion() throws -> Int
    /// Local changes the server has not acknowledged, in change order, at most `limit`, and the
    /// change sequence number to acknowledge once the server has taken them: those after the push
    /// cursor, or after `seq` (the end of a batch still in flight) when given.
    func pendingChanges(after seq: Int64?, limit: Int) throws -> (records: [RemoteRecord], through: Int64)
    /// The server took a batch: move the push cursor, and remember what it refused and why
    /// (forgetting earlier refusals of the records it now took).
    func acknowledgePush(through seq: Int64, sent: [RemoteRecord], refused: [Refusal], now: Int64) throws
    func pullCursor() throws -> SyncCursor?
    /// Merges pulled versions and moves the pull cursor, in one transaction. Returns how many
    /// records changed locally and which were refused.
    func applyPulled(_ response: PullResponse, now: Int64) throws -> (changed: Int, refused: [Refusal])
    /// The server no longer has the history the cursors point into (it was restored): push
    /// everything again and pull from the start. Merging is idempotent, so nothing doubles.
    func restartSync() throws
    /// The digest of every record this replica holds, to compare with the server's.
    func scopeDigest() throws -> String
    func recordSuccess(at time: Int64, converged: Bool) throws
    /// Fields holding concurrent differing values, over all records.
    func openConflictCount() throws -> Int
}

extension SyncClientStore {
    /// Local changes after the push cursor: the next batch to send.
    public func pendingChanges(limit: Int) throws -> (records: [RemoteRecord], through: Int64) {
        try pendingChanges(after: nil, limit: limit)
    }
}
