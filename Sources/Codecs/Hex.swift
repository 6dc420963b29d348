/// Lower-case hexadecimal: the one spelling of site ids, digests, token hashes and JSON's
/// `\u00XX` escapes.
public enum Hex {
    /// The ASCII digit of a nibble (its low four bits).
    @inlinable
    public static func digit(_ nibble: UInt8) -> UInt8 {
        let value = nibble & 0xF
        return value < 10 ? UInt8(ascii: "0") + value : UInt8(ascii: "a") + value - 10
    }

    /// The value of a lower-case digit (`0-9a-f`), nil for any other byte.
    @inlinable
    public static func value(ofLowercase digit: UInt8) -> UInt8? {
        switch digit {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): digit - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): digit - UInt8(ascii: "a") + 10
        default: nil
        }
    }

    /// The value of a digit of either case, nil for any other byte.
    @inlinable
    public static func value(of digit: UInt8) -> UInt8? {
        if let value = value(ofLowercase: digit) { return value }
        guard digit >= UInt8(ascii: "A"), digit <= UInt8(ascii: "F") else { return nil }
        return digit - UInt8(ascii: "A") + 10
    }

    /// Writes the sixteen digits of `word`, most significant first, at `offset`.
    @inlinable
    public static func write(_ word: UInt64, into buffer: UnsafeMutableBufferPointer<UInt8>, at offset: Int) {
        for index in 0..<16 {
            buffer[offset + index] = digit(UInt8(truncatingIfNeeded: word >> (60 - 4 * UInt64(index))))
        }
    }

    /// The sixteen digits of `word`, most significant first.
    public static func string(_ word: UInt64) -> String {
        String(unsafeUninitializedCapacity: 16) { buffer in
            write(word, into: buffer, at: 0)
            return 16
        }
    }

    /// Two digits per byte, most significant nibble first.
    public static func string(_ bytes: some Collection<UInt8>) -> String {
        String(unsafeUninitializedCapacity: bytes.count * 2) { buffer in
            for (index, byte) in bytes.enumerated() {
                buffer[2 * index] = digit(byte >> 4)
                buffer[2 * index + 1] = digit(byte)
            }
            return bytes.count * 2
        }
    }

    /// The bytes two digits each (of either case) spell; nil for an odd length or another byte.
    public static func bytes(_ text: String) -> [UInt8]? {
        let digits = Array(text.utf8)
        guard digits.count % 2 == 0 else { return nil }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(digits.count / 2)
        for index in stride(from: 0, to: digits.count, by: 2) {
            guard let high = value(of: digits[index]), let low = value(of: digits[index + 1]) else { return nil }
            bytes.append(high << 4 | low)
        }
        return bytes
    }
}
