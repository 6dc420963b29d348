/// The version of the sync protocol this build speaks. A peer with another version is refused
/// with a message that says which side to upgrade.
public let syncProtocolVersion = 2

/// The most record content (values, in UTF-8) one pushed batch or pulled page carries, whatever
/// its record count: 2,000 long documents would otherwise make a request of a gigabyte. 4 MB
/// stays far below the server's 32 MB cap on a decompressed body even when JSON escapes it.
public let syncBatchByteBudget = 4 * 1024 * 1024

/// One replica as its peers know it.
public struct SiteInfo: Sendable, Hashable {
    public let site: SiteID
    public let deviceName: String
    public let unit: String

    public init(site: SiteID, deviceName: String, unit: String) {
        self.site = site
        self.deviceName = deviceName
        self.unit = unit
    }
}

/// A record version as it travels between replicas. The kind is its key (`requests`).
public struct RemoteRecord: Sendable, Equatable {
    public let kind: String
    public let id: String
    public let unit: String
    public let version: RecordVersion

    public init(kind: String, id: String, unit: String, version: RecordVersion) {
        self.kind = kind
        self.id = id
        self.unit = unit
        self.version = version
    }

    /// What a record counts against `syncBatchByteBudget`: its values in UTF-8, its id, and a
    /// fixed allowance for the rest. The sender and the server measure batches alike.
    public static func contentBytes(id: String, version: RecordVersion) -> Int {
        var bytes = 256 + id.utf8.count
        for register in version.fields.values {
            for entry in register { bytes += entry.value?.utf8.count ?? 0 }
        }
        return bytes
    }

    public var contentBytes: Int { RemoteRecord.contentBytes(id: id, version: version) }

    public var key: RecordKey { RecordKey(kind: kind, id: id) }
}

/// Which record: its kind's key and its id.
public struct RecordKey: Sendable, Hashable {
    public let kind: String
    public let id: String

    public init(kind: String, id: String) {
        self.kind = kind
        self.id = id
    }
}

/// Where a pull stopped: the last change sequence number of the server the puller has seen,
/// and the mark the server issued with it. The server keeps every mark it issues; a cursor
/// whose mark it does not know comes from a history it no longer has (it was restored from a
/// backup), and the puller starts over instead of trusting it.
public struct SyncCursor: Sendable, Hashable {
    public let mark: String
    public let seq: Int64

    public init(mark: String, seq: Int64) {
        self.mark = mark
        self.seq = seq
    }
}

/// Who is asking, as the serving side established it — never as the request claims.
public struct SyncPeer: Sendable, Equatable {
    /// What it may read and write.
    public let scope: SyncScope
    /// The credential the device proved (its token's hash): the sites it names are bound to it.
    /// Nil for a replica opened in this process (`gongkai sync --with FILE`): whoever holds the
    /// server's own file is trusted as they say.
    public let device: String?
    /// A server below this one relaying its subtree (`DeviceAccess.relays`): it may bring the
    /// changes of every site of its scope's units, and register units below its own.
    public let relays: Bool
    /// The unit the token was issued to: every message's sender must be a replica of it (nil for
    /// a replica opened in this process, trusted as it says).
    public let unit: String?

    public init(scope: SyncScope, device: String?, relays: Bool = false, unit: String? = nil) {
        self.scope = scope
        self.device = device
        self.relays = relays
        self.unit = unit
    }
}

public struct PushRequest: Sendable, Equatable {
    public let protocolVersion: Int
    public let schemaVersion: Int
    public let sender: SiteInfo
    /// The sender's dot counter now: never lower than what it declared before, unless the
    /// sender is a copy of a replica that has moved on.
    public let senderCounter: UInt64
    /// The sender's pull cursor, so that a restored server is noticed before anything else.
    public let cursor: SyncCursor?
    public let records: [RemoteRecord]
    /// The other sites the records' versions name and the other units they belong to, as the
    /// sender knows them: what a relay brings up for the server to register (others ignore them;
    /// servers of before relays skip the keys).
    public let sites: [SiteInfo]
    public let units: [UnitInfo]

    public init(protocolVersion: Int = syncProtocolVersion, schemaVersion: Int, sender: SiteInfo, senderCounter: UInt64,
                cursor: SyncCursor? = nil, records: [RemoteRecord], sites: [SiteInfo] = [], units: [UnitInfo] = []) {
        self.protocolVersion = protocolVersion
        self.schemaVersion = schemaVersion
        self.sender = sender
        self.senderCounter = senderCounter
        self.cursor = cursor
        self.records = records
        self.sites = sites
        self.units = units
    }
}

/// A record the receiver would not take, and why (in Chinese, for the user).
public struct Refusal: Sendable, Equatable {
    public let kind: String
    public let id: String
    public let reason: String

    public init(kind: String, id: String, reason: String) {
        self.kind = kind
        self.id = id
        self.reason = reason
    }

    /// How a refusal's reason begins when the server keeps the version until another device
    /// shows its part (`Vouching`): nothing for the user to do, the record comes in by itself.
    public static let awaitingOwnerMark = "暂存待合并:"

    /// Whether the server keeps the version and will take it by itself.
    public var isAwaitingOwner: Bool { Refusal.isAwaitingOwner(reason: reason) }

    /// The same, for a refusal's reason as a laptop keeps it (`status`).
    public static func isAwaitingOwner(reason: String) -> Bool { reason.hasPrefix(awaitingOwnerMark) }
}

public struct PushResponse: Sendable, Equatable {
    /// Records whose merge changed the receiver's state.
    public let changed: Int
    /// Records that now hold concurrent values in some field.
    public let conflicted: Int
    public let refused: [Refusal]
    /// The sender's cursor is from a history the server no longer has: start over.
    public let restarted: Bool

    public init(changed: Int, conflicted: Int, refused: [Refusal], restarted: Bool = false) {
        self.changed = changed
        self.conflicted = conflicted
        self.refused = refused
        self.restarted = restarted
    }
}

public struct PullRequest: Sendable, Equatable {
    public let protocolVersion: Int
    public let schemaVersion: Int
    public let sender: SiteInfo
    public let senderCounter: UInt64
    /// Nil for a first pull (or to start over).
    public let cursor: SyncCursor?
    public let limit: Int
    /// The end of the sync, for the server to take with this pull when its page holds nothing
    /// (`SyncService.finish(of:after:)`): a sync with nothing to pull then needs no `done`
    /// request. The same sender and protocol version as the pull's. Servers of before it skip
    /// the key, and the client sends `done` as ever.
    public let finish: DoneRequest?

    public init(protocolVersion: Int = syncProtocolVersion, schemaVersion: Int, sender: SiteInfo, senderCounter: UInt64, cursor: SyncCursor?, limit: Int,
                finish: DoneRequest? = nil) {
        self.protocolVersion = protocolVersion
        self.schemaVersion = schemaVersion
        self.sender = sender
        self.senderCounter = senderCounter
        self.cursor = cursor
        self.limit = limit
        self.finish = finish
    }
}

/// A unit a record belongs to, so that the receiver can register it.
public struct UnitInfo: Sendable, Hashable {
    public let code: String
    public let name: String
    public let parent: String?

    public init(code: String, name: String, parent: String?) {
        self.code = code
        self.name = name
        self.parent = parent
    }
}

public struct PullResponse: Sendable, Equatable {
    public let records: [RemoteRecord]
    /// The sites that wrote the entries of these records, so that conflicts can say who wrote what.
    public let sites: [SiteInfo]
    /// The units of these records.
    public let units: [UnitInfo]
    /// Where the next pull starts.
    public let next: SyncCursor
    /// Whether more changes wait after `next`.
    public let more: Bool
    /// The cursor sent was from a history the server no longer has; this page starts from zero.
    public let restarted: Bool
    /// The answer to the request's `finish`, when the server took it with this page.
    public let done: DoneResponse?

    public init(records: [RemoteRecord], sites: [SiteInfo], units: [UnitInfo], next: SyncCursor, more: Bool,
                restarted: Bool = false, done: DoneResponse? = nil) {
        self.records = records
        self.sites = sites
        self.units = units
        self.next = next
        self.more = more
        self.restarted = restarted
        self.done = done
    }

    /// This page with the answer to its request's `finish`.
    public func finished(_ done: DoneResponse) -> PullResponse {
        PullResponse(records: records, sites: sites, units: units, next: next, more: more, restarted: restarted, done: done)
    }
}

/// The end of a sync session: what the client did and the digest of its scope after it.
public struct DoneRequest: Sendable, Equatable {
    public let protocolVersion: Int
    public let sender: SiteInfo
    public let digest: String
    public let pushed: Int
    public let pulled: Int
    public let conflicts: Int
    /// A relay's word of when the devices below it last finished a sync with it (empty from a
    /// laptop; servers of before relays skip the key).
    public let syncs: [RelayedSync]

    public init(protocolVersion: Int = syncProtocolVersion, sender: SiteInfo, digest: String, pushed: Int, pulled: Int, conflicts: Int,
                syncs: [RelayedSync] = []) {
        self.protocolVersion = protocolVersion
        self.sender = sender
        self.digest = digest
        self.pushed = pushed
        self.pulled = pulled
        self.conflicts = conflicts
        self.syncs = syncs
    }
}

/// When a device last finished a sync with a server below this one, as that server relays it:
/// so that a county's report gives each village's last sync as its township's does.
public struct RelayedSync: Sendable, Equatable {
    public let site: SiteInfo
    /// Unix seconds.
    public let at: Int64

    public init(site: SiteInfo, at: Int64) {
        self.site = site
        self.at = at
    }
}

public struct DoneResponse: Sendable, Equatable {
    /// Whether the server's digest of the client's scope equals the client's.
    public let converged: Bool
    public let digest: String

    public init(converged: Bool, digest: String) {
        self.converged = converged
        self.digest = digest
    }
}
