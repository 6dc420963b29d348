import Foundation

/// A small, fast, seedable generator (SplitMix64): the same seed gives the same run. For tests
/// and benchmarks, never for ids or tokens.
public struct SeededGenerator: RandomNumberGenerator, Sendable {
    private var state: UInt64

    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// The seeds of a property run: `GONGKAI_SEED` to replay one, else `count` fixed ones.
public func propertySeeds(count: Int, base: UInt64 = 20_261_127) -> [UInt64] {
    if let text = ProcessInfo.processInfo.environment["GONGKAI_SEED"], let seed = UInt64(text) { return [seed] }
    return (0..<UInt64(count)).map { base &+ $0 &* 7919 }
}
