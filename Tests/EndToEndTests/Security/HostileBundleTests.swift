import Crypto
import Foundation
import RecordRules
import SyncWire
import Testing
import TestSupport
import TestTiers

/// Issue 27, finding 8, and the fuzzer under a memory ceiling: a 300 KB bundle, signed with a
/// village's own token, took `bundle import` to 2.8 GB (200 MB of 5-byte frames collected before
/// any was looked at). Frames are now checked as they are decompressed, their number capped, and
/// a server applies a file a push at a time. Each hostile file here is signed with a real token's
/// key, as its holder could sign it, and goes to the real binary, whose peak memory the kernel
/// reports.
@Suite("Trust: hostile bundles are refused in words, within 200 MB", .tags(.slow), .fullSuiteOnly)
struct HostileBundleTests {
    static let ceilingMB = 200.0
    static let village = TestSupport.village.code

    /// A file as the format says (docs/PROTOCOL.md), its body the raw `frames` given, signed with
    /// both of the token's MACs: written here from the format, not by gongkai's own writer.
    static func signed(frames body: [UInt8], token: String, site: String) -> [UInt8] {
        let compressed = Gzip.compress(body)
        let hash = DeviceToken.hash(of: token)
        let digest = SHA256.hash(data: compressed).map { String(format: "%02x", $0) }.joined()
        let header = "{\"body_bytes\":\(compressed.count),\"body_sha256\":\"\(digest)\",\"created\":1700000000,\"device\":\"\(DeviceToken.bundleName(ofHash: hash))\","
            + "\"direction\":\"up\",\"sender\":{\"device\":\"a\",\"site\":\"\(site)\",\"unit\":\"\(village)\"}}"
        let signedPart = Array("gongkai-bundle 2\n\(header)\n".utf8)
        func mac(_ key: String) -> String {
            var code = HMAC<SHA256>(key: SymmetricKey(data: Array(key.utf8)))
            code.update(data: signedPart)
            code.update(data: compressed)
            return code.finalize().map { String(format: "%02x", $0) }.joined()
        }
        return signedPart + Array("mac2 \(mac(BundleKey.derive(token: token))) \(mac(hash))\n".utf8) + compressed
    }

    /// A frame: its mark and its bytes.
    static func frame(_ tag: String, _ json: String, number: Int? = nil) -> [UInt8] {
        Array("\(tag) \(json.utf8.count)\(number.map { " \($0)" } ?? "")\n\(json)\n".utf8)
    }

    /// `unit` repeated `count` times, in one allocation.
    static func repeated(_ unit: [UInt8], _ count: Int) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(unit.count * count)
        for _ in 0..<count { bytes.append(contentsOf: unit) }
        return bytes
    }

    static let site = "aaaaaaaaaaaaaaa1"
    static let sender = "{\"device\":\"a\",\"site\":\"\(site)\",\"unit\":\"\(village)\"}"
    static let emptyPush = "{\"counter\":1,\"protocolVersion\":2,\"records\":[],\"schemaVersion\":13,\"sender\":\(sender)}"
    static let pull = "{\"counter\":1,\"limit\":2000,\"protocolVersion\":2,\"schemaVersion\":13,\"sender\":\(sender)}"
    static let done = "{\"conflicts\":0,\"digest\":\"\(String(repeating: "0", count: 64))\",\"protocolVersion\":2,\"pulled\":0,\"pushed\":0,\"sender\":\(sender)}"

    struct Case: CustomStringConvertible, Sendable {
        let name: String
        let body: @Sendable () -> [UInt8]
        let refusal: String
        var description: String { name }
    }

    static let cases: [Case] = [
        Case(name: "200 MB of 5-byte frames", body: { repeated(Array("x 0\n\n".utf8), 40_000_000) },
             refusal: "未知的内容 x"),
        Case(name: "200 MB of empty push frames", body: { repeated(Array("push 0 1\n\n".utf8), 20_000_000) },
             refusal: "同步文件内容无法读取"),
        Case(name: "20,000 valid empty pushes", body: {
            repeated(frame("push", emptyPush, number: 1), 20_000) + frame("pull", pull) + frame("done", done)
        }, refusal: "分段超过 10000 个"),
        Case(name: "a frame claiming 2^40 bytes", body: { Array("push 1099511627776 1\n".utf8) + Array(repeating: 0x20, count: 1_000) },
             refusal: "的长度无效"),
        Case(name: "a frame of 60 MB", body: { Array("push 62914560 1\n".utf8) + Array(repeating: 0x20, count: 62_914_561) }, refusal: "的长度无效"),
        Case(name: "2 MB of zeros", body: { Array(repeating: 0, count: 2_000_000) }, refusal: "分段标记无效"),
        // Valid pushes of 40 MB each (whitespace after the JSON), past the 1 GB a body may unpack to
        Case(name: "1.2 GB of pushes", body: {
            repeated(frame("push", emptyPush + String(repeating: " ", count: 40 << 20), number: 1), 30) + frame("pull", pull) + frame("done", done)
        }, refusal: "解压后超过 1024 MB"),
        Case(name: "two pulls", body: { frame("pull", pull) + frame("pull", pull) + frame("done", done) }, refusal: "不在它应在的位置"),
        Case(name: "a push after the pull", body: { frame("pull", pull) + frame("push", emptyPush, number: 1) + frame("done", done) },
             refusal: "不在它应在的位置"),
        Case(name: "no done", body: { frame("push", emptyPush, number: 1) + frame("pull", pull) }, refusal: "缺少拉取或结束部分"),
        Case(name: "a frame cut short", body: { frame("pull", pull) + Array(frame("done", done).dropLast(9)) }, refusal: "最后一个分段被截断"),
        Case(name: "a reply's frame in an up file", body: { frame("asked", "null") }, refusal: "未知的内容 asked"),
    ]

    /// A township server (its file, not serving) with village A's laptop `a`, whose token signs.
    static func township(_ w: Workspace) throws -> String {
        #expect(try GongkaiProcess.run(["admin", "add-unit", "--unit", TestSupport.township.code, "--name", "西安镇", "--db", w.path("town.sqlite")]).status == 0)
        #expect(try w.gongkai(["admin", "add-unit", "--unit", village, "--name", "园河村", "--parent", TestSupport.township.code], db: "town.sqlite").status == 0)
        let issued = try w.gongkai(["admin", "issue-token", "--unit", village], db: "town.sqlite")
        return issued.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    @Test("each hostile file, signed with the village's own token: refused in words, nothing changed, no crash, peak memory under 200 MB",
          arguments: cases)
    func withinTheCeiling(hostile: Case) throws {
        // Given a township server's file and a token of village A
        let w = Workspace()
        let token = try Self.township(w)
        let before = try w.dump("town.sqlite")
        let file = w.url.appendingPathComponent("hostile.gkb")
        try Data(Self.signed(frames: hostile.body(), token: token, site: Self.site)).write(to: file)
        let size = (try FileManager.default.attributesOfItem(atPath: file.path)[.size] as? Int) ?? 0
        // When the township imports it
        let run = try MeasuredRun.gongkai(["bundle", "import", file.path, "--db", w.path("town.sqlite"), "--reply", w.path("reply.gkb")], in: w.url)
        print("HOSTILE-BUNDLE \(hostile.name): \(size / 1024) kB, exit \(run.status), peak \(Int(run.peakMB)) MB")
        // Then it is refused, saying why, with nothing changed, no reply, no crash, within the ceiling
        #expect(run.signal == nil, "\(hostile.name): killed by signal \(run.signal ?? 0)")
        #expect(run.status == 1 && run.stderr.contains(hostile.refusal), "\(hostile.name): \(run.status) \(run.stderr.prefix(400))")
        #expect(run.peakMB < Self.ceilingMB, "\(hostile.name): peak \(run.peakMB) MB")
        #expect(try w.dump("town.sqlite") == before, "\(hostile.name)")
        #expect(!FileManager.default.fileExists(atPath: w.path("reply.gkb")), "\(hostile.name)")
    }

    @Test("a genuine file of 40,000 records in 20 pushes is taken a push at a time, within 200 MB")
    func largeGenuineFile() throws {
        // Given a laptop of village A holding 40,000 fees, and its file
        let w = Workspace()
        let token = try Self.township(w)
        try w.initVillage()
        let rows = (0..<40_000).map { "f\($0),2021-\(String(format: "%02d", $0 % 12 + 1))-15,\($0 % 900 + 1)" }
        #expect(try w.gongkai(["import", "fees", w.write("fees.csv", "id,collected_on,amount_yuan\n" + rows.joined(separator: "\n") + "\n")]).status == 0)
        #expect(try w.gongkai(["bundle", "export", "--output", w.path("a.gkb"), "--token", token]).status == 0)
        // When the township imports it
        let run = try MeasuredRun.gongkai(["bundle", "import", w.path("a.gkb"), "--db", w.path("town.sqlite"), "--reply", w.path("reply.gkb")], in: w.url)
        print("GENUINE-BUNDLE 40,000 fees: exit \(run.status), peak \(Int(run.peakMB)) MB")
        // Then every record is taken, within the ceiling
        #expect(run.status == 0 && run.stdout.contains("合并 40000, 拒收 0"), "\(run.stdout) \(run.stderr.prefix(300))")
        #expect(run.peakMB < Self.ceilingMB, "peak \(run.peakMB) MB")
    }
}
