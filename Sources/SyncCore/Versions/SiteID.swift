import Codecs

/// The identity of one replica (a laptop's file, or the township server's database).
/// Sixteen lower-case hex digits, chosen at random when the replica is created. Held as the
/// number they spell: every field entry carries one, and a word is copied, compared and hashed
/// without touching a string. Numeric order is the order of the digits.
public struct SiteID: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let bits: UInt64

    public init(bits: UInt64) {
        self.bits = bits
    }

    public init?(_ text: String) {
        var text = text
        guard let site = text.withUTF8({ SiteID(utf8: $0) }) else { return nil }
        self = site
    }

    /// Exactly sixteen of `0-9a-f`.
    public init?(utf8 digits: UnsafeBufferPointer<UInt8>) {
        guard digits.count == 16 else { return nil }
        var bits: UInt64 = 0
        for digit in digits {
            guard let value = Hex.value(ofLowercase: digit) else { return nil }
            bits = bits << 4 | UInt64(value)
        }
        self.bits = bits
    }

    public static func random<G: RandomNumberGenerator>(using generator: inout G) -> SiteID {
        SiteID(bits: generator.next())
    }

    /// The sixteen digits.
    public var rawValue: String {
        String(unsafeUninitializedCapacity: 16) { buffer in
            Hex.write(bits, into: buffer, at: 0)
            return 16
        }
    }

    /// Appends the sixteen digits to `bytes`.
    public func appendDigits(to bytes: inout [UInt8]) {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 16) { buffer in
            Hex.write(bits, into: buffer, at: 0)
            bytes.append(contentsOf: buffer)
        }
    }

    public var description: String { rawValue }

    public static func < (lhs: SiteID, rhs: SiteID) -> Bool { lhs.bits < rhs.bits }
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
