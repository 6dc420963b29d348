/// The name of the field that says whether a record is deleted ("1") or live ("0").
/// Every local write sets it, so that a delete concurrent with an edit meets that edit's
/// "live" in the same register and becomes a conflict instead of a silent loss.
public let deletedField = "_deleted"

/// A record's state with its version: the version vector of all changes it includes, and the
/// register of every field.
public struct RecordVersion: Hashable, Sendable {
    public var clock: VersionVector
    public var fields: [String: FieldRegister]

    public init(clock: VersionVector, fields: [String: FieldRegister]) {
        self.clock = clock
        self.fields = fields
    }

    /// The value that stands in a field (nil when empty or never written).
    public func value(_ field: String) -> String? { fields[field]?.standing(in: field).value }

    /// Deleted when the standing value of the deleted-field says so.
    public var isDeleted: Bool { value(deletedField) == "1" }

    /// The record after a local change: each field in `changes` gets a single entry with the new
    /// dot (this replica has seen every entry it holds, so the write supersedes them all), the
    /// record is marked live, and the clock records the dot.
    public func writing(_ changes: [String: String?], dot: Dot, at time: Int64) -> RecordVersion {
        var next = self
        for (field, value) in changes {
            next.fields[field] = FieldRegister(single: FieldEntry(dot: dot, value: value, writtenAt: time))
        }
        if changes[deletedField] == nil {
            next.fields[deletedField] = FieldRegister(single: FieldEntry(dot: dot, value: "0", writtenAt: time))
        }
        next.clock.record(dot)
        return next
    }

    /// A new record: every listed field written by one dot.
    public static func created(_ values: [String: String?], dot: Dot, at time: Int64) -> RecordVersion {
        var fields: [String: FieldRegister] = [:]
        fields.reserveCapacity(values.count + 1)
        return RecordVersion(clock: VersionVector(), fields: fields).writing(values, dot: dot, at: time)
    }

    /// The record marked deleted by a local change. Field values stay, so that a concurrent
    /// edit can still be shown next to the delete.
    public func deleting(dot: Dot, at time: Int64) -> RecordVersion {
        writing([deletedField: "1"], dot: dot, at: time)
    }

    /// The fields whose standing value differs from `values` (absent keys ignored): what a local
    /// edit must write. A field counts as written only when its value changes.
    public func changedFields(_ values: [String: String?]) -> [String: String?] {
        values.filter { field, value in
            guard let register = fields[field] else { return value != nil }
            return register.standing(in: field).value != value
        }
    }

    /// Fields with concurrent values that differ.
    public var conflictedFields: [String] {
        fields.filter { $0.value.isConflicted }.map(\.key).sorted()
    }
}
