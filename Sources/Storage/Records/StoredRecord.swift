import RecordRules
import Records
import SyncCore

/// A record as the replica holds it: identity, standing values and full version.
public struct StoredRecord: Sendable, Equatable {
    public let kind: RecordKind
    public let id: String
    public let unit: String
    /// The local change sequence number of the record's last change.
    public let seq: Int64
    /// The standing value of each non-empty field, as canonical text.
    public let values: [String: String]
    public let version: RecordVersion
    /// The row's digest as stored (nil only in a file not yet brought up to date).
    let digest: Digest256?
    /// On a server: the site whose push this version exactly is (it need not be sent back to it).
    let origin: String?

    public var isDeleted: Bool { version.isDeleted }

    /// About what this record weighs on the wire: every value it holds (concurrent ones
    /// included) plus a fixed allowance for names, version and punctuation — measured as the
    /// server measures a pushed batch.
    var approximateWireBytes: Int { RemoteRecord.contentBytes(id: id, version: version) }

    /// The CSV row of this record: `id`, `unit`, then the fields in the kind's order.
    public var csvFields: [String] {
        [id, unit] + kind.fields.map { values[$0.name] ?? "" }
    }
}
