/// The identity of one replica (a laptop's file, or the township server's database).
/// Sixteen lower-case hex digits, chosen at random when the replica is created.
public struct SiteID: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let rawValue: String

    public init?(_ text: String) {
        guard text.utf8.count == 16, text.utf8.allSatisfy({ (48...57).contains($0) || (97...102).contains($0) }) else { return nil }
        rawValue = text
    }

    public static func random<G: RandomNumberGenerator>(using generator: inout G) -> SiteID {
        let text = String(generator.next() as UInt64, radix: 16)
        return SiteID(String(repeating: "0", count: 16 - text.count) + text)!
    }

    public var description: String { rawValue }

    public static func < (lhs: SiteID, rhs: SiteID) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// One committed change: the site that made it and that site's counter at the time.
/// Ordered by counter, then site, which gives a deterministic winner between concurrent writes
/// without consulting any wall clock.
public struct Dot: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let site: SiteID
    public let counter: UInt64

    public init(site: SiteID, counter: UInt64) {
        self.site = site
        self.counter = counter
    }

    public var description: String { "\(site.rawValue):\(counter)" }

    public static func < (lhs: Dot, rhs: Dot) -> Bool {
        (lhs.counter, lhs.site) < (rhs.counter, rhs.site)
    }
}
