import SyncCore
/// Reads JSON in one pass over its bytes, for the messages that carry records (a sync's bulk).
/// The caller walks the document it expects: `object`, `array`, `string`, `integer`, … each read
/// one value or throw `Wire.Malformed` saying what is wrong and where ("字段 records[3].kind 的类型
/// 不对"). Unknown members are skipped, as `JSONDecoder` skips them; nesting deeper than
/// `maximumDepth` is refused rather than followed.
struct JSONScanner {
    static let maximumDepth = 64

    private let bytes: UnsafeBufferPointer<UInt8>
    private var at = 0
    private var depth = 0
    private var path: [PathStep] = []

    private enum PathStep {
        case key(String)
        case index(Int)
    }

    private init(_ bytes: UnsafeBufferPointer<UInt8>) {
        self.bytes = bytes
        path.reserveCapacity(8)
    }

    /// Reads the one JSON value `bytes` holds with `body`; anything after it but spaces is refused.
    static func read<T>(_ bytes: [UInt8], _ body: (inout JSONScanner) throws -> T) throws -> T {
        try bytes.withUnsafeBufferPointer { buffer in
            var scanner = JSONScanner(buffer)
            let value = try body(&scanner)
            scanner.skipSpaces()
            guard scanner.at == buffer.count else { throw scanner.syntaxError() }
            return value
        }
    }

    // MARK: Values

    /// Reads an object: `member` is called with each key and must read that member's value.
    mutating func object(_ member: (inout JSONScanner, String) throws -> Void) throws {
        try expectStart(of: UInt8(ascii: "{"))
        try enter()
        skipSpaces()
        if peek == UInt8(ascii: "}") {
            at += 1
            depth -= 1
            return
        }
        while true {
            skipSpaces()
            guard peek == UInt8(ascii: "\"") else { throw syntaxError() }
            at += 1
            let key = try rawString()
            skipSpaces()
            guard peek == UInt8(ascii: ":") else { throw syntaxError() }
            at += 1
            path.append(.key(key))
            try member(&self, key)
            path.removeLast()
            skipSpaces()
            switch peek {
            case UInt8(ascii: ","): at += 1
            case UInt8(ascii: "}"):
                at += 1
                depth -= 1
                return
            default: throw syntaxError()
            }
        }
    }

    /// Reads an array: `element` is called once for each element and must read it.
    mutating func array(_ element: (inout JSONScanner) throws -> Void) throws {
        try expectStart(of: UInt8(ascii: "["))
        try enter()
        skipSpaces()
        if peek == UInt8(ascii: "]") {
            at += 1
            depth -= 1
            return
        }
        var index = 0
        while true {
            path.append(.index(index))
            try element(&self)
            path.removeLast()
            index += 1
            skipSpaces()
            switch peek {
            case UInt8(ascii: ","): at += 1
            case UInt8(ascii: "]"):
                at += 1
                depth -= 1
                return
            default: throw syntaxError()
            }
        }
    }

    mutating func string() throws -> String {
        try expectStart(of: UInt8(ascii: "\""))
        return try rawString()
    }

    /// A string, or nil for `null`.
    mutating func optionalString() throws -> String? {
        try null() ? nil : string()
    }

    /// An integer written as one (no fraction, no exponent) that fits `T`.
    mutating func integer<T: FixedWidthInteger>(_: T.Type = T.self) throws -> T {
        try integer(in: T.min...T.max)
    }

    /// An integer written as one (no fraction, no exponent) within `range`; any other number is
    /// refused naming the field, the number and the range.
    mutating func integer<T: FixedWidthInteger>(in range: ClosedRange<T>) throws -> T {
        skipSpaces()
        let start = at
        let negative = peek == UInt8(ascii: "-")
        if negative { at += 1 }
        let digitsStart = at
        var magnitude: UInt64 = 0
        var overflow = false
        while at < bytes.count, bytes[at] &- UInt8(ascii: "0") < 10 {
            let (times10, o1) = magnitude.multipliedReportingOverflow(by: 10)
            let (sum, o2) = times10.addingReportingOverflow(UInt64(bytes[at] &- UInt8(ascii: "0")))
            overflow = overflow || o1 || o2
            magnitude = sum
            at += 1
        }
        guard at > digitsStart else {
            at = start
            throw isValueStart ? typeMismatch() : syntaxError()
        }
        if at - digitsStart > 1, bytes[digitsStart] == UInt8(ascii: "0") { throw syntaxError() }
        if peek == UInt8(ascii: ".") || peek == UInt8(ascii: "e") || peek == UInt8(ascii: "E") { throw typeMismatch() }
        let outOfRange = invalid("\(String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<min(at, start + 40)]), as: UTF8.self)) "
                                 + "超出范围 (\(range.lowerBound) 到 \(range.upperBound))")
        guard !overflow else { throw outOfRange }
        let value: T
        if negative {
            guard T.isSigned, magnitude <= UInt64(T.max) &+ 1 else { throw outOfRange }
            value = magnitude == UInt64(T.max) &+ 1 ? T.min : 0 - T(magnitude)
        } else {
            guard magnitude <= UInt64(T.max) else { throw outOfRange }
            value = T(magnitude)
        }
        guard range.contains(value) else { throw outOfRange }
        return value
    }

    /// A string of at most `maximum` characters (checked on its bytes first: the usual one is short).
    mutating func string(maximum: Int) throws -> String {
        let text = try string()
        guard text.utf8.count <= maximum || text.count <= maximum else { throw invalid("超过 \(maximum) 个字符") }
        return text
    }

    mutating func bool() throws -> Bool {
        skipSpaces()
        if literal("true") { return true }
        if literal("false") { return false }
        throw isValueStart ? typeMismatch() : syntaxError()
    }

    /// Reads `null` when it comes next; otherwise reads nothing.
    mutating func null() -> Bool {
        skipSpaces()
        return literal("null")
    }

    /// Reads one value of any kind, for members this build does not know.
    mutating func skipValue() throws {
        skipSpaces()
        switch peek {
        case UInt8(ascii: "{"): try object { scanner, _ in try scanner.skipValue() }
        case UInt8(ascii: "["): try array { try $0.skipValue() }
        case UInt8(ascii: "\""): _ = try string()
        case UInt8(ascii: "t"), UInt8(ascii: "f"): _ = try bool()
        case UInt8(ascii: "n"): if !null() { throw syntaxError() }
        default: try skipNumber()
        }
    }

    // MARK: Errors with where they are

    /// "缺少字段 records[3].kind": a member the message must have.
    func missing(_ key: String) -> Wire.Malformed {
        Wire.Malformed(detail: "缺少字段 " + describe(path + [.key(key)]))
    }

    /// A member whose value is not valid for it (`detail` says why, when known).
    func invalid(_ detail: String? = nil) -> Wire.Malformed {
        Wire.Malformed(detail: "字段 \(describe(path)) 的值无效" + (detail.map { ": " + $0 } ?? ""))
    }

    private func typeMismatch() -> Wire.Malformed {
        Wire.Malformed(detail: "字段 \(describe(path)) 的类型不对")
    }

    private func syntaxError() -> Wire.Malformed {
        Wire.Malformed(detail: at >= bytes.count ? "不是有效的 JSON: 在第 \(at) 字节处意外结束" : "不是有效的 JSON: 第 \(at + 1) 字节处有误")
    }

    private func describe(_ steps: [PathStep]) -> String {
        var text = ""
        for step in steps {
            switch step {
            case .key(let key): text += (text.isEmpty ? "" : ".") + String(key.prefix(64))
            case .index(let index): text += "[\(index)]"
            }
        }
        return text.isEmpty ? "(顶层)" : text
    }

    // MARK: Bytes

    private var peek: UInt8 { at < bytes.count ? bytes[at] : 0 }

    /// Whether a JSON value of some kind starts here (the kind then was the wrong one).
    private var isValueStart: Bool {
        switch peek {
        case UInt8(ascii: "{"), UInt8(ascii: "["), UInt8(ascii: "\""), UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return true
        case UInt8(ascii: "t"), UInt8(ascii: "f"), UInt8(ascii: "n"): return true
        default: return false
        }
    }

    private mutating func skipSpaces() {
        while at < bytes.count {
            switch bytes[at] {
            case 0x20, 0x0A, 0x0D, 0x09: at += 1
            default: return
            }
        }
    }

    private mutating func expectStart(of opening: UInt8) throws {
        skipSpaces()
        guard peek == opening else { throw isValueStart ? typeMismatch() : syntaxError() }
        at += 1
    }

    private mutating func enter() throws {
        depth += 1
        guard depth <= Self.maximumDepth else { throw Wire.Malformed(detail: "JSON 嵌套超过 \(Self.maximumDepth) 层") }
    }

    private mutating func literal(_ word: StaticString) -> Bool {
        let count = word.utf8CodeUnitCount
        guard at + count <= bytes.count else { return false }
        let matches = word.withUTF8Buffer { word in (0..<count).allSatisfy { bytes[at + $0] == word[$0] } }
        if matches { at += count }
        return matches
    }

    private mutating func skipNumber() throws {
        let start = at
        if peek == UInt8(ascii: "-") { at += 1 }
        let digits = at
        while peek &- UInt8(ascii: "0") < 10, at < bytes.count { at += 1 }
        guard at > digits, at - digits == 1 || bytes[digits] != UInt8(ascii: "0") else { throw syntaxError() }
        if peek == UInt8(ascii: ".") {
            at += 1
            let fraction = at
            while peek &- UInt8(ascii: "0") < 10, at < bytes.count { at += 1 }
            guard at > fraction else { throw syntaxError() }
        }
        if peek == UInt8(ascii: "e") || peek == UInt8(ascii: "E") {
            at += 1
            if peek == UInt8(ascii: "+") || peek == UInt8(ascii: "-") { at += 1 }
            let exponent = at
            while peek &- UInt8(ascii: "0") < 10, at < bytes.count { at += 1 }
            guard at > exponent else { throw syntaxError() }
        }
        guard at > start else { throw syntaxError() }
    }

    /// The string whose opening quote was just read, escapes decoded, UTF-8 checked.
    private mutating func rawString() throws -> String {
        let start = at
        var ascii = true
        while at < bytes.count {
            let byte = bytes[at]
            if byte == UInt8(ascii: "\"") {
                let text = try Self.text(UnsafeBufferPointer(rebasing: bytes[start..<at]), ascii: ascii, at: describe(path))
                at += 1
                return text
            }
            if byte == UInt8(ascii: "\\") || byte < 0x20 { break }
            ascii = ascii && byte < 0x80
            at += 1
        }
        return try escapedString(from: start)
    }

    /// The string `utf8` spells, refused when it is not UTF-8. (`String(validating:)` is not
    /// specialised for buffers and looks up generic metadata on every call: a tenth of a push.)
    private static func text(_ utf8: UnsafeBufferPointer<UInt8>, ascii: Bool, at place: @autoclosure () -> String) throws -> String {
        let text = String(decoding: utf8, as: UTF8.self)
        // Decoding replaces what is not UTF-8 with U+FFFD, so the bytes then differ.
        guard ascii || text.utf8.elementsEqual(utf8) else { throw Wire.Malformed(detail: "字段 \(place()) 不是有效的 UTF-8") }
        return text
    }

    /// The slow path: a string with escapes, decoded into a buffer.
    private mutating func escapedString(from start: Int) throws -> String {
        var decoded = Array(UnsafeBufferPointer(rebasing: bytes[start..<at]))
        while at < bytes.count {
            let byte = bytes[at]
            at += 1
            switch byte {
            case UInt8(ascii: "\""):
                return try decoded.withUnsafeBufferPointer { try Self.text($0, ascii: false, at: describe(path)) }
            case 0..<0x20:
                at -= 1
                throw syntaxError()
            case UInt8(ascii: "\\"):
                guard at < bytes.count else { throw syntaxError() }
                let escape = bytes[at]
                at += 1
                switch escape {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): decoded.append(escape)
                case UInt8(ascii: "b"): decoded.append(0x08)
                case UInt8(ascii: "f"): decoded.append(0x0C)
                case UInt8(ascii: "n"): decoded.append(0x0A)
                case UInt8(ascii: "r"): decoded.append(0x0D)
                case UInt8(ascii: "t"): decoded.append(0x09)
                case UInt8(ascii: "u"):
                    var scalar = try hexQuad()
                    if (0xD800..<0xDC00).contains(scalar) {
                        guard literal("\\u") else { throw invalid("\\u 转义是不成对的代理项") }
                        let low = try hexQuad()
                        guard (0xDC00..<0xE000).contains(low) else { throw invalid("\\u 转义是不成对的代理项") }
                        scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                    } else if (0xDC00..<0xE000).contains(scalar) {
                        throw invalid("\\u 转义是不成对的代理项")
                    }
                    decoded.append(contentsOf: String(Character(Unicode.Scalar(scalar)!)).utf8)
                default:
                    at -= 1
                    throw syntaxError()
                }
            default:
                decoded.append(byte)
            }
        }
        throw syntaxError()
    }

    private mutating func hexQuad() throws -> UInt32 {
        guard at + 4 <= bytes.count else { throw syntaxError() }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let byte = bytes[at]
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: throw syntaxError()
            }
            value = value << 4 | UInt32(digit)
            at += 1
        }
        return value
    }
}
