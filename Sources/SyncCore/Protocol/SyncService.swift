/// The serving side of the protocol: checks versions, the batch and the peer, then lets the
/// store merge or list. The HTTP server and the in-process transport both call it, so both
/// behave alike. `peer` is who the server established is asking, never what the request claims.
public struct SyncService: Sendable {
    public let store: any SyncServingStore
    /// The most records a pull page holds, whatever the client asks.
    public static let maximumPage = SyncLimits.maximumBatchRecords

    public init(store: any SyncServingStore) {
        self.store = store
    }

    public func push(_ request: PushRequest, peer: SyncPeer, now: Int64) throws -> PushResponse {
        try push(request, peer: peer, declaredCounter: request.senderCounter, now: now)
    }

    /// `declaredCounter`: checked against the sender's changes held (nil for a bundle, which may
    /// come late and carry an older count).
    func push(_ request: PushRequest, peer: SyncPeer, declaredCounter: UInt64?, now: Int64) throws -> PushResponse {
        try check(request.sender, of: peer)
        try checkVersions(protocolVersion: request.protocolVersion, schemaVersion: request.schemaVersion)
        try checkBatch(request.records)
        try store.registerPeer(request.sender, as: peer, counter: declaredCounter, now: now)
        let peer = peer.relays ? try store.adoptRelayed(sites: request.sites, units: request.units, as: peer, now: now) : peer
        let response = try store.applyPushed(request.records, from: request.sender, as: peer, now: now)
        guard let cursor = request.cursor, try !store.knows(cursor) else { return response }
        return PushResponse(changed: response.changed, conflicted: response.conflicted, refused: response.refused, restarted: true)
    }

    public func pull(_ request: PullRequest, peer: SyncPeer, now: Int64) throws -> PullResponse {
        try pull(request, peer: peer, declaredCounter: request.senderCounter, now: now)
    }

    func pull(_ request: PullRequest, peer: SyncPeer, declaredCounter: UInt64?, now: Int64) throws -> PullResponse {
        try check(request.sender, of: peer)
        try checkVersions(protocolVersion: request.protocolVersion, schemaVersion: request.schemaVersion)
        try store.registerPeer(request.sender, as: peer, counter: declaredCounter, now: now)
        let known = try request.cursor.map(store.knows) ?? true
        let page = try store.changes(after: known ? request.cursor : nil, for: request.sender.site, scope: peer.scope,
                                     limit: max(1, min(request.limit, SyncService.maximumPage)), now: now)
        guard !known else { return page }
        return PullResponse(records: page.records, sites: page.sites, units: page.units, next: page.next, more: page.more,
                            restarted: true)
    }

    /// The end of the sync a pull carries, when the server is to take it with this page: the
    /// page holds nothing and nothing follows it, so the client's digest, made before it asked,
    /// is still its digest after. Run by the caller with `done` (on the HTTP server, on its
    /// write lane) and handed back with the page (`PullResponse.finished`).
    public func finish(of request: PullRequest, after page: PullResponse) -> DoneRequest? {
        guard let finish = request.finish, page.records.isEmpty, !page.more, !page.restarted else { return nil }
        return finish
    }

    public func done(_ request: DoneRequest, peer: SyncPeer, now: Int64) throws -> DoneResponse {
        try done(request, peer: peer, by: .network, now: now)
    }

    func done(_ request: DoneRequest, peer: SyncPeer, by means: SyncMeans, now: Int64) throws -> DoneResponse {
        try check(request.sender, of: peer)
        guard request.protocolVersion == syncProtocolVersion else {
            throw SyncRefused.protocolMismatch(server: syncProtocolVersion, client: request.protocolVersion)
        }
        if peer.relays && !request.syncs.isEmpty { try store.noteRelayedSyncs(request.syncs, as: peer, now: now) }
        try store.peerFinishedSync(request.sender, as: peer, by: means, now: now)
        let digest = try store.digest(scope: peer.scope)
        return DoneResponse(converged: digest == request.digest, digest: digest)
    }

    /// The sender's replica must be of the token's unit, whichever way the message came.
    private func check(_ sender: SiteInfo, of peer: SyncPeer) throws {
        if let unit = peer.unit, sender.unit != unit { throw SyncRefused.wrongUnit(token: unit, sender: sender.unit) }
    }

    private func checkVersions(protocolVersion: Int, schemaVersion: Int) throws {
        guard protocolVersion == syncProtocolVersion else {
            throw SyncRefused.protocolMismatch(server: syncProtocolVersion, client: protocolVersion)
        }
        let accepted = try store.acceptedSchemaVersions()
        guard accepted.contains(schemaVersion) else { throw SyncRefused.schemaMismatch(server: accepted.upperBound, client: schemaVersion) }
    }

    /// A push holds at most a pull page's worth: `SyncLimits.maximumBatchRecords` records and
    /// `syncBatchByteBudget` of content (a single record may be larger).
    private func checkBatch(_ records: [RemoteRecord]) throws {
        let bytes = records.reduce(0) { $0 + $1.contentBytes }
        guard records.count <= SyncLimits.maximumBatchRecords, records.count <= 1 || bytes <= syncBatchByteBudget else {
            throw SyncRefused.batchTooLarge(records: records.count, bytes: bytes)
        }
    }
}
