/// What the serving side of a sync (a server's database) offers to the protocol and to the HTTP
/// server: sync, devices, units. Storage's SQLite `ServingStore` implements it; every method is
/// one transaction. `ServingStoreContractTests` hold any implementation to it.
public protocol SyncServingStore: Sendable {
    func schemaVersion() throws -> Int
    /// The schema versions of peers whose records this store takes as they are (its own, and
    /// older ones whose records have the same fields).
    func acceptedSchemaVersions() throws -> ClosedRange<Int>
    /// Binds the sender's site to the peer's device (the first device to name a site owns it;
    /// another is refused with `.siteTaken`), and checks its declared counter against the
    /// highest change of that site stored: lower means a copy (`.counterWentBack`). A declared
    /// counter is never stored.
    func registerPeer(_ sender: SiteInfo, as peer: SyncPeer, counter: UInt64?, now: Int64) throws
    /// A relay (a township's server syncing to its county) brings the units and sites its
    /// records name: registers the units this store lacks that lie below the peer's unit
    /// (parents first) and the sites it lacks whose unit is in the peer's subtree (owned by no
    /// device), and returns the peer with its scope as it now stands. Anything else is left out;
    /// a peer that is not a relay is returned as it is.
    func adoptRelayed(sites: [SiteInfo], units: [UnitInfo], as peer: SyncPeer, now: Int64) throws -> SyncPeer
    /// Whether this replica issued `cursor`.
    func knows(_ cursor: SyncCursor) throws -> Bool
    /// Merges pushed versions atomically: all of them, or (on a divergent history of the
    /// sender's own sites) none. Records outside the peer's scope, of unknown kinds, with
    /// malformed values, whose id belongs to another unit, or that carry changes the device may
    /// not make (`PushAuthority`) are refused one by one and stored not at all.
    func applyPushed(_ records: [RemoteRecord], from sender: SiteInfo, as peer: SyncPeer, now: Int64) throws -> PushResponse
    /// Changes after `cursor` (from the start for nil) that `scope` may read, in change order,
    /// at most `limit`, with a mark issued for the next cursor; versions that `peer` itself pushed
    /// exactly as they stand are left out (it has them).
    func changes(after cursor: SyncCursor?, for peer: SiteID, scope: SyncScope, limit: Int, now: Int64) throws -> PullResponse
    /// The digest of every record `scope` may read.
    func digest(scope: SyncScope) throws -> String
    /// A peer finished a sync session, over the network or by a bundle (a file on a stick): its
    /// last sync by that means (for `admin list-units` and the report's view of who synced when).
    func peerFinishedSync(_ sender: SiteInfo, as peer: SyncPeer, by means: SyncMeans, now: Int64) throws
    /// A relay says when the devices below it last finished a sync with it: each site of its
    /// subtree takes the later of what this store holds and what is relayed (a site it has not
    /// met is registered, owned by no device); anything outside the relay's scope is left out.
    func noteRelayedSyncs(_ syncs: [RelayedSync], as peer: SyncPeer, now: Int64) throws
    /// What a presented device token allows: the unit and scope it serves, or why not. A read
    /// that never waits for a write in progress.
    func access(forToken token: String) throws -> TokenCheck
    /// The server's unit and schema, for `/v1/status` (a read, like `access`).
    func servingStatus() throws -> ServingStatus
    /// Whether writes (pushes, finished syncs) may run at once: false for a store with one
    /// writer (SQLite), where the server queues them; true where the database takes them
    /// concurrently (PostgreSQL).
    var takesConcurrentWrites: Bool { get }
    /// Free space where the database's files are, for `/v1/health`; nil where the server cannot
    /// see it (a PostgreSQL server on another machine).
    func freeDiskBytes() -> Int64?
}

extension SyncServingStore {
    public var takesConcurrentWrites: Bool { false }
    public func freeDiskBytes() -> Int64? { nil }
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
    func acknowledgePush(through seq: Int64, sent: [RecordKey], refused: [Refusal], now: Int64) throws
    /// Records the server refused before go again with this sync: what made them refused may be
    /// gone (another device has since synced the change they carry).
    func retryRefused(now: Int64) throws
    func pullCursor() throws -> SyncCursor?
    /// The other sites the records' versions name and the other units they belong to, as this
    /// replica knows them (for a relay's push: `PushRequest.sites`, `.units`).
    func describing(_ records: [RemoteRecord]) throws -> (sites: [SiteInfo], units: [UnitInfo])
    /// Merges pulled versions and moves the pull cursor, in one transaction. Returns how many
    /// records changed locally and which were refused.
    func applyPulled(_ response: PullResponse, now: Int64) throws -> (changed: Int, refused: [Refusal])
    /// A page carried in a bundle's reply: its versions merged like a pull's, and the pull cursor
    /// moved to the page's end only while it stands where the page began (`from`; nil: the
    /// start), all in one transaction. A reply imported late, twice or out of order so merges
    /// what it carries and leaves the cursor where it is. Returns whether the cursor moved.
    func applyBundledPage(_ response: PullResponse, from cursor: SyncCursor?, now: Int64) throws -> (changed: Int, refused: [Refusal], moved: Bool)
    /// A bundle's reply was taken: when, and whether this replica then held what the server did.
    func recordBundleTaken(at time: Int64, converged: Bool) throws
    /// The server no longer has the history the cursors point into (it was restored): push
    /// everything again and pull from the start. Merging is idempotent, so nothing doubles.
    func restartSync() throws
    /// When the devices that sync with this replica (a township's server) last finished a sync
    /// with it, for the server above (`DoneRequest.syncs`); empty on a laptop.
    func relayedSyncs() throws -> [RelayedSync]
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

/// A failure of a store itself (not a refusal of the protocol), with what to tell the client:
/// a transient one (another writer holds the database) is worth trying again shortly.
public protocol StoreFailure: Error, CustomStringConvertible {
    var isTransient: Bool { get }
    /// The server's own disk is full: nothing was written, and trying again will not help until
    /// someone frees space there.
    var isDiskFull: Bool { get }
}

extension StoreFailure {
    public var isDiskFull: Bool { false }
}

/// How a sync session came: over the network, or as a bundle (a file carried on a stick).
public enum SyncMeans: Sendable, Equatable {
    case network
    case bundle
}
