import Foundation
import SyncCore
import SyncWire
import TestSupport
import Testing

/// The `.gkb` file: what is written reads back the same; a file cut short, altered or signed
/// with another key is refused whole, with a reason.
@Suite("Bundle files")
struct BundleFileTests {
    static let sender = JSONWireTests.sender
    static let key = "3f2a9c01b7de" + String(repeating: "ab", count: 26)
    /// The token's hash, which the first format was signed with and the server's database holds.
    static let hash = "77aa" + String(repeating: "cd", count: 30)
    static let signing = BundleFile.Signing.both(key: key, hash: hash)

    static func upBundle(seed: UInt64) -> UpBundle {
        let records = JSONWireTests.randomRecords(seed: seed)
        let cursor = SyncCursor(mark: "e1-\(seed)", seq: Int64(seed % 1000))
        let halves = [Array(records.prefix(records.count / 2)), Array(records.dropFirst(records.count / 2))].filter { !$0.isEmpty }
        return UpBundle(pushes: halves.enumerated().map { index, batch in
                            BundledPush(request: PushRequest(schemaVersion: 12, sender: sender, senderCounter: seed, cursor: cursor, records: batch),
                                        through: Int64(index * 100 + 7))
                        },
                        pull: PullRequest(schemaVersion: 12, sender: sender, senderCounter: seed, cursor: cursor, limit: 2000),
                        done: DoneRequest(sender: sender, digest: String(repeating: "0", count: 64), pushed: records.count, pulled: 0, conflicts: 1))
    }

    static func header(_ direction: BundleFile.Direction) -> BundleFile.Header {
        BundleFile.Header(direction: direction, sender: sender, recipient: direction == .reply ? SiteID("00000000000000b2") : nil,
                          device: "0123456789abcdef01234567", created: 1_700_000_000)
    }

    @Test("an up bundle and a reply read back as written", arguments: propertySeeds(count: 10))
    func roundTrip(seed: UInt64) throws {
        let bundle = Self.upBundle(seed: seed)
        let bytes = BundleFile.write(bundle, header: Self.header(.up), signing: Self.signing)
        let read = try BundleFile.openUp(bytes, verifying: .key(Self.key, hash: Self.hash))
        #expect(read.bundle == bundle, "seed \(seed)")
        #expect(read.header == Self.header(.up))
        let reply = ReplyBundle(acks: bundle.pushes.map { BundledAck(through: $0.through, sent: $0.request.records.map(\.key),
                                                                      response: PushResponse(changed: 1, conflicted: 0, refused: [])) },
                                asked: bundle.pull.cursor, base: nil,
                                pages: [PullResponse(records: bundle.pushes[0].request.records, sites: [Self.sender], units: [],
                                                     next: SyncCursor(mark: "m", seq: 9), more: false)],
                                finished: DoneResponse(converged: false, digest: String(repeating: "1", count: 64)))
        let replyBytes = BundleFile.write(reply, header: Self.header(.reply), signing: Self.signing)
        #expect(try BundleFile.openReply(replyBytes, verifying: .either(key: Self.key, hash: Self.hash)).reply == reply, "seed \(seed)")
        // A file of one direction is not taken as the other
        #expect(throws: BundleFile.Problem.self) { try BundleFile.openReply(bytes, verifying: .either(key: Self.key, hash: Self.hash)) }
        #expect(throws: BundleFile.Problem.self) { try BundleFile.openUp(replyBytes, verifying: .key(Self.key, hash: Self.hash)) }
    }

    @Test("a file cut at every twentieth of its length is refused whole, saying it is incomplete")
    func truncated() throws {
        let bytes = BundleFile.write(Self.upBundle(seed: 7), header: Self.header(.up), signing: Self.signing)
        for twentieth in 0..<20 {
            let cut = Array(bytes.prefix(bytes.count * twentieth / 20))
            do {
                _ = try BundleFile.openUp(cut, verifying: .key(Self.key, hash: Self.hash))
                Issue.record("a file cut to \(cut.count) of \(bytes.count) bytes was taken")
            } catch {
                let message = error.description
                #expect(message.contains("不完整") || message.contains("不是 gongkai 的同步文件"), "\(cut.count) bytes: \(message)")
            }
        }
    }

    @Test("a byte flipped anywhere, or the wrong key, is refused whole, saying why", arguments: propertySeeds(count: 5))
    func altered(seed: UInt64) throws {
        var random = SeededGenerator(seed: seed)
        let bytes = BundleFile.write(Self.upBundle(seed: seed), header: Self.header(.up), signing: Self.signing)
        for _ in 0..<40 {
            var flipped = bytes
            let position = Int.random(in: 0..<bytes.count, using: &random)
            flipped[position] ^= UInt8(1 << Int.random(in: 0..<8, using: &random))
            do {
                _ = try BundleFile.openUp(flipped, verifying: .key(Self.key, hash: Self.hash))
                Issue.record("seed \(seed): a file with byte \(position) flipped was taken")
            } catch {
                #expect(!error.description.isEmpty)
            }
        }
        #expect { try BundleFile.openUp(bytes, verifying: .key("another key", hash: Self.hash)) } throws: { error in
            "\(error)".contains("签名与令牌不符")
        }
        // And a file that is no bundle at all says so
        #expect { try BundleFile.openUp(Array("id,title\n1,公示\n".utf8), verifying: .key(Self.key, hash: Self.hash)) } throws: { error in
            "\(error)".contains("不是 gongkai 的同步文件")
        }
    }

    @Test("a server holding the device's key takes only that key's MAC: the hash's alone, or a file of the first format, is refused")
    func keyRequired() throws {
        // Given a device's file signed with its key and its token's hash
        let bundle = Self.upBundle(seed: 3)
        let both = BundleFile.write(bundle, header: Self.header(.up), signing: Self.signing)
        #expect(try BundleFile.openUp(both, verifying: .key(Self.key, hash: Self.hash)).signedWithKey)
        // When someone who holds only the token's hash (a copy of the server's database) signs one
        let hashOnly = BundleFile.write(bundle, header: Self.header(.up), signing: .hashOnly(Self.hash))
        let version1 = BundleFile.write(bundle, header: Self.header(.up), signing: .version1(hash: Self.hash))
        // Then a server that holds the device's key refuses both, saying why
        #expect { try BundleFile.openUp(hashOnly, verifying: .key(Self.key, hash: Self.hash)) } throws: { "\($0)".contains("缺少设备密钥的签名") }
        #expect { try BundleFile.openUp(version1, verifying: .key(Self.key, hash: Self.hash)) } throws: { "\($0)".contains("旧版 gongkai") }
        // And a key derived from the hash is no key either
        #expect { try BundleFile.openUp(both, verifying: .key(Self.hash, hash: Self.hash)) } throws: { "\($0)".contains("签名与令牌不符") }
        // And a server that holds no key for an old token takes the hash's MAC, of either format, and says so
        #expect(try BundleFile.openUp(version1, verifying: .hash(Self.hash)).signedWithKey == false)
        #expect(try BundleFile.openUp(both, verifying: .hash(Self.hash)).signedWithKey == false)
        #expect(try BundleFile.formatVersion(of: version1) == 1 && BundleFile.formatVersion(of: both) == 2)
        #expect(String(decoding: version1.prefix(16), as: UTF8.self) == BundleFile.magicVersion1)
    }
}
