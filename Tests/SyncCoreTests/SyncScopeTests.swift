import SyncCore
import Testing

/// The one scope rule, on a tree of three levels: 县 → 镇 → 村, and 街道 → 社区 beside them.
@Suite("Scope rule")
struct SyncScopeTests {
    static let tree = UnitTree([
        ("county", nil),
        ("town-a", "county"), ("village-a1", "town-a"), ("village-a2", "town-a"),
        ("town-b", "county"), ("village-b1", "town-b"),
        ("street", "county"), ("community", "street"), ("building", "community"),
    ])

    @Test("a unit's scope is its subtree; the root's is everything", arguments: [
        ("county", nil),
        ("town-a", ["town-a", "village-a1", "village-a2"]),
        ("village-a1", ["village-a1"]),
        ("street", ["street", "community", "building"]),
        ("community", ["community", "building"]),
        ("nowhere", []),
    ] as [(String, Set<String>?)])
    func subtree(unit: String, expected: Set<String>?) {
        let scope = SyncScope.of(unit: unit, in: Self.tree)
        #expect(scope.readable == expected)
        #expect(scope.writable == expected)
    }

    @Test("a village replica's own unit is the root of what it holds (its township is not in it)")
    func villageReplica() {
        let tree = UnitTree([("village-a1", "town-a")])
        #expect(tree.isRoot("village-a1"))
        #expect(SyncScope.of(unit: "village-a1", in: tree) == .everything)
        #expect(tree.contains("village-a1", within: "village-a1"))
    }

    @Test("containment walks up the parents, and a cycle of parents ends instead of looping")
    func containment() {
        #expect(Self.tree.contains("building", within: "county"))
        #expect(Self.tree.contains("village-b1", within: "town-b"))
        #expect(!Self.tree.contains("village-b1", within: "town-a"))
        #expect(!Self.tree.contains("town-a", within: "village-a1"))
        let cycle = UnitTree([("a", "b"), ("b", "a"), ("c", "a")])
        #expect(!cycle.contains("c", within: "z"))
        #expect(cycle.subtree(of: "a") == ["a", "b", "c"])
        #expect(!cycle.isRoot("a") && !cycle.isRoot("b"))
    }
}
