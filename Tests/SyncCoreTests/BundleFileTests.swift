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
        let bytes = BundleFile.write(bundle, header: Self.header(.up), key: Self.key)
        let read = try BundleFile.openUp(bytes, key: Self.key)
        #expect(read.bundle == bundle, "seed \(seed)")
        #expect(read.header == Self.header(.up))
        let reply = ReplyBundle(acks: bundle.pushes.map { BundledAck(through: $0.through, sent: $0.request.records.map(\.key),
                                                                      response: PushResponse(changed: 1, conflicted: 0, refused: [])) },
                                asked: bundle.pull.cursor, base: nil,
                                pages: [PullResponse(records: bundle.pushes[0].request.records, sites: [Self.sender], units: [],
                                                     next: SyncCursor(mark: "m", seq: 9), more: false)],
                                finished: DoneResponse(converged: false, digest: String(repeating: "1", count: 64)))
        let replyBytes = BundleFile.write(reply, header: Self.header(.reply), key: Self.key)
        #expect(try BundleFile.openReply(replyBytes, key: Self.key).reply == reply, "seed \(seed)")
        // A file of one direction is not taken as the other
        #expect(throws: BundleFile.Problem.self) { try BundleFile.openReply(bytes, key: Self.key) }
        #expect(throws: BundleFile.Problem.self) { try BundleFile.openUp(replyBytes, key: Self.key) }
    }

    @Test("a file cut at every twentieth of its length is refused whole, saying it is incomplete")
    func truncated() throws {
        let bytes = BundleFile.write(Self.upBundle(seed: 7), header: Self.header(.up), key: Self.key)
        for twentieth in 0..<20 {
            let cut = Array(bytes.prefix(bytes.count * twentieth / 20))
            do {
                _ = try BundleFile.openUp(cut, key: Self.key)
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
        let bytes = BundleFile.write(Self.upBundle(seed: seed), header: Self.header(.up), key: Self.key)
        for _ in 0..<40 {
            var flipped = bytes
            let position = Int.random(in: 0..<bytes.count, using: &random)
            flipped[position] ^= UInt8(1 << Int.random(in: 0..<8, using: &random))
            do {
                _ = try BundleFile.openUp(flipped, key: Self.key)
                Issue.record("seed \(seed): a file with byte \(position) flipped was taken")
            } catch {
                #expect(!error.description.isEmpty)
            }
        }
        #expect { try BundleFile.openUp(bytes, key: "another key") } throws: { error in
            "\(error)".contains("签名与令牌不符")
        }
        // And a file that is no bundle at all says so
        #expect { try BundleFile.openUp(Array("id,title\n1,公示\n".utf8), key: Self.key) } throws: { error in
            "\(error)".contains("不是 gongkai 的同步文件")
        }
    }
}
