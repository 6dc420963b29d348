/// What one sync did.
public struct SyncReport: Sendable, Equatable {
    public var pushed = 0
    public var pulled = 0
    /// Fields in conflict in the syncing replica after this sync.
    public var conflicts = 0
    public var refused: [Refusal] = []
    public var requests = 0
    /// Whether the server's digest of this replica's scope equals this replica's after the sync.
    public var converged: Bool?
    /// The server's history was found replaced (restored) and everything was reconciled again.
    public var restarted = false

    public init() {}
}

/// The syncing side: pushes what the server has not acknowledged, then pulls what it may see,
/// batch by batch, then compares digests. Each pulled batch is applied with its cursor in one
/// transaction, and each pushed batch is acknowledged only after the server has taken it, so a
/// run cut anywhere continues from the last complete batch, and a lost acknowledgement only
/// resends versions that merge to nothing new. A server restored from a backup is noticed by
/// its unknown cursor mark; then everything is pushed again and pulled from the start.
public struct SyncClient: Sendable {
    public let store: any SyncClientStore
    public let transport: any SyncTransport
    public let batchSize: Int
    private let clock: @Sendable () -> Int64

    /// Records per pushed batch and pulled page: the server's cap. Each request carries its
    /// headers and starts its compression afresh, so the largest batch costs the fewest bytes and
    /// round trips (docs/PERFORMANCE.md has the figures).
    public static let defaultBatchSize = SyncLimits.maximumBatchRecords

    public init(store: any SyncClientStore, transport: any SyncTransport, batchSize: Int = defaultBatchSize, clock: @escaping @Sendable () -> Int64) {
        self.store = store
        self.transport = transport
        self.batchSize = batchSize
        self.clock = clock
    }

    public func sync(progress: (@Sendable (SyncReport) -> Void)? = nil) async throws -> SyncReport {
        var report = SyncReport()
        let sender = try store.siteInfo()
        let schema = try store.schemaVersion()
        try store.retryRefused(now: clock())
        // A restart (the server was restored) happens at most once per history; two rounds suffice.
        for _ in 0..<2 {
            var restarted = false
            // A batch and its push, made ready to send (read, encoded, compressed).
            func prepared(after seq: Int64?) throws -> (batch: (records: [RemoteRecord], through: Int64), push: PreparedPush?) {
                let batch = try store.pendingChanges(after: seq, limit: batchSize)
                guard !batch.records.isEmpty else { return (batch, nil) }
                let described = try store.describing(batch.records)
                let request = PushRequest(schemaVersion: schema, sender: sender, senderCounter: try store.counter(),
                                          cursor: try store.pullCursor(), records: batch.records, sites: described.sites, units: described.units)
                return (batch, transport.prepare(request))
            }
            var (batch, push) = try prepared(after: nil)
            pushing: while let current = push {
                // The next batch is read and made ready while the server merges this one; it is
                // sent only after this one is acknowledged, and the push cursor moves only then.
                async let answer = transport.push(current)
                let next = Result { try prepared(after: batch.through) }
                let response = try await answer
                report.requests += 1
                if response.restarted {
                    try store.restartSync()
                    restarted = true
                    break pushing
                }
                try store.acknowledgePush(through: batch.through, sent: batch.records.map(\.key), refused: response.refused, now: clock())
                report.pushed += batch.records.count - response.refused.count
                report.refused += response.refused
                progress?(report)
                (batch, push) = try next.get()
            }
            // The end of the sync as it stands: what was done, and the digest of the scope now.
            func ending() throws -> DoneRequest {
                DoneRequest(sender: sender, digest: try store.scopeDigest(), pushed: report.pushed, pulled: report.pulled,
                            conflicts: try store.openConflictCount(), syncs: try store.relayedSyncs())
            }
            var ended: (request: DoneRequest, response: DoneResponse)?
            if !restarted {
                func request(after cursor: SyncCursor?, finish: DoneRequest? = nil) throws -> PullRequest {
                    PullRequest(schemaVersion: schema, sender: sender, senderCounter: try store.counter(), cursor: cursor, limit: batchSize,
                                finish: finish)
                }
                func fetch(_ request: PullRequest?) async throws -> PullResponse? {
                    guard let request else { return nil }
                    return try await transport.pull(request)
                }
                // The end goes with the first pull: when there is nothing to pull the server takes
                // it there, and no `done` request follows (a server of before it skips it).
                let finish = try ending()
                var page = try await transport.pull(request(after: try store.pullCursor(), finish: finish))
                if let done = page.done, page.records.isEmpty, !page.more, !page.restarted { ended = (finish, done) }
                while true {
                    report.requests += 1
                    if page.restarted {
                        try store.restartSync()
                        restarted = true
                    }
                    // The next page is asked for, from the cursor this one brings, while this one
                    // is applied; it is applied only after this one, and the cursor moves with it.
                    // (The request is made here: the replica is busy applying meanwhile.)
                    let nextRequest = page.more ? try request(after: page.next) : nil
                    async let following = fetch(nextRequest)
                    let applied = try store.applyPulled(page, now: clock())
                    report.pulled += applied.changed
                    report.refused += applied.refused
                    progress?(report)
                    guard let nextPage = try await following else { break }
                    page = nextPage
                }
            }
            if restarted {
                report.restarted = true
                continue
            }
            let end: (request: DoneRequest, response: DoneResponse)
            if let ended {
                end = ended
            } else {
                let request = try ending()
                end = (request, try await transport.done(request))
                report.requests += 1
            }
            report.conflicts = end.request.conflicts
            report.converged = end.response.converged
            try store.recordSuccess(at: clock(), converged: report.converged ?? false)
            return report
        }
        report.conflicts = try store.openConflictCount()
        return report
    }
}
