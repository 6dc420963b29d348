/// Reads the XML of a workbook part as a stream of start tags, end tags and text.
///
/// Written here rather than taken from FoundationXML (and so from XMLCoder or SWXMLHash, which
/// stand on it): FoundationXML links libxml2 and the system's ICU into the executable, and
/// every `gongkai` command would load them at start-up (a static "hello" with it: 1.1 → 3.4 ms
/// of CPU, measured), for a file format only `import` and `export` read. What a workbook part
/// uses is small: UTF-8, elements with prefixes, attributes in either quote, the five named
/// entities and numeric references, CDATA, comments and processing instructions. A DOCTYPE is
/// refused (no workbook has one; it is how entity bombs start).
public struct XMLScanner {
    public enum Event: Equatable, Sendable {
        /// A start tag: its local name (without a prefix) and attributes by local name.
        case start(name: String, attributes: [String: String])
        case end(name: String)
        case text(String)
    }

    public struct Problem: Error, Equatable, Sendable {
        public let offset: Int
        public let message: String
    }

    private var bytes: [UInt8]
    private var position = 0
    /// An end event owed to a self-closing tag (`<c/>`).
    private var pendingEnd: String?
    /// Whether every byte is here (`init(bytes:)`, or `finish()` after the last `append`): only
    /// then is running out an end, or an error.
    private var isFinal: Bool
    /// The stream's offset of `bytes[0]`, once bytes read are dropped (for a problem's offset).
    private var dropped = 0
    private var bomChecked = false
    /// After a token was found cut by the chunk's end: it is tried again only once the stream
    /// has this many bytes, so that a long token is not scanned again for every chunk.
    private var retryAt = 0

    /// The most one token (a tag, a text, a comment) may be while streaming: a part is read a
    /// chunk at a time, and one token is all that is ever held beyond the chunk.
    public static let maximumTokenBytes = 8 << 20

    public init(bytes: [UInt8]) {
        self.bytes = bytes
        isFinal = true
        // A UTF-8 byte order mark is allowed before the declaration.
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { position = 3 }
        bomChecked = true
    }

    /// A scanner fed a part a chunk at a time (`append`, then `finish`), as it is unpacked:
    /// `nextAvailable` gives each event once its bytes are all here.
    public static func streaming() -> XMLScanner {
        var scanner = XMLScanner(bytes: [])
        scanner.isFinal = false
        scanner.bomChecked = false
        return scanner
    }

    /// More of the part. What was read is dropped first, so that the scanner holds one chunk and
    /// at most one unfinished token.
    public mutating func append(_ chunk: some Collection<UInt8>) {
        if position > 0 {
            bytes.removeFirst(position)
            dropped += position
            position = 0
        }
        bytes.append(contentsOf: chunk)
        if !bomChecked && bytes.count >= 3 {
            if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { position = 3 }
            bomChecked = true
        }
    }

    /// No more bytes will come.
    public mutating func finish() {
        isFinal = true
        if !bomChecked, bytes.starts(with: [0xEF, 0xBB, 0xBF]) { position = 3 }
        bomChecked = true
    }

    /// The next event whose bytes are all here; nil when more are needed (or, once `finish`ed,
    /// at the end). A problem is said only when no more bytes could mend it.
    public mutating func nextAvailable() throws(Problem) -> Event? {
        if isFinal {
            do { return try next() } catch { throw Problem(offset: error.offset + dropped, message: error.message) }
        }
        if let name = pendingEnd {
            pendingEnd = nil
            return .end(name: name)
        }
        guard dropped + bytes.count >= retryAt, position < bytes.count else { return nil }
        let start = position
        if bytes[start] != UInt8(ascii: "<"), !bytes[start...].contains(UInt8(ascii: "<")) {
            return try partialText()
        }
        do {
            return try next()
        } catch {
            guard bytes.count - start > XMLScanner.maximumTokenBytes else {
                // A token cut by the chunk's end: read it again when the rest is here.
                position = start
                pendingEnd = nil
                retryAt = dropped + bytes.count + max(65_536, bytes.count - start)
                return nil
            }
            throw Problem(offset: error.offset + dropped, message: error.message)
        }
    }

    /// The text here that runs to the end of the chunk, as far as it is whole: it goes on in the
    /// next chunk as another text event (a reader joins them), held back only from an entity the
    /// chunk cuts (`&am`).
    private mutating func partialText() throws(Problem) -> Event? {
        var end = bytes.count
        if let ampersand = bytes[position...].lastIndex(of: UInt8(ascii: "&")), !bytes[ampersand...].contains(UInt8(ascii: ";")) {
            guard bytes.count - ampersand <= 16 else { throw Problem(offset: ampersand + dropped, message: "& 后面不是实体") }
            end = ampersand
        }
        // Nor is a character cut: the end moves back to the start of a UTF-8 sequence the chunk
        // does not hold whole.
        var lead = end - 1
        var continuations = 0
        while lead >= position, continuations < 3, bytes[lead] & 0xC0 == 0x80 { lead -= 1; continuations += 1 }
        if lead >= position {
            let first = bytes[lead]
            let length = first >= 0xF0 ? 4 : first >= 0xE0 ? 3 : first >= 0xC0 ? 2 : 1
            if lead + length > end { end = lead }
        }
        guard end > position else {
            retryAt = dropped + bytes.count + 1
            return nil
        }
        let start = position
        position = end
        let raw = bytes[start..<end]
        guard raw.contains(UInt8(ascii: "&")) else { return .text(String(decoding: raw, as: UTF8.self)) }
        do { return .text(try XMLScanner.decodeEntities(raw, at: start)) } catch { throw Problem(offset: error.offset + dropped, message: error.message) }
    }

    public mutating func next() throws(Problem) -> Event? {
        if let name = pendingEnd {
            pendingEnd = nil
            return .end(name: name)
        }
        while position < bytes.count {
            if bytes[position] != UInt8(ascii: "<") {
                return .text(try characters(until: UInt8(ascii: "<")))
            }
            if matches("<?") {
                try skip(past: Array("?>".utf8))
            } else if matches("<!--") {
                try skip(past: Array("-->".utf8))
            } else if matches("<![CDATA[") {
                position += 9
                let start = position
                try skip(past: Array("]]>".utf8))
                return .text(String(decoding: bytes[start..<(position - 3)], as: UTF8.self))
            } else if matches("<!") {
                throw Problem(offset: position, message: "含有 DOCTYPE 或其他声明")
            } else if matches("</") {
                position += 2
                let name = localName(try name())
                skipSpaces()
                try expect(UInt8(ascii: ">"))
                return .end(name: name)
            } else {
                position += 1
                return try startTag()
            }
        }
        return nil
    }

    private mutating func startTag() throws(Problem) -> Event {
        let name = localName(try name())
        var attributes: [String: String] = [:]
        while true {
            skipSpaces()
            guard position < bytes.count else { throw Problem(offset: position, message: "标签 <\(name)> 没有结束") }
            if bytes[position] == UInt8(ascii: ">") {
                position += 1
                return .start(name: name, attributes: attributes)
            }
            if matches("/>") {
                position += 2
                pendingEnd = name
                return .start(name: name, attributes: attributes)
            }
            let attribute = localName(try self.name())
            skipSpaces()
            try expect(UInt8(ascii: "="))
            skipSpaces()
            guard position < bytes.count, bytes[position] == UInt8(ascii: "\"") || bytes[position] == UInt8(ascii: "'") else {
                throw Problem(offset: position, message: "属性 \(attribute) 的值没有引号")
            }
            let quote = bytes[position]
            position += 1
            attributes[attribute] = try characters(until: quote)
            position += 1
        }
    }

    /// Text up to (not including) `terminator`, entities decoded.
    private mutating func characters(until terminator: UInt8) throws(Problem) -> String {
        let start = position
        var hasEntity = false
        while position < bytes.count && bytes[position] != terminator {
            if bytes[position] == UInt8(ascii: "&") { hasEntity = true }
            position += 1
        }
        if terminator != UInt8(ascii: "<") && position >= bytes.count { throw Problem(offset: start, message: "属性值没有结束") }
        let raw = bytes[start..<position]
        guard hasEntity else { return String(decoding: raw, as: UTF8.self) }
        return try XMLScanner.decodeEntities(raw, at: start)
    }

    static func decodeEntities(_ raw: ArraySlice<UInt8>, at offset: Int) throws(Problem) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(raw.count)
        var index = raw.startIndex
        while index < raw.endIndex {
            let byte = raw[index]
            guard byte == UInt8(ascii: "&") else { out.append(byte); index += 1; continue }
            guard let semicolon = raw[index...].firstIndex(of: UInt8(ascii: ";")), semicolon - index <= 10 else {
                throw Problem(offset: offset + index - raw.startIndex, message: "& 后面不是实体")
            }
            let entity = String(decoding: raw[(index + 1)..<semicolon], as: UTF8.self)
            let scalar: Unicode.Scalar?
            switch entity {
            case "lt": scalar = "<"
            case "gt": scalar = ">"
            case "amp": scalar = "&"
            case "quot": scalar = "\""
            case "apos": scalar = "'"
            default:
                if entity.hasPrefix("#x") || entity.hasPrefix("#X") {
                    scalar = UInt32(entity.dropFirst(2), radix: 16).flatMap(Unicode.Scalar.init)
                } else if entity.hasPrefix("#") {
                    scalar = UInt32(entity.dropFirst(), radix: 10).flatMap(Unicode.Scalar.init)
                } else {
                    scalar = nil
                }
            }
            guard let scalar else { throw Problem(offset: offset + index - raw.startIndex, message: "未知的实体 &\(entity);") }
            out.append(contentsOf: Array(String(Character(scalar)).utf8))
            index = semicolon + 1
        }
        return String(decoding: out, as: UTF8.self)
    }

    private mutating func name() throws(Problem) -> String {
        let start = position
        while position < bytes.count {
            let byte = bytes[position]
            if byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") || byte == UInt8(ascii: "\n") || byte == UInt8(ascii: "\r")
                || byte == UInt8(ascii: ">") || byte == UInt8(ascii: "/") || byte == UInt8(ascii: "=") {
                break
            }
            position += 1
        }
        guard position > start else { throw Problem(offset: start, message: "缺少名称") }
        return String(decoding: bytes[start..<position], as: UTF8.self)
    }

    private func localName(_ name: String) -> String {
        guard let colon = name.lastIndex(of: ":") else { return name }
        return String(name[name.index(after: colon)...])
    }

    private func matches(_ text: StaticString) -> Bool {
        let count = text.utf8CodeUnitCount
        guard position + count <= bytes.count else { return false }
        return text.withUTF8Buffer { prefix in
            for offset in 0..<count where bytes[position + offset] != prefix[offset] { return false }
            return true
        }
    }

    private mutating func skip(past terminator: [UInt8]) throws(Problem) {
        let start = position
        while position + terminator.count <= bytes.count {
            if bytes[position..<(position + terminator.count)].elementsEqual(terminator) {
                position += terminator.count
                return
            }
            position += 1
        }
        throw Problem(offset: start, message: "没有结束")
    }

    private mutating func skipSpaces() {
        while position < bytes.count, [UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\n"), UInt8(ascii: "\r")].contains(bytes[position]) {
            position += 1
        }
    }

    private mutating func expect(_ byte: UInt8) throws(Problem) {
        guard position < bytes.count, bytes[position] == byte else {
            throw Problem(offset: position, message: "应为 \(Character(Unicode.Scalar(byte)))")
        }
        position += 1
    }
}
