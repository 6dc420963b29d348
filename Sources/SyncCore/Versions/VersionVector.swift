/// How two versions relate causally.
public enum Causality: Sendable, Equatable {
    case equal
    /// The left side happened before the right: the right has seen everything the left has.
    case before
    /// The left side happened after the right.
    case after
    /// Neither has seen all of the other.
    case concurrent
}

/// For each site, the highest counter of that site's changes that a version includes.
public struct VersionVector: Hashable, Sendable, CustomStringConvertible {
    public private(set) var counters: [SiteID: UInt64]

    public init(_ counters: [SiteID: UInt64] = [:]) {
        self.counters = counters.filter { $0.value > 0 }
    }

    public subscript(site: SiteID) -> UInt64 { counters[site] ?? 0 }

    public var isEmpty: Bool { counters.isEmpty }

    /// Whether this version includes the change `dot`.
    public func includes(_ dot: Dot) -> Bool { self[dot.site] >= dot.counter }

    public mutating func record(_ dot: Dot) {
        if dot.counter > self[dot.site] { counters[dot.site] = dot.counter }
    }

    public func compare(_ other: VersionVector) -> Causality {
        var someGreater = false
        var someLess = false
        for (site, counter) in counters {
            let theirs = other[site]
            if counter > theirs { someGreater = true } else if counter < theirs { someLess = true }
        }
        for (site, counter) in other.counters where counters[site] == nil && counter > 0 {
            someLess = true
        }
        switch (someGreater, someLess) {
        case (false, false): return .equal
        case (true, false): return .after
        case (false, true): return .before
        case (true, true): return .concurrent
        }
    }

    /// The least version that includes both.
    public func merged(with other: VersionVector) -> VersionVector {
        var result = self
        for (site, counter) in other.counters where counter > result[site] {
            result.counters[site] = counter
        }
        return result
    }

    /// `site:counter` pairs sorted by site, joined by commas: the stored and wire form.
    public var encoded: String {
        // One entry is the common case (a record only ever written at one site): no sorting.
        if counters.count == 1, let (site, counter) = counters.first { return site.rawValue + ":" + String(counter) }
        return counters.sorted { $0.key < $1.key }.map { "\($0.key.rawValue):\($0.value)" }.joined(separator: ",")
    }

    public init?(encoded text: String) {
        guard let vector = try? VersionVector(encoded: text, limits: .stored) else { return nil }
        self = vector
    }

    /// Reads the encoded form, each counter within `limits`; says why not.
    public init(encoded text: String, limits: CompactLimits) throws(CompactFormError) {
        var counters: [SiteID: UInt64] = [:]
        var text = text
        let problem = text.withUTF8 { bytes -> CompactFormError? in
            var text = CompactText(bytes, limits: limits)
            while !text.isAtEnd {
                guard let dot = text.dot() else { return text.failure }
                guard counters.updateValue(dot.counter, forKey: dot.site) == nil else { return .malformed }
                if text.isAtEnd { break }
                guard text.skip(","), !text.isAtEnd else { return .malformed }
            }
            return nil
        }
        if let problem { throw problem }
        self.counters = counters
    }

    public var description: String { "[\(encoded)]" }
}
