/// What the serving side of a sync (the township server's replica) offers to the protocol.
/// Storage implements it; every method is one transaction.
public protocol SyncServingStore: Sendable {
    /// The serving replica's epoch: a new value whenever its history was replaced (restore).
    func epoch() throws -> String
    func schemaVersion() throws -> Int
    /// Checks and records the peer's declared counter: throws `.counterWentBack` for a copy.
    func registerPeer(_ peer: SiteInfo, counter: UInt64, now: Int64) throws
    /// Merges pushed versions atomically: all of them, or (on divergent history) none.
    /// Records outside `scope`, of unknown kinds, with malformed values, or whose id belongs to
    /// another unit are refused one by one and stored not at all.
    func applyPushed(_ records: [RemoteRecord], from peer: SiteInfo, scope: SyncScope, now: Int64) throws -> PushResponse
    /// Changes after `cursor` (all, from the start, for nil) that `scope` may read, in change
    /// order, at most `limit`.
    func changes(after cursor: SyncCursor?, scope: SyncScope, limit: Int) throws -> PullResponse
}

/// What the syncing side (a laptop's replica) offers to the protocol.
public protocol SyncClientStore: Sendable {
    func siteInfo() throws -> SiteInfo
    func counter() throws -> UInt64
    func schemaVersion() throws -> Int
    /// Local changes the server has not acknowledged, in change order, at most `limit`, and the
    /// change sequence number to acknowledge once the server has taken them.
    func pendingChanges(limit: Int) throws -> (records: [RemoteRecord], through: Int64)
    func acknowledgePush(through seq: Int64, epoch: String) throws
    func pullCursor() throws -> SyncCursor?
    /// Merges pulled versions and moves the pull cursor, in one transaction. Returns how many
    /// records changed locally and how many are now in conflict.
    func applyPulled(_ response: PullResponse, now: Int64) throws -> (changed: Int, refused: [Refusal])
    func recordSuccess(at time: Int64) throws
    /// Fields holding concurrent differing values, over all records.
    func openConflictCount() throws -> Int
}
