/// What one sync did.
public struct SyncReport: Sendable, Equatable {
    public var pushed = 0
    public var pulled = 0
    /// Fields in conflict in the syncing replica after this sync.
    public var conflicts = 0
    public var refused: [Refusal] = []
    public var requests = 0

    public init() {}
}

/// The syncing side: pushes what the server has not acknowledged, then pulls what it may see,
/// batch by batch. Each pulled batch is applied with its cursor in one transaction, and each
/// pushed batch is acknowledged only after the server has taken it, so a run cut anywhere
/// continues from the last complete batch, and a lost acknowledgement only resends versions
/// that merge to nothing new.
public struct SyncClient: Sendable {
    public let store: any SyncClientStore
    public let transport: any SyncTransport
    public let batchSize: Int
    private let clock: @Sendable () -> Int64

    public init(store: any SyncClientStore, transport: any SyncTransport, batchSize: Int = 500, clock: @escaping @Sendable () -> Int64) {
        self.store = store
        self.transport = transport
        self.batchSize = batchSize
        self.clock = clock
    }

    public func sync(progress: (@Sendable (SyncReport) -> Void)? = nil) async throws -> SyncReport {
        var report = SyncReport()
        let sender = try store.siteInfo()
        let schema = try store.schemaVersion()
        // Push.
        while true {
            let (records, through) = try store.pendingChanges(limit: batchSize)
            if records.isEmpty { break }
            let response = try await transport.push(PushRequest(schemaVersion: schema, sender: sender,
                                                                senderCounter: try store.counter(), records: records))
            report.requests += 1
            try store.acknowledgePush(through: through, epoch: response.epoch)
            report.pushed += records.count - response.refused.count
            report.refused += response.refused
            progress?(report)
        }
        // Pull.
        while true {
            let response = try await transport.pull(PullRequest(schemaVersion: schema, sender: sender, senderCounter: try store.counter(),
                                                                cursor: try store.pullCursor(), limit: batchSize))
            report.requests += 1
            let applied = try store.applyPulled(response, now: clock())
            report.pulled += applied.changed
            report.refused += applied.refused
            progress?(report)
            if !response.more { break }
        }
        try store.recordSuccess(at: clock())
        report.conflicts = try store.openConflictCount()
        return report
    }
}
