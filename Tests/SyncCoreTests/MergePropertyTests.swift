import SyncCore
import Testing
import TestSupport

/// Seeded property tests: each case is a random honest history; a failure names its seed,
/// and `GONGKAI_SEED=<seed> swift test --filter MergePropertyTests` replays it.
@Suite("Merge is commutative, associative and idempotent")
struct MergePropertyTests {
    static let seeds = propertySeeds(count: 1_200)

    @Test("over 1,200 random honest histories")
    func properties() throws {
        var checked = 0
        for seed in Self.seeds {
            let versions = randomHistory(seed: seed)
            guard !versions.isEmpty else { continue }
            var random = SeededGenerator(seed: seed ^ 0xA5A5)
            for _ in 0..<4 {
                let x = versions.randomElement(using: &random)!
                let y = versions.randomElement(using: &random)!
                let z = versions.randomElement(using: &random)!
                do {
                    let xy = try RecordVersion.merge(x, y)
                    #expect(xy == (try RecordVersion.merge(y, x)), "commutativity, seed \(seed)")
                    #expect(try RecordVersion.merge(xy, z) == (try RecordVersion.merge(x, try RecordVersion.merge(y, z))), "associativity, seed \(seed)")
                    #expect(try RecordVersion.merge(x, x) == x, "idempotence, seed \(seed)")
                    #expect(try RecordVersion.merge(xy, y) == xy, "absorption, seed \(seed)")
                    #expect(xy.clock == x.clock.merged(with: y.clock), "clock is the join, seed \(seed)")
                    checked += 1
                } catch {
                    Issue.record("an honest history was refused: \(error), seed \(seed)")
                }
            }
        }
        #expect(checked >= 4_000, "only \(checked) cases")
    }

    @Test("every site that has merged everything holds the same version, in any order of merging")
    func convergence() throws {
        for seed in Self.seeds.prefix(300) {
            var random = SeededGenerator(seed: seed)
            let versions = randomHistory(seed: seed)
            guard let first = versions.first else { continue }
            let forward = try versions.dropFirst().reduce(first) { try RecordVersion.merge($0, $1) }
            let shuffled = versions.shuffled(using: &random)
            let other = try shuffled.dropFirst().reduce(shuffled[0]) { try RecordVersion.merge($1, $0) }
            #expect(forward == other, "seed \(seed)")
        }
    }
}
