/// What a peer may read and write: all units, or a set of unit codes.
public struct SyncScope: Sendable, Equatable {
    public let readable: Set<String>?
    public let writable: Set<String>?

    public static let everything = SyncScope(readable: nil, writable: nil)

    /// The one scope rule: a unit's token reads and writes that unit's subtree (a village its
    /// own unit, a township itself and its villages, at any depth); the root of the server's
    /// tree everything, units registered later included.
    public static func of(unit code: String, in tree: UnitTree) -> SyncScope {
        if tree.isRoot(code) { return .everything }
        let units = tree.subtree(of: code)
        return SyncScope(readable: units, writable: units)
    }

    public init(readable: Set<String>?, writable: Set<String>?) {
        self.readable = readable
        self.writable = writable
    }

    public func mayRead(_ unit: String) -> Bool { readable?.contains(unit) ?? true }
    public func mayWrite(_ unit: String) -> Bool { writable?.contains(unit) ?? true }
}

/// Units as a tree of any depth (county → township → village; 街道 → 社区): each unit with its
/// parent. A unit whose parent is not in the tree is a root: a server's own unit, or a village
/// replica's (whose township it does not hold).
public struct UnitTree: Sendable, Equatable {
    private let parents: [String: String]
    private let children: [String: [String]]

    public init(_ units: [(code: String, parent: String?)]) {
        var parents: [String: String] = [:]
        var children: [String: [String]] = [:]
        for unit in units {
            guard let parent = unit.parent else { continue }
            parents[unit.code] = parent
            children[parent, default: []].append(unit.code)
        }
        self.parents = parents
        self.children = children
        codes = Set(units.map(\.code))
    }

    /// Every unit of the tree.
    public let codes: Set<String>

    public func parent(of code: String) -> String? { parents[code].flatMap { codes.contains($0) ? $0 : nil } }

    public func isRoot(_ code: String) -> Bool { codes.contains(code) && parent(of: code) == nil }

    /// `code` and every unit below it (empty when the tree does not hold it). A cycle of parents,
    /// which no command makes, ends the walk instead of looping.
    public func subtree(of code: String) -> Set<String> {
        guard codes.contains(code) else { return [] }
        var found: Set<String> = [code]
        var next = [code]
        while let unit = next.popLast() {
            for child in children[unit] ?? [] where found.insert(child).inserted {
                next.append(child)
            }
        }
        return found
    }

    /// Whether `code` is `ancestor` or lies below it (cycle-safe, like `subtree`).
    public func contains(_ code: String, within ancestor: String) -> Bool {
        var unit = code
        for _ in 0...codes.count {
            if unit == ancestor { return true }
            guard let parent = parents[unit] else { return false }
            unit = parent
        }
        return false
    }
}
