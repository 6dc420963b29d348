/// The serving side of the protocol: checks versions and the peer, then lets the store merge
/// or list. The HTTP server and the in-process transport both call it, so both behave alike.
public struct SyncService: Sendable {
    public let store: any SyncServingStore
    /// The most records a pull page holds, whatever the client asks.
    public static let maximumPage = 2_000

    public init(store: any SyncServingStore) {
        self.store = store
    }

    public func push(_ request: PushRequest, scope: SyncScope, now: Int64) throws -> PushResponse {
        try checkVersions(protocolVersion: request.protocolVersion, schemaVersion: request.schemaVersion)
        try store.registerPeer(request.sender, counter: request.senderCounter, now: now)
        let response = try store.applyPushed(request.records, from: request.sender, scope: scope, now: now)
        guard let cursor = request.cursor, try !store.knows(cursor) else { return response }
        return PushResponse(changed: response.changed, conflicted: response.conflicted, refused: response.refused, restarted: true)
    }

    public func pull(_ request: PullRequest, scope: SyncScope, now: Int64) throws -> PullResponse {
        try checkVersions(protocolVersion: request.protocolVersion, schemaVersion: request.schemaVersion)
        try store.registerPeer(request.sender, counter: request.senderCounter, now: now)
        let known = try request.cursor.map(store.knows) ?? true
        let page = try store.changes(after: known ? request.cursor : nil, for: request.sender.site, scope: scope,
                                     limit: max(1, min(request.limit, SyncService.maximumPage)), now: now)
        guard !known else { return page }
        return PullResponse(records: page.records, sites: page.sites, units: page.units, next: page.next, more: page.more,
                            restarted: true)
    }

    public func done(_ request: DoneRequest, scope: SyncScope, now: Int64) throws -> DoneResponse {
        guard request.protocolVersion == syncProtocolVersion else {
            throw SyncRefused.protocolMismatch(server: syncProtocolVersion, client: request.protocolVersion)
        }
        try store.peerFinishedSync(request.sender, now: now)
        let digest = try store.digest(scope: scope)
        return DoneResponse(converged: digest == request.digest, digest: digest)
    }

    private func checkVersions(protocolVersion: Int, schemaVersion: Int) throws {
        guard protocolVersion == syncProtocolVersion else {
            throw SyncRefused.protocolMismatch(server: syncProtocolVersion, client: protocolVersion)
        }
        let ours = try store.schemaVersion()
        guard schemaVersion == ours else { throw SyncRefused.schemaMismatch(server: ours, client: schemaVersion) }
    }
}
