/// One value written to a field: by which change, what value (nil = empty), and the writer's
/// wall-clock time in Unix seconds, which is shown to people and never decides anything.
public struct FieldEntry: Hashable, Sendable {
    public let dot: Dot
    public let value: String?
    public let writtenAt: Int64

    public init(dot: Dot, value: String?, writtenAt: Int64) {
        self.dot = dot
        self.value = value
        self.writtenAt = writtenAt
    }
}

/// The values of one field that no replica has yet overwritten having seen them.
/// Normally one entry; several when writes on different replicas were concurrent, and then
/// they stay until a person (or a later write that has seen them all) settles the field.
public struct FieldRegister: Hashable, Sendable {
    /// Sorted by dot, highest last.
    public private(set) var entries: [FieldEntry]

    public init(_ entries: [FieldEntry]) {
        self.entries = entries.sorted { $0.dot < $1.dot }
    }

    public init(single entry: FieldEntry) {
        entries = [entry]
    }

    /// The entry that stands in `field`: the one with the highest dot — deterministic on every
    /// replica and independent of wall clocks. In the deleted-field a live entry stands over a
    /// concurrent delete, so that a record deleted on one laptop and edited on another stays
    /// visible, in conflict, until a person decides.
    public func standing(in field: String) -> FieldEntry {
        if field == deletedField, entries.count > 1, let live = entries.last(where: { $0.value == "0" }) {
            return live
        }
        return entries[entries.count - 1]
    }

    /// The entries that do not stand.
    public func losers(in field: String) -> [FieldEntry] {
        let winner = standing(in: field).dot
        return entries.filter { $0.dot != winner }
    }

    /// Whether people must look: concurrent entries with different values.
    public var isConflicted: Bool {
        let value = entries[0].value
        return entries.contains { $0.value != value }
    }
}
