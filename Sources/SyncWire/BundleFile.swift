import Codecs
import Crypto
import SyncCore

/// A bundle as a file (`.gkb`): self-describing and checked whole before anything is applied.
///
///     gongkai-bundle 2
///     {"body_bytes":…,"body_sha256":"…","created":…,"device":"…","direction":"up","sender":{…},"unit":"…"}
///     mac2 <HMAC-SHA256 under the device's key, hex, or -> <HMAC-SHA256 under the token's hash, hex, or ->
///     <body: gzip of the messages, each framed as "TAG LENGTH [NUMBER]\n" + the wire's JSON + "\n">
///
/// Both MACs cover the two lines above them and the body. The first is keyed with the device's
/// key (`BundleKey.derive`: only the token's holder computes it; the server keeps it sealed with a
/// secret of its own, apart from its database). The second is keyed with the token's SHA-256,
/// which every copy of the server's database holds: format 1 had only it, and a server takes it
/// only for a token it holds no key for (one issued before format 2), saying so. The file carries
/// no token; `device` names the token (a digest of its hash), so that the server finds whose it is.
public enum BundleFile {
    public static let magic = "gongkai-bundle 2"
    /// The first format, signed with the token's hash only (what a laptop of the previous release writes).
    public static let magicVersion1 = "gongkai-bundle 1"
    /// The most a body may hold once decompressed (a reply of 200 pages of 4 MB at most).
    public static let maximumBodyBytes = 1 << 30

    public enum Direction: String, Sendable {
        /// From a laptop, or a township's server, to the server it syncs to.
        case up
        /// The server's answer to one.
        case reply
    }

    public struct Header: Sendable, Equatable {
        public let direction: Direction
        /// Who wrote it: the lower side's site (up), or the server's (reply).
        public let sender: SiteInfo
        /// For a reply, the site it answers.
        public let recipient: SiteID?
        /// The token it is signed with, by name (`DeviceToken.bundleName(ofHash:)`).
        public let device: String
        public let created: Int64

        public init(direction: Direction, sender: SiteInfo, recipient: SiteID?, device: String, created: Int64) {
            (self.direction, self.sender, self.recipient, self.device, self.created) = (direction, sender, recipient, device, created)
        }
    }

    /// A bundle refused, and why, in words for the user.
    public struct Problem: Error, Equatable, CustomStringConvertible {
        public let description: String
    }

    /// The keys a file is signed with: the device's key and, unless the file is for a device of the
    /// first format only, the token's hash.
    public struct Signing: Sendable, Equatable {
        public let key: String?
        public let hash: String?

        /// A device's file, or a server's reply to a device whose key it holds: both MACs.
        public static func both(key: String, hash: String) -> Signing { Signing(key: key, hash: hash) }
        /// A server's reply to a device whose key it does not hold: the hash's MAC alone.
        public static func hashOnly(_ hash: String) -> Signing { Signing(key: nil, hash: hash) }
        /// Format 1, as the previous release wrote it (for a device of that release, and tests).
        public static func version1(hash: String) -> Signing { Signing(key: nil, hash: hash, version1: true) }

        let version1: Bool

        private init(key: String?, hash: String?, version1: Bool = false) {
            (self.key, self.hash, self.version1) = (key, hash, version1)
        }
    }

    /// Which MAC a reader takes.
    public enum Verification: Sendable {
        /// A server holding the device's key: that key's MAC, and the hash's when the file has one
        /// too (a byte changed anywhere is refused).
        case key(String, hash: String)
        /// A server holding no key for the device's token (issued before format 2): the hash's MAC.
        case hash(String)
        /// A device reading its server's reply: the key's MAC when the reply has one, else the hash's.
        case either(key: String, hash: String)
    }

    // MARK: Writing

    public static func write(_ bundle: UpBundle, header: Header, signing: Signing) -> [UInt8] {
        var body: [UInt8] = []
        for push in bundle.pushes { frame("push", Wire.encode(push.request), number: push.through, into: &body) }
        frame("pull", Wire.encode(bundle.pull), into: &body)
        frame("done", Wire.encode(bundle.done), into: &body)
        return seal(body, header: header, signing: signing)
    }

    public static func write(_ reply: ReplyBundle, header: Header, signing: Signing) -> [UInt8] {
        var body: [UInt8] = []
        frame("asked", cursorBytes(reply.asked), into: &body)
        frame("base", cursorBytes(reply.base), into: &body)
        for ack in reply.acks {
            var keys = JSONWriter()
            keys.raw("[")
            for (index, key) in ack.sent.enumerated() {
                if index > 0 { keys.raw(",") }
                keys.raw("[")
                keys.string(key.kind)
                keys.raw(",")
                keys.string(key.id)
                keys.raw("]")
            }
            keys.raw("]")
            frame("sent", keys.bytes, number: ack.through, into: &body)
            frame("ack", Wire.encode(ack.response), number: ack.through, into: &body)
        }
        for page in reply.pages { frame("page", Wire.encode(page), into: &body) }
        frame("finished", Wire.encode(reply.finished), into: &body)
        return seal(body, header: header, signing: signing)
    }

    private static func cursorBytes(_ cursor: SyncCursor?) -> [UInt8] {
        var json = JSONWriter()
        if let cursor { WireRecords.write(cursor, to: &json) } else { json.raw("null") }
        return json.bytes
    }

    private static func frame(_ tag: String, _ bytes: [UInt8], number: Int64? = nil, into body: inout [UInt8]) {
        body += Array("\(tag) \(bytes.count)\(number.map { " \($0)" } ?? "")\n".utf8)
        body += bytes
        body.append(UInt8(ascii: "\n"))
    }

    private static func seal(_ body: [UInt8], header: Header, signing: Signing) -> [UInt8] {
        let compressed = Gzip.compress(body)
        var json = JSONWriter()
        json.raw("{\"body_bytes\":")
        json.integer(compressed.count)
        json.raw(",\"body_sha256\":")
        json.string(Hex.string(Array(SHA256.hash(data: compressed))))
        json.raw(",\"created\":")
        json.integer(header.created)
        json.raw(",\"device\":")
        json.string(header.device)
        json.raw(",\"direction\":")
        json.string(header.direction.rawValue)
        if let recipient = header.recipient {
            json.raw(",\"recipient\":")
            json.string(recipient.rawValue)
        }
        json.raw(",\"sender\":")
        WireRecords.write(header.sender, to: &json)
        json.raw("}")
        let signed = Array("\(signing.version1 ? magicVersion1 : magic)\n".utf8) + json.bytes + [UInt8(ascii: "\n")]
        let covered = signed + compressed
        if signing.version1 { return signed + Array("mac \(mac(covered, key: signing.hash ?? ""))\n".utf8) + compressed }
        let macs = [signing.key, signing.hash].map { $0.map { mac(covered, key: $0) } ?? "-" }
        return signed + Array("mac2 \(macs[0]) \(macs[1])\n".utf8) + compressed
    }

    private static func mac(_ bytes: [UInt8], key: String) -> String {
        mac(bytes[...], [][...], key: key)
    }

    /// The MAC of `first` followed by `second`, without joining them.
    private static func mac(_ first: ArraySlice<UInt8>, _ second: ArraySlice<UInt8>, key: String) -> String {
        var code = HMAC<SHA256>(key: SymmetricKey(data: Array(key.utf8)))
        first.withUnsafeBytes { code.update(data: $0) }
        second.withUnsafeBytes { code.update(data: $0) }
        return Hex.string(Array(code.finalize()))
    }

    // MARK: Reading

    /// The header of a file that is whole (every byte its header promises, none altered);
    /// whether it is genuine is checked by `open` with the key of the device it names.
    public static func header(of bytes: [UInt8]) throws(Problem) -> Header {
        try parts(of: bytes).header
    }

    /// The messages of a bundle whose MAC confirms it, and whether it was the device's key's MAC
    /// (false: the token's hash, which a copy of the server's database also holds). Held whole:
    /// for tests and small files; a server answers a file a push at a time (`answer`).
    public static func openUp(_ bytes: [UInt8], verifying: Verification) throws(Problem) -> (header: Header, bundle: UpBundle, signedWithKey: Bool) {
        let (header, body, signedWithKey) = try verified(bytes, verifying: verifying, expecting: .up)
        var pushes: [BundledPush] = [], pull: PullRequest?, done: DoneRequest?
        try forEachUpMessage(body, sender: header.sender) { message in
            switch message {
            case .push(let push): pushes.append(push)
            case .pull(let request): pull = request
            case .done(let request): done = request
            }
        }
        return (header, UpBundle(pushes: pushes, pull: pull!, done: done!), signedWithKey)
    }

    /// A message of an up file.
    private enum UpMessage {
        case push(BundledPush)
        case pull(PullRequest)
        case done(DoneRequest)
    }

    /// Each message of an up file's body, decoded as its frame is read (the frames' order is the
    /// reader's to check: pushes, a pull, a done), every one from the file's sender.
    private static func forEachUpMessage(_ body: ArraySlice<UInt8>, sender: SiteInfo, _ handle: (UpMessage) throws -> Void) throws(Problem) {
        let spliced = Problem(description: "同步文件中的消息来自不同的站点; 文件已损坏或被拼接")
        try forEachFrame(body, direction: .up) { frame in
            let message: UpMessage
            do {
                switch frame.tag {
                case "push": message = .push(BundledPush(request: try Wire.pushRequest(frame.bytes), through: frame.number!))
                case "pull": message = .pull(try Wire.pullRequest(frame.bytes))
                default: message = .done(try Wire.doneRequest(frame.bytes))
                }
            } catch {
                throw Problem(description: "同步文件内容无法读取: \(error)")
            }
            switch message {
            case .push(let push): guard push.request.sender == sender else { throw spliced }
            case .pull(let pull): guard pull.sender == sender else { throw spliced }
            case .done(let done): guard done.sender == sender else { throw spliced }
            }
            try handle(message)
        }
    }

    public static func openReply(_ bytes: [UInt8], verifying: Verification) throws(Problem) -> (header: Header, reply: ReplyBundle) {
        let (header, body, _) = try verified(bytes, verifying: verifying, expecting: .reply)
        var acks: [BundledAck] = [], pages: [PullResponse] = [], finished: DoneResponse?
        var asked: SyncCursor??, base: SyncCursor??, sent: [RecordKey]?
        try forEachFrame(body, direction: .reply) { frame in
            do {
                switch frame.tag {
                case "asked": asked = .some(try cursor(frame.bytes))
                case "base": base = .some(try cursor(frame.bytes))
                case "sent": sent = try keys(frame.bytes)
                case "ack":
                    acks.append(BundledAck(through: frame.number!, sent: sent ?? [], response: try Wire.pushResponse(frame.bytes)))
                    sent = nil
                case "page": pages.append(try Wire.pullResponse(frame.bytes))
                default: finished = try Wire.doneResponse(frame.bytes)
                }
            } catch {
                throw Problem(description: "同步文件内容无法读取: \(error)")
            }
        }
        return (header, ReplyBundle(acks: acks, asked: asked!, base: base!, pages: pages, finished: finished!))
    }

    private static func cursor(_ bytes: [UInt8]) throws -> SyncCursor? {
        try JSONScanner.read(bytes) { json in try json.null() ? nil : WireRecords.readCursor(from: &json) }
    }

    private static func keys(_ bytes: [UInt8]) throws -> [RecordKey] {
        try JSONScanner.read(bytes) { json in
            var keys: [RecordKey] = []
            try json.array { json in
                var pair: [String] = []
                try json.array { json in pair.append(try json.string(maximum: 256)) }
                guard pair.count == 2 else { throw json.invalid("记录应为 [类别, id]") }
                keys.append(RecordKey(kind: pair[0], id: pair[1]))
            }
            return keys
        }
    }

    private struct Frame {
        let tag: String
        let number: Int64?
        let bytes: [UInt8]
    }

    /// The most frames one file may hold (a push holds 2,000 records: a file of 10,000 frames
    /// carries 20 million), and the most one frame may be (a push is at most 32 MB of JSON).
    public static let maximumFrames = 10_000
    public static let maximumFrameBytes = 48 << 20

    /// The header and the compressed body of a file whose MAC confirms it, and whether it was
    /// the device's key's MAC.
    private static func verified(_ bytes: [UInt8], verifying: Verification, expecting direction: Direction) throws(Problem)
        -> (header: Header, body: ArraySlice<UInt8>, signedWithKey: Bool) {
        let (header, signed, macs, compressed) = try parts(of: bytes)
        let forged = Problem(description: "同步文件的签名与令牌不符: 它不是由持有该令牌的设备 (或本服务器) 写的, 或已被改动; 不予导入")
        func valid(_ text: String?, _ key: String) -> Bool { text.map { mac(signed, compressed, key: key) == $0 } ?? false }
        let signedWithKey: Bool
        switch verifying {
        case .key(let key, let hash):
            guard macs.key != nil else {
                throw Problem(description: macs.version1
                              ? "这份文件由旧版 gongkai 写出, 只用令牌的摘要签名, 而这台设备的令牌已有自己的签名密钥; 不予导入。请升级写出它的电脑上的 gongkai, 再导出一次"
                              : "同步文件缺少设备密钥的签名: 它不是由持有该令牌的设备写的; 不予导入")
            }
            guard valid(macs.key, key), macs.hash == nil || valid(macs.hash, hash) else { throw forged }
            signedWithKey = true
        case .hash(let hash):
            guard valid(macs.hash, hash) else { throw forged }
            signedWithKey = false
        case .either(let key, let hash):
            if macs.key != nil {
                guard valid(macs.key, key), macs.hash == nil || valid(macs.hash, hash) else { throw forged }
                signedWithKey = true
            } else {
                guard valid(macs.hash, hash) else { throw forged }
                signedWithKey = false
            }
        }
        guard header.direction == direction else {
            throw Problem(description: direction == .reply
                          ? "这是发往服务器的同步文件, 不是服务器的回复; 请在服务器上用 gongkai bundle import 导入它"
                          : "这是服务器的回复文件; 请在写出原文件的电脑上导入它")
        }
        return (header, compressed, signedWithKey)
    }

    /// Each frame of a body as it is decompressed, checked as it is read (`FrameReader`): never
    /// the whole body, nor more than one frame, held at once.
    private static func forEachFrame(_ body: ArraySlice<UInt8>, direction: Direction, _ handle: (Frame) throws -> Void) throws(Problem) {
        var reader = FrameReader(direction: direction)
        do {
            try Gzip.decompress(body, limit: maximumBodyBytes) { chunk in try reader.feed(chunk, handle) }
            try reader.finish()
        } catch let problem as Problem {
            throw problem
        } catch let failure as Gzip.Failure {
            throw Problem(description: failure == .tooLarge(limit: maximumBodyBytes)
                          ? "同步文件内容解压后超过 \(maximumBodyBytes >> 20) MB; 不予导入" : "同步文件内容无法解压: \(failure)")
        } catch {
            throw Problem(description: "同步文件内容无法读取: \(error)")
        }
    }

    /// The frames of a body read as it comes: each frame's mark (`TAG LENGTH [NUMBER]`) checked
    /// before its bytes are held, its tag one of the file's direction and in its place, no
    /// longer than a frame may be and no more of them than a file may hold.
    private struct FrameReader {
        let direction: Direction
        private var buffer: [UInt8] = []
        private var count = 0
        /// Where the file is in its order: up `push* pull done`; reply `asked base (sent ack)* page* finished`.
        private var stage = 0

        init(direction: Direction) {
            self.direction = direction
        }

        mutating func feed(_ chunk: ArraySlice<UInt8>, _ handle: (Frame) throws -> Void) throws {
            buffer.append(contentsOf: chunk)
            var index = 0
            defer { buffer.removeFirst(index) }
            while index < buffer.count {
                guard let newline = buffer[index...].prefix(80).firstIndex(of: UInt8(ascii: "\n")) else {
                    guard buffer.count - index < 80 else { throw Problem(description: "同步文件内容不完整: 分段标记无效") }
                    return
                }
                let words = String(decoding: buffer[index..<newline], as: UTF8.self).split(separator: " ", omittingEmptySubsequences: false)
                guard (2...3).contains(words.count), let length = Int(words[1]), (0...BundleFile.maximumFrameBytes).contains(length) else {
                    throw Problem(description: "同步文件内容不完整: 分段 \(words.first.map(String.init)?.prefix(20) ?? "") 的长度无效")
                }
                let number = words.count == 3 ? Int64(words[2]) : nil
                if words.count == 3 && number == nil { throw Problem(description: "同步文件内容不完整: 分段序号无效") }
                try place(String(words[0]), numbered: number != nil)
                guard newline + 1 + length < buffer.count else { return }
                guard buffer[newline + 1 + length] == UInt8(ascii: "\n") else {
                    throw Problem(description: "同步文件内容不完整: 分段 \(words[0].prefix(20)) 长度不符")
                }
                count += 1
                guard count <= BundleFile.maximumFrames else { throw Problem(description: "同步文件的分段超过 \(BundleFile.maximumFrames) 个; 不予导入") }
                let frame = Frame(tag: String(words[0]), number: number, bytes: Array(buffer[(newline + 1)..<(newline + 1 + length)]))
                index = newline + 2 + length
                advance(frame.tag)
                try handle(frame)
            }
        }

        /// The end of the body: nothing left over, nothing missing.
        func finish() throws(Problem) {
            guard buffer.isEmpty else { throw Problem(description: "同步文件内容不完整: 最后一个分段被截断") }
            guard stage == (direction == .up ? 2 : 5) else { throw Problem(description: "同步文件内容不完整: 缺少\(direction == .up ? "拉取或结束" : "游标或结束")部分") }
        }

        /// Whether `tag` may come now (checked from its mark, before its bytes are held).
        private func place(_ tag: String, numbered: Bool) throws(Problem) {
            let allowed: Bool
            switch (direction, tag) {
            case (.up, "push"): allowed = stage == 0 && numbered
            case (.up, "pull"): allowed = stage == 0 && !numbered
            case (.up, "done"): allowed = stage == 1 && !numbered
            case (.reply, "asked"): allowed = stage == 0 && !numbered
            case (.reply, "base"): allowed = stage == 1 && !numbered
            case (.reply, "sent"): allowed = stage == 2 && numbered
            case (.reply, "ack"): allowed = stage == 3 && numbered
            case (.reply, "page"): allowed = (stage == 2 || stage == 4) && !numbered
            case (.reply, "finished"): allowed = (stage == 2 || stage == 4) && !numbered
            default: throw Problem(description: "同步文件内容不完整: 未知的内容 \(tag.prefix(20))")
            }
            guard allowed else { throw Problem(description: "同步文件内容不完整: 分段 \(tag) 不在它应在的位置") }
        }

        private mutating func advance(_ tag: String) {
            switch (direction, tag) {
            case (.up, "pull"): stage = 1
            case (.up, "done"): stage = 2
            case (.reply, "asked"): stage = 1
            case (.reply, "base"): stage = 2
            case (.reply, "sent"): stage = 3
            case (.reply, "ack"): stage = 2
            case (.reply, "page"): stage = 4
            case (.reply, "finished"): stage = 5
            default: break
            }
        }
    }

    /// The MACs a file carries: the device key's and the token hash's, each when present.
    private struct MACs {
        let key: String?
        let hash: String?
        let version1: Bool
    }

    /// The header, the bytes the MAC covers before the body, the MAC, and the body, once the
    /// file is found whole.
    private static func parts(of bytes: [UInt8]) throws(Problem) -> (header: Header, signed: ArraySlice<UInt8>, macs: MACs, body: ArraySlice<UInt8>) {
        let notABundle = Problem(description: "这不是 gongkai 的同步文件 (.gkb): 开头不是 \"\(magic)\"")
        // Not a bundle at all is said first, however short the file.
        let start = bytes.prefix(magic.utf8.count)
        guard Array("gongkai-bundle ".utf8).starts(with: start.prefix(15)), start.count >= 15 || !bytes.contains(UInt8(ascii: "\n")) else {
            throw notABundle
        }
        var lines: [ArraySlice<UInt8>] = []
        var index = 0
        while lines.count < 3 {
            guard let newline = bytes[index...].firstIndex(of: UInt8(ascii: "\n")) else {
                throw lines.isEmpty ? notABundle : Problem(description: "同步文件不完整: 文件头被截断 (只有 \(bytes.count) 字节); 请重新拷贝")
            }
            lines.append(bytes[index..<newline])
            index = newline + 1
        }
        let first = String(decoding: lines[0], as: UTF8.self)
        guard first == magic || first == magicVersion1 else {
            if first.hasPrefix("gongkai-bundle ") {
                throw Problem(description: "同步文件的格式 \"\(first.prefix(40))\" 比这个 gongkai 新; 请升级 gongkai 后再导入")
            }
            throw notABundle
        }
        let macs = try macs(String(decoding: lines[2], as: UTF8.self), version1: first == magicVersion1)
        let body = bytes[index...]
        let header: Header, bodyBytes: Int, digest: String
        do {
            (header, bodyBytes, digest) = try JSONScanner.read(Array(lines[1])) { json in
                var direction: Direction?, sender: SiteInfo?, recipient: SiteID?, device: String?, created: Int64?, bodyBytes: Int?, digest: String?
                try json.object { json, key in
                    switch key {
                    case "direction": direction = Direction(rawValue: try json.string(maximum: 16))
                    case "sender": sender = try WireRecords.readSite(from: &json, lenient: true)
                    case "recipient": recipient = SiteID(try json.string(maximum: 64))
                    case "device": device = try json.string(maximum: 64)
                    case "created": created = try json.integer(in: SyncLimits.times)
                    case "body_bytes": bodyBytes = try json.integer(in: 0...Int(Int32.max))
                    case "body_sha256": digest = try json.string(maximum: 64)
                    default: try json.skipValue()
                    }
                }
                guard let direction, let sender, let device, let created, let bodyBytes, let digest else { throw json.missing("direction/sender/device") }
                return (Header(direction: direction, sender: sender, recipient: recipient, device: device, created: created), bodyBytes, digest)
            }
        } catch {
            throw Problem(description: "同步文件已损坏: 文件头无法读取 (\(error))")
        }
        guard body.count >= bodyBytes else {
            throw Problem(description: "同步文件不完整: 应有 \(bodyBytes) 字节的内容, 只有 \(body.count) 字节; 可能拷贝未完成, 请重新拷贝")
        }
        guard body.count == bodyBytes, Hex.string(Array(body.withUnsafeBytes { SHA256.hash(data: $0) })) == digest else {
            throw Problem(description: "同步文件已损坏或被改动: 内容与文件头记下的摘要不符; 请重新拷贝或重新导出")
        }
        return (header, bytes[..<lines[2].startIndex], macs, body)
    }

    /// The signature line: `mac HEX` (format 1), `mac2 HEX|- HEX|-` (format 2, at least one MAC).
    private static func macs(_ line: String, version1: Bool) throws(Problem) -> MACs {
        let damaged = Problem(description: "同步文件已损坏: 签名行无效")
        let words = line.split(separator: " ", omittingEmptySubsequences: false).map(String.init)
        func mac(_ word: String) throws(Problem) -> String? {
            if word == "-" { return nil }
            guard word.utf8.count == 64, word.utf8.allSatisfy({ Hex.value(ofLowercase: $0) != nil }) else { throw damaged }
            return word
        }
        if version1 {
            guard words.count == 2, words[0] == "mac", let hash = try mac(words[1]) else { throw damaged }
            return MACs(key: nil, hash: hash, version1: true)
        }
        guard words.count == 3, words[0] == "mac2" else { throw damaged }
        let macs = MACs(key: try mac(words[1]), hash: try mac(words[2]), version1: false)
        guard macs.key != nil || macs.hash != nil else { throw damaged }
        return macs
    }
}

/// The three steps of an exchange by file, for every caller alike (the `bundle` command, the
/// tests): the lower side writes its file, the server answers it, the lower side takes the reply.
extension BundleFile {
    /// The lower side's file: what `client`'s store has not had acknowledged, signed with the
    /// token's key and hash (`signing`) and naming the token as `device`.
    public static func export(_ client: BundleClient, signing: Signing, device: String, now: Int64) throws -> (bundle: UpBundle, bytes: [UInt8]) {
        let bundle = try client.bundle()
        let header = Header(direction: .up, sender: bundle.done.sender, recipient: nil, device: device, created: now)
        return (bundle, write(bundle, header: header, signing: signing))
    }



    /// The server's answer to a lower side's file: the token it names looked up (`token`: its
    /// key and what it allows, or nil when the server never issued it), the file checked whole,
    /// answered by `service` as the token's peer, and the reply written and signed alike.
    /// `signedWithKey`: false when the file was taken on the token's hash alone (a token issued
    /// before format 2, for which the server holds no key): the caller says so.
    public static func answer(_ bytes: [UInt8], service: SyncService, server: SiteInfo, now: Int64,
                              token: (String) throws -> BundleKeys?) throws
        -> (header: Header, reply: ReplyBundle, bytes: [UInt8], signedWithKey: Bool) {
        let named = try header(of: bytes)
        let who = "\(named.sender.unit) 的 \(named.sender.deviceName)"
        guard let keys = try token(named.device) else {
            throw Problem(description: "文件所用的令牌不是本服务器发放的 (来自 \(who)); 不予导入。请确认带到了正确的上级")
        }
        guard case .valid(let access) = keys.access else {
            throw Problem(description: keys.access == .revoked ? "写出它的设备 (\(who)) 的令牌已吊销; 不予导入" : "文件所用的令牌不是本服务器发放的; 不予导入")
        }
        let (header, body, signedWithKey) = try verified(bytes, verifying: keys.key.map { .key($0, hash: keys.hash) } ?? .hash(keys.hash),
                                                         expecting: .up)
        // Read twice, a frame at a time: first every message checked (nothing applied from a file
        // that is not whole), then each push applied as it is read again; never all held at once.
        var pull: PullRequest?, done: DoneRequest?
        try forEachUpMessage(body, sender: header.sender) { message in
            if case .pull(let request) = message { pull = request }
            if case .done(let request) = message { done = request }
        }
        let reply = try service.answer(sender: header.sender, pushes: { each in
            try forEachUpMessage(body, sender: header.sender) { message in
                if case .push(let push) = message { try each(push) }
            }
        }, pull: pull!, done: done!, peer: access.peer, now: now)
        let replyHeader = Header(direction: .reply, sender: server, recipient: header.sender.site, device: header.device, created: now)
        // A reply is written as the device can read it: format 1 to a laptop of the previous release.
        let signing: Signing = try formatVersion(of: bytes) == 1 ? .version1(hash: keys.hash)
            : keys.key.map { .both(key: $0, hash: keys.hash) } ?? .hashOnly(keys.hash)
        return (header, reply, write(reply, header: replyHeader, signing: signing), signedWithKey)
    }

    /// 1 or 2, for a file that is whole.
    public static func formatVersion(of bytes: [UInt8]) throws(Problem) -> Int {
        try parts(of: bytes).macs.version1 ? 1 : 2
    }

    /// The lower side takes the server's reply: only the one written to its own site, whose MAC
    /// its own token's key (or, from a server that holds none for it, its hash) confirms.
    public static func take(_ bytes: [UInt8], _ client: BundleClient, key: String, hash: String) throws -> SyncReport {
        let own = try client.store.siteInfo()
        let header = try header(of: bytes)
        guard header.recipient == own.site else {
            throw Problem(description: "这份回复是写给另一台电脑的 (站点 \(header.recipient?.rawValue ?? "?")), 本机站点是 \(own.site); 不予导入")
        }
        let (_, reply) = try openReply(bytes, verifying: .either(key: key, hash: hash))
        return try client.take(reply)
    }
}
