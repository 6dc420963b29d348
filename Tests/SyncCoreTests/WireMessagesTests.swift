import Foundation
import SyncCore
import SyncWire
import Testing

/// The messages without records go through the same writer as those with: whatever text they
/// carry, they are JSON any reader takes, and the client reads back what the server wrote.
@Suite("Wire: the small messages")
struct WireMessagesTests {
    /// Every control character, a quote, a backslash, a slash, Chinese and an emoji.
    static let hostileText = String((0..<0x20).map { Character(Unicode.Scalar(UInt8($0))) }) + "\"\\/ 园河村 😀 \u{7F}"

    func foundationObject(_ bytes: [UInt8]) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any])
    }

    @Test("/v1/status with any unit name is JSON, the name read back exactly")
    func status() throws {
        let bytes = Wire.encode(ServerStatus(protocol: 3, schema: 9, unit: "640522100000", name: Self.hostileText))
        let object = try foundationObject(bytes)
        #expect(object["name"] as? String == Self.hostileText)
        #expect(object["protocol"] as? Int == 3 && object["schema"] as? Int == 9 && object["unit"] as? String == "640522100000")
    }

    @Test("an error body with any message reads back as the same refusal")
    func errors() throws {
        var error = WireError(code: "counter_went_back", message: Self.hostileText)
        error.site = "00000000000000a1"
        error.known = 9_007_199_254_740_991
        error.declared = 0
        let bytes = Wire.encode(error)
        #expect(try foundationObject(bytes)["error"] != nil)
        #expect(Wire.error(bytes) == error)
        #expect(Wire.error(Wire.encode(WireError(SyncRefused.schemaMismatch(server: 9, client: 10))))?.refusal == .schemaMismatch(server: 9, client: 10))
        // A body that is not an error is not taken for one
        #expect(Wire.error(Array(#"{"changed":1}"#.utf8)) == nil)
        #expect(Wire.error(Array("not json".utf8)) == nil)
    }

    @Test("a push's answer with any refusal reason, and a done's answer, read back the same")
    func responses() throws {
        let push = PushResponse(changed: 7, conflicted: 2,
                                refused: [Refusal(kind: "requests", id: "640522100201:1", reason: Self.hostileText),
                                          Refusal(kind: "notices", id: "n2", reason: "无权")],
                                restarted: true)
        let bytes = Wire.encode(push)
        _ = try foundationObject(bytes)
        #expect(try Wire.pushResponse(bytes) == push)
        let done = DoneResponse(converged: false, digest: String(repeating: "ab", count: 32))
        #expect(try Wire.doneResponse(Wire.encode(done)) == done)
        // What is missing is named
        let error = #expect(throws: Wire.Malformed.self) { try Wire.pushResponse(Array(#"{"changed":1,"refused":[]}"#.utf8)) }
        #expect(error?.detail.contains("conflicted") == true)
    }

    @Test("pull and done requests read back through the server's readers")
    func requests() throws {
        let sender = SiteInfo(site: SiteID("00000000000000a1")!, deviceName: "笔记本", unit: "640522100201")
        let pull = PullRequest(schemaVersion: 9, sender: sender, senderCounter: 12, cursor: SyncCursor(mark: "m-1", seq: 40), limit: 500)
        #expect(try Wire.pullRequest(Wire.encode(pull)) == pull)
        let done = DoneRequest(sender: sender, digest: String(repeating: "0f", count: 32), pushed: 3, pulled: 4, conflicts: 1)
        #expect(try Wire.doneRequest(Wire.encode(done)) == done)
    }

    @Test("a pull carries the end of its sync without naming its sender twice, and its page the answer")
    func pullWithEnd() throws {
        // Given a pull that carries the end of its sync (a relay's, with its devices' syncs)
        let sender = SiteInfo(site: SiteID("00000000000000a1")!, deviceName: "乡镇服务器", unit: "640522100000")
        let village = SiteInfo(site: SiteID("00000000000000b2")!, deviceName: "笔记本", unit: "640522100201")
        let end = DoneRequest(sender: sender, digest: String(repeating: "0f", count: 32), pushed: 3, pulled: 0, conflicts: 2,
                              syncs: [RelayedSync(site: village, at: 1_700_000_000)])
        let pull = PullRequest(schemaVersion: 9, sender: sender, senderCounter: 12, cursor: nil, limit: 500, finish: end)
        // When written and read back by the server's reader
        let bytes = Wire.encode(pull)
        // Then the same request; the end's object holds no sender or version of its own
        #expect(try Wire.pullRequest(bytes) == pull)
        let finish = try #require(try foundationObject(bytes)["finish"] as? [String: Any])
        #expect(finish["sender"] == nil && finish["protocolVersion"] == nil)
        #expect(finish["digest"] as? String == end.digest && finish["pushed"] as? Int == 3 && finish["conflicts"] as? Int == 2)
        // A pull of before (no end) reads as one without
        let before = PullRequest(schemaVersion: 9, sender: sender, senderCounter: 12, cursor: nil, limit: 500)
        #expect(try Wire.pullRequest(Wire.encode(before)).finish == nil)
        #expect(!String(decoding: Wire.encode(before), as: UTF8.self).contains("finish"))
        // A page with the answer, and one without (a server of before writes none)
        let page = PullResponse(records: [], sites: [], units: [], next: SyncCursor(mark: "m", seq: 3), more: false)
        let answered = page.finished(DoneResponse(converged: true, digest: String(repeating: "0f", count: 32)))
        #expect(try Wire.pullResponse(Wire.encode(answered)) == answered)
        #expect(try Wire.pullResponse(Wire.encode(page)).done == nil)
        #expect(!String(decoding: Wire.encode(page), as: UTF8.self).contains("done"))
    }

    @Test("/v1/health writes the oldest write's age in exact thousandths")
    func health() throws {
        let object = try foundationObject(Wire.encode(ServerHealth(status: "ok", writesWaiting: 2, oldestWriteSeconds: 1.2345)))
        #expect(object["oldest_write_seconds"] as? Double == 1.235 || object["oldest_write_seconds"] as? Double == 1.234)
        #expect(object["writes_waiting"] as? Int == 2 && object["status"] as? String == "ok")
        let zero = try foundationObject(Wire.encode(ServerHealth(status: "ok", writesWaiting: 0, oldestWriteSeconds: 0)))
        #expect(zero["oldest_write_seconds"] as? Double == 0)
    }
}
