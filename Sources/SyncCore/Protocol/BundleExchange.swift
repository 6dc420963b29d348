/// Sync by a file carried on a stick: the same messages as over the network, gathered into one
/// bundle each way. The lower side (a laptop, or a township's server below its county) writes an
/// `UpBundle`: every change the server has not acknowledged, its pull cursor, and its end of
/// sync. The server answers it whole (`SyncService.answer`) with a `ReplyBundle`: what it made
/// of each push, every page the sender lacks since that cursor, and its digest of the sender's
/// scope. The lower side takes the reply (`BundleClient.take`). Either may arrive twice, late or
/// out of order: versions merge idempotently, an acknowledgement only ever moves the push cursor
/// forward, and a page moves the pull cursor only from where it stands.
public struct UpBundle: Sendable, Equatable {
    public var pushes: [BundledPush]
    public var pull: PullRequest
    public var done: DoneRequest

    public init(pushes: [BundledPush], pull: PullRequest, done: DoneRequest) {
        self.pushes = pushes
        self.pull = pull
        self.done = done
    }
}

/// One pushed batch and the sender's change number it runs to (acknowledged by the reply).
public struct BundledPush: Sendable, Equatable {
    public let request: PushRequest
    public let through: Int64

    public init(request: PushRequest, through: Int64) {
        self.request = request
        self.through = through
    }
}

public struct ReplyBundle: Sendable, Equatable {
    public var acks: [BundledAck]
    /// The cursor the up bundle named, and where the pages begin (nil: the start; they differ
    /// when the server no longer knew the asked one and started over).
    public var asked: SyncCursor?
    public var base: SyncCursor?
    public var pages: [PullResponse]
    public var finished: DoneResponse

    public init(acks: [BundledAck], asked: SyncCursor?, base: SyncCursor?, pages: [PullResponse], finished: DoneResponse) {
        self.acks = acks
        self.asked = asked
        self.base = base
        self.pages = pages
        self.finished = finished
    }
}

/// What the server made of one pushed batch: the records it carried and the server's answer.
public struct BundledAck: Sendable, Equatable {
    public let through: Int64
    public let sent: [RecordKey]
    public let response: PushResponse

    public init(through: Int64, sent: [RecordKey], response: PushResponse) {
        self.through = through
        self.sent = sent
        self.response = response
    }
}

/// The lower side of a sync by bundle: `SyncClient`'s work, with a file for a transport.
public struct BundleClient: Sendable {
    public let store: any SyncClientStore
    public let batchSize: Int
    let clock: @Sendable () -> Int64

    public init(store: any SyncClientStore, batchSize: Int = SyncClient.defaultBatchSize, clock: @escaping @Sendable () -> Int64) {
        self.store = store
        self.batchSize = batchSize
        self.clock = clock
    }

    /// Everything the server has not acknowledged, and the cursor to answer from.
    public func bundle() throws -> UpBundle {
        let sender = try store.siteInfo()
        let schema = try store.schemaVersion()
        let counter = try store.counter()
        let cursor = try store.pullCursor()
        try store.retryRefused(now: clock())
        var pushes: [BundledPush] = []
        var after: Int64? = nil
        while true {
            let batch = try store.pendingChanges(after: after, limit: batchSize)
            guard !batch.records.isEmpty else { break }
            let described = try store.describing(batch.records)
            pushes.append(BundledPush(request: PushRequest(schemaVersion: schema, sender: sender, senderCounter: counter, cursor: cursor,
                                                           records: batch.records, sites: described.sites, units: described.units),
                                      through: batch.through))
            after = batch.through
        }
        let pushed = pushes.reduce(0) { $0 + $1.request.records.count }
        return UpBundle(pushes: pushes,
                        pull: PullRequest(schemaVersion: schema, sender: sender, senderCounter: counter, cursor: cursor, limit: batchSize),
                        done: DoneRequest(sender: sender, digest: try store.scopeDigest(), pushed: pushed, pulled: 0,
                                          conflicts: try store.openConflictCount(), syncs: try store.relayedSyncs()))
    }

    /// Takes a reply: acknowledgements, then pages, then the digests compared.
    public func take(_ reply: ReplyBundle) throws -> SyncReport {
        var report = SyncReport()
        // The server no longer knew the cursor this replica had when it wrote the bundle (it was
        // restored): start over, but only if that is still where this replica stands.
        let current = try store.pullCursor()
        if reply.asked != reply.base, current == reply.asked {
            try store.restartSync()
            report.restarted = true
        }
        for ack in reply.acks where !ack.response.restarted {
            try store.acknowledgePush(through: ack.through, sent: ack.sent, refused: ack.response.refused, now: clock())
            report.pushed += ack.sent.count - ack.response.refused.count
            report.refused += ack.response.refused
        }
        var from = reply.base
        for page in reply.pages {
            let applied = try store.applyBundledPage(page, from: from, now: clock())
            report.pulled += applied.changed
            report.refused += applied.refused
            from = page.next
        }
        report.conflicts = try store.openConflictCount()
        report.converged = try store.scopeDigest() == reply.finished.digest
        try store.recordBundleTaken(at: clock(), converged: report.converged ?? false)
        return report
    }
}

extension SyncService {
    /// The most pages one reply carries (2,000 records each): what a sender lacks beyond that
    /// comes with its next bundle.
    public static let maximumBundlePages = 200

    /// Answers an up bundle whole: every push merged, every page the sender lacks since its
    /// cursor, its end of sync noted. Counters are not checked against the sender's declared one
    /// (a bundle may come late); a copy of a replica is still caught by its changes' dots.
    public func answer(_ bundle: UpBundle, peer: SyncPeer, now: Int64) throws -> ReplyBundle {
        try answer(sender: bundle.done.sender, pushes: { each in for push in bundle.pushes { try each(push) } },
                   pull: bundle.pull, done: bundle.done, peer: peer, now: now)
    }

    /// The same, with the pushes handed over one at a time (`pushes` calls its argument for
    /// each, in order), as a server reads a large file a frame at a time.
    public func answer(sender: SiteInfo, pushes: ((BundledPush) throws -> Void) throws -> Void, pull: PullRequest, done: DoneRequest,
                       peer: SyncPeer, now: Int64) throws -> ReplyBundle {
        let spliced = SyncRefused.notAllowed("文件中的消息来自不同的站点; 文件已损坏或被拼接")
        guard done.sender == sender, pull.sender == sender else { throw spliced }
        var acks: [BundledAck] = []
        var peer = peer
        try pushes { push in
            guard push.request.sender == sender else { throw spliced }
            if peer.relays { peer = try store.adoptRelayed(sites: push.request.sites, units: push.request.units, as: peer, now: now) }
            let response = try self.push(push.request, peer: peer, declaredCounter: nil, now: now)
            acks.append(BundledAck(through: push.through, sent: push.request.records.map(\.key), response: response))
        }
        var pages: [PullResponse] = []
        var request = pull
        var base = pull.cursor
        while pages.count < SyncService.maximumBundlePages {
            let page = try self.pull(request, peer: peer, declaredCounter: nil, now: now)
            if pages.isEmpty && page.restarted { base = nil }
            pages.append(page)
            guard page.more else { break }
            request = PullRequest(schemaVersion: request.schemaVersion, sender: sender, senderCounter: request.senderCounter, cursor: page.next,
                                  limit: request.limit)
        }
        let finished = try self.done(done, peer: peer, by: .bundle, now: now)
        return ReplyBundle(acks: acks, asked: pull.cursor, base: base, pages: pages, finished: finished)
    }
}

/// What a server holds of the token a bundle file names: the device's key when it holds one (nil
/// for a token issued before bundle files were signed with it), the token's hash, and what the
/// token allows.
public struct BundleKeys: Sendable {
    public let key: String?
    public let hash: String
    public let access: TokenCheck

    public init(key: String?, hash: String, access: TokenCheck) {
        (self.key, self.hash, self.access) = (key, hash, access)
    }
}
