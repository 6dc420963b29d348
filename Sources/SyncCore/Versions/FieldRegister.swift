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

    /// The value that stands: the entry with the highest dot. Deterministic on every replica,
    /// independent of wall clocks.
    public var winner: FieldEntry { entries[entries.count - 1] }

    /// The entries that did not win.
    public var losers: ArraySlice<FieldEntry> { entries.dropLast() }

    /// Whether people must look: concurrent entries with different values.
    public var isConflicted: Bool {
        let value = winner.value
        return entries.contains { $0.value != value }
    }
}
