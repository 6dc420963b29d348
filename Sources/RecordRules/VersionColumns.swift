import Foundation
import SyncCore

/// How a record's version is laid out in its row: the compact form of `RecordVersion`
/// (`vv`, `clock`, and `siblings` as JSON, NULL when there are none), the standing value of
/// each field in the field's own column, `deleted` (the standing value of the deleted-field),
/// and `conflicts` (how many fields hold concurrent differing values).
public struct VersionColumns: Equatable, Sendable {
    public var vv: String
    public var clock: String
    public var siblings: String?
    public var conflicts: Int
    public var deleted: Bool

    public init(_ version: RecordVersion) { self.init(version, compact: version.compact) }

    /// With the compact form already computed (the writer needs it for the digest too).
    public init(_ version: RecordVersion, compact: CompactVersion) {
        vv = compact.vv
        clock = compact.clock
        siblings = compact.siblings.isEmpty ? nil : VersionColumns.encode(compact.siblings)
        conflicts = version.conflictedFields.count
        deleted = version.isDeleted
    }

    public init(vv: String, clock: String, siblings: String?, conflicts: Int, deleted: Bool) {
        self.vv = vv
        self.clock = clock
        self.siblings = siblings
        self.conflicts = conflicts
        self.deleted = deleted
    }

    /// Rebuilds the version from these columns and the standing field values.
    public func version(values: [String: String]) -> RecordVersion? {
        var all = values
        all[deletedField] = deleted ? "1" : "0"
        var decoded: [CompactVersion.Sibling] = []
        if let siblings {
            guard let list = try? JSONDecoder().decode([CompactVersion.Sibling].self, from: Data(siblings.utf8)) else { return nil }
            decoded = list
        }
        return RecordVersion(compact: CompactVersion(vv: vv, clock: clock, values: all, siblings: decoded))
    }

    public static func encode(_ siblings: [CompactVersion.Sibling]) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try! encoder.encode(siblings), as: UTF8.self)
    }
}
