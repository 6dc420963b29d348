/// The serving side of the protocol: checks versions and the peer, then lets the store merge
/// or list. The HTTP server and the in-process transport both call it, so both behave alike.
public struct SyncService: Sendable {
    public let store: any SyncServingStore

    public init(store: any SyncServingStore) {
        self.store = store
    }

    public func push(_ request: PushRequest, scope: SyncScope, now: Int64) throws -> PushResponse {
        try checkVersions(protocolVersion: request.protocolVersion, schemaVersion: request.schemaVersion)
        try store.registerPeer(request.sender, counter: request.senderCounter, now: now)
        return try store.applyPushed(request.records, from: request.sender, scope: scope, now: now)
    }

    public func pull(_ request: PullRequest, scope: SyncScope, now: Int64) throws -> PullResponse {
        try checkVersions(protocolVersion: request.protocolVersion, schemaVersion: request.schemaVersion)
        try store.registerPeer(request.sender, counter: request.senderCounter, now: now)
        let epoch = try store.epoch()
        // A cursor from another epoch means the server's history was replaced: start over.
        let cursor = request.cursor?.epoch == epoch ? request.cursor : nil
        return try store.changes(after: cursor, scope: scope, limit: max(1, min(request.limit, 5_000)))
    }

    private func checkVersions(protocolVersion: Int, schemaVersion: Int) throws {
        guard protocolVersion == syncProtocolVersion else {
            throw SyncRefused.protocolMismatch(ours: syncProtocolVersion, theirs: protocolVersion)
        }
        let ours = try store.schemaVersion()
        guard schemaVersion == ours else { throw SyncRefused.schemaMismatch(ours: ours, theirs: schemaVersion) }
    }
}
