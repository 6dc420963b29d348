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
/// A collection of its entries, sorted by dot, highest last. The usual single entry is held
/// inline: a record of ten fields is read, merged and sent without ten array allocations.
public struct FieldRegister: Hashable, Sendable {
    private enum Storage: Hashable, Sendable {
        case one(FieldEntry)
        /// Never exactly one entry, so that equal registers have equal storage.
        case many([FieldEntry])
    }

    private let storage: Storage

    public init(_ entries: [FieldEntry]) {
        let sorted = entries.sorted { $0.dot < $1.dot }
        storage = sorted.count == 1 ? .one(sorted[0]) : .many(sorted)
    }

    public init(single entry: FieldEntry) {
        storage = .one(entry)
    }

    /// The entries as an array, sorted by dot, highest last.
    public var entries: [FieldEntry] { Array(self) }

    /// The entry that stands in `field`: the one with the highest dot — deterministic on every
    /// replica and independent of wall clocks. In the deleted-field a live entry stands over a
    /// concurrent delete, so that a record deleted on one laptop and edited on another stays
    /// visible, in conflict, until a person decides.
    public func standing(in field: String) -> FieldEntry {
        if field == deletedField, count > 1, let live = last(where: { $0.value == "0" }) {
            return live
        }
        return self[count - 1]
    }

    /// The entries that do not stand.
    public func losers(in field: String) -> [FieldEntry] {
        let winner = standing(in: field).dot
        return filter { $0.dot != winner }
    }

    /// Whether people must look: concurrent entries with different values.
    public var isConflicted: Bool {
        guard case .many(let entries) = storage, let value = entries.first?.value else { return false }
        return entries.contains { $0.value != value }
    }
}

extension FieldRegister: RandomAccessCollection {
    public var startIndex: Int { 0 }

    public var endIndex: Int {
        switch storage {
        case .one: 1
        case .many(let entries): entries.count
        }
    }

    public subscript(position: Int) -> FieldEntry {
        switch storage {
        case .one(let entry):
            precondition(position == 0, "index out of range")
            return entry
        case .many(let entries): return entries[position]
        }
    }
}
