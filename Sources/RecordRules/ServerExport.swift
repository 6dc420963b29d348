import Records
import SyncCore

/// Everything a server's database holds, as `gongkai admin migrate` moves it from one store to
/// another: the header (identity, units, sites, tokens, refusals, cursor marks, published
/// reports, each unit's digest) and then the records in batches, in change order.
public enum ServerExport {
    public struct Identity: Sendable, Equatable {
        public let site: SiteID
        public let unit: GovernmentUnit
        public let deviceName: String
        /// The server's Lamport counter: the highest change it has seen.
        public let counter: Int64
        public let createdAt: Int64

        public init(site: SiteID, unit: GovernmentUnit, deviceName: String, counter: Int64, createdAt: Int64) {
            (self.site, self.unit, self.deviceName, self.counter, self.createdAt) = (site, unit, deviceName, counter, createdAt)
        }
    }

    public struct Site: Sendable, Equatable {
        public let site: String, deviceName: String, unit: String, counter: Int64, seenAt: Int64
        public let owner: String?, syncedAt: Int64?, finishedSyncs: Int64

        public init(site: String, deviceName: String, unit: String, counter: Int64, seenAt: Int64, owner: String?, syncedAt: Int64?,
                    finishedSyncs: Int64) {
            (self.site, self.deviceName, self.unit, self.counter, self.seenAt) = (site, deviceName, unit, counter, seenAt)
            (self.owner, self.syncedAt, self.finishedSyncs) = (owner, syncedAt, finishedSyncs)
        }
    }

    public struct Token: Sendable, Equatable {
        public let hash: String, unit: String, issuedAt: Int64, revokedAt: Int64?, relays: Bool
        /// The device's bundle key, sealed with the server's secret (which moves beside the store, not in it).
        public let bundleKey: String?

        public init(hash: String, unit: String, issuedAt: Int64, revokedAt: Int64?, relays: Bool = false, bundleKey: String? = nil) {
            (self.hash, self.unit, self.issuedAt, self.revokedAt, self.relays) = (hash, unit, issuedAt, revokedAt, relays)
            self.bundleKey = bundleKey
        }
    }

    public struct Refusal: Sendable, Equatable {
        public let site: String, kind: String, id: String, unit: String, reason: String, refusedAt: Int64, syncNumber: Int64

        public init(site: String, kind: String, id: String, unit: String, reason: String, refusedAt: Int64, syncNumber: Int64) {
            (self.site, self.kind, self.id, self.unit) = (site, kind, id, unit)
            (self.reason, self.refusedAt, self.syncNumber) = (reason, refusedAt, syncNumber)
        }
    }

    /// A cursor mark the server issued: it names the positions `firstSeq...lastSeq`.
    public struct Mark: Sendable, Equatable {
        public let mark: String, firstSeq: Int64, lastSeq: Int64

        public init(mark: String, firstSeq: Int64, lastSeq: Int64) {
            (self.mark, self.firstSeq, self.lastSeq) = (mark, firstSeq, lastSeq)
        }
    }

    public struct PublishedReport: Sendable, Equatable {
        public let year: Int, version: Int, formatVersion: String, publishedAt: Int64, reason: String?, report: String, model: String?

        public init(year: Int, version: Int, formatVersion: String, publishedAt: Int64, reason: String?, report: String, model: String?) {
            (self.year, self.version, self.formatVersion, self.publishedAt) = (year, version, formatVersion, publishedAt)
            (self.reason, self.report, self.model) = (reason, report, model)
        }
    }

    public struct Header: Sendable {
        public let identity: Identity
        /// Every unit, the served one first.
        public let units: [GovernmentUnit]
        public let sites: [Site]
        public let tokens: [Token]
        public let refusals: [Refusal]
        public let marks: [Mark]
        public let published: [PublishedReport]
        /// Each unit's digest as the source keeps it: the destination recomputes its own from
        /// the records and must arrive at the same.
        public let unitDigests: [String: String]
        /// How many records follow, for progress.
        public let recordCount: Int

        public init(identity: Identity, units: [GovernmentUnit], sites: [Site], tokens: [Token], refusals: [Refusal], marks: [Mark],
                    published: [PublishedReport], unitDigests: [String: String], recordCount: Int) {
            (self.identity, self.units, self.sites, self.tokens, self.refusals) = (identity, units, sites, tokens, refusals)
            (self.marks, self.published, self.unitDigests, self.recordCount) = (marks, published, unitDigests, recordCount)
        }
    }

    /// One record as the server holds it: its number in the change feed and, when its version is
    /// exactly what a site pushed, that site.
    public struct Record: Sendable {
        public let kind: RecordKind
        public let id: String
        public let unit: String
        public let seq: Int64
        public let origin: String?
        public let version: RecordVersion

        public init(kind: RecordKind, id: String, unit: String, seq: Int64, origin: String?, version: RecordVersion) {
            (self.kind, self.id, self.unit, self.seq, self.origin, self.version) = (kind, id, unit, seq, origin, version)
        }
    }
}
