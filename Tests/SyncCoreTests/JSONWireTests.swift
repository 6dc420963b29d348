import Foundation
import SyncCore
import SyncWire
import TestSupport
import Testing

/// The hand-written JSON of pushes and pulls, checked against Foundation's own JSON: what we
/// write Foundation reads as the same values, and what Foundation writes (other key order, other
/// escapes, spaces) we read as the same message.
@Suite("Push and pull JSON, checked against Foundation")
struct JSONWireTests {
    static let sender = SiteInfo(site: SiteID("00000000000000a1")!, deviceName: "笔记本 \"甲\"", unit: "640522100201")

    /// Text with everything JSON must escape or may escape: quotes, backslashes, slashes,
    /// control characters, Chinese, characters outside the BMP, line separators.
    static func randomText(_ random: inout SeededGenerator) -> String {
        let pieces = ["a", "Z", "0", " ", "\"", "\\", "/", "\n", "\r", "\t", "\u{0}", "\u{1F}", "\u{7F}", "村", "政府信息公开",
                      "😀", "𠀋", "\u{2028}", "é", "\\u0041", "{", "]", ":", ","]
        return (0..<Int.random(in: 0...12, using: &random)).map { _ in pieces.randomElement(using: &random)! }.joined()
    }

    static func randomRecords(seed: UInt64) -> [RemoteRecord] {
        var random = SeededGenerator(seed: seed)
        let site = SiteID("00000000000000b2")!
        var records: [RemoteRecord] = []
        var counter: UInt64 = 0
        for index in 0..<Int.random(in: 1...20, using: &random) {
            // Runs of consecutive dots (sent as "+") and gaps between them.
            counter += Int.random(in: 0..<3, using: &random) == 0 ? UInt64.random(in: 2...5, using: &random) : 1
            var values: [String: String?] = [:]
            for _ in 0..<Int.random(in: 1...6, using: &random) {
                values["field_\(Int.random(in: 0..<8, using: &random))"] = Bool.random(using: &random) ? randomText(&random) : nil
            }
            let version = RecordVersion.created(values, dot: Dot(site: site, counter: counter), at: Int64.random(in: -1_000...1_000_000_000, using: &random))
            records.append(RemoteRecord(kind: "requests", id: "r\(index)-" + randomText(&random), unit: "640522100201", version: version))
        }
        // Full forms with concurrent siblings and deletions, from honest histories.
        for (index, version) in randomHistory(seed: seed).enumerated() {
            records.insert(RemoteRecord(kind: "fees", id: "h\(index)", unit: "640522100201", version: version),
                           at: Int.random(in: 0...records.count, using: &random))
        }
        return records
    }

    /// The same JSON as Foundation writes it: keys in its own order, `/` escaped, indented.
    static func rewrittenByFoundation(_ bytes: [UInt8]) throws -> [UInt8] {
        let object = try JSONSerialization.jsonObject(with: Data(bytes))
        return Array(try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted]))
    }

    @Test("a push with any text and any version reads back the same, and so does Foundation's rewrite of it", arguments: propertySeeds(count: 60))
    func pushes(seed: UInt64) throws {
        // Given a push with awkward text in ids, names and values, short and full forms mixed
        let request = PushRequest(schemaVersion: 5, sender: Self.sender, senderCounter: seed, cursor: SyncCursor(mark: "m/\(seed)", seq: Int64(seed)),
                                  records: Self.randomRecords(seed: seed))
        // When it is written, and when Foundation rewrites what was written
        let written = Wire.encode(request)
        let rewritten = try Self.rewrittenByFoundation(written)
        // Then both read back as the push that was sent
        #expect(try Wire.pushRequest(written) == request, "seed \(seed)")
        #expect(try Wire.pushRequest(rewritten) == request, "seed \(seed)")
        #expect(rewritten != written)
    }

    @Test("a relay's push carries the sites and units its records name, read back the same; a laptop's push has neither key",
          arguments: propertySeeds(count: 20))
    func relayPushes(seed: UInt64) throws {
        var random = SeededGenerator(seed: seed)
        // Given a push with the sites and units of a township's villages
        // (a device name as a server takes it: control characters cleaned, as in a pull's answer)
        let sites = [SiteInfo(site: SiteID("00000000000000a1")!, deviceName: SyncLimits.cleanedDeviceName(Self.randomText(&random)), unit: "640522100201")]
        let units = [UnitInfo(code: "640522100201", name: Self.randomText(&random), parent: "640522100000")]
        let relayed = PushRequest(schemaVersion: 11, sender: Self.sender, senderCounter: seed, records: Self.randomRecords(seed: seed),
                                  sites: sites, units: units)
        // Then it reads back as sent, Foundation's rewrite too
        let written = Wire.encode(relayed)
        #expect(try Wire.pushRequest(written) == relayed, "seed \(seed)")
        #expect(try Wire.pushRequest(Self.rewrittenByFoundation(written)) == relayed, "seed \(seed)")
        // And a push without them writes neither key (a server of before relays sees what it always did)
        let plain = Wire.encode(PushRequest(schemaVersion: 11, sender: Self.sender, senderCounter: seed, records: relayed.records))
        let object = try #require(try JSONSerialization.jsonObject(with: Data(plain)) as? [String: Any])
        #expect(object["sites"] == nil && object["units"] == nil)
    }

    @Test("a relay's end of sync carries its devices' last syncs, read back the same; a laptop's has no such key")
    func relayDone() throws {
        let syncs = [RelayedSync(site: SiteInfo(site: SiteID("00000000000000a1")!, deviceName: "园河村笔记本", unit: "640522100201"), at: 1_700_000_000),
                     RelayedSync(site: SiteInfo(site: SiteID("00000000000000a2")!, deviceName: "新村", unit: "640522100203"), at: -5)]
        let relayed = DoneRequest(sender: Self.sender, digest: "ab", pushed: 1, pulled: 2, conflicts: 0, syncs: syncs)
        #expect(try Wire.doneRequest(Wire.encode(relayed)) == relayed)
        #expect(try Wire.doneRequest(Self.rewrittenByFoundation(Wire.encode(relayed))) == relayed)
        let plain = Wire.encode(DoneRequest(sender: Self.sender, digest: "ab", pushed: 1, pulled: 2, conflicts: 0))
        #expect(!String(decoding: plain, as: UTF8.self).contains("syncs"))
    }

    @Test("a pull's answer reads back the same, and so does Foundation's rewrite of it", arguments: propertySeeds(count: 30))
    func pulls(seed: UInt64) throws {
        var random = SeededGenerator(seed: seed)
        // Given an answer with sites, units with and without a parent, and records
        let response = PullResponse(records: Self.randomRecords(seed: seed), sites: [Self.sender],
                                    units: [UnitInfo(code: "640522100", name: Self.randomText(&random), parent: nil),
                                            UnitInfo(code: "640522100201", name: Self.randomText(&random), parent: "640522100")],
                                    next: SyncCursor(mark: Self.randomText(&random), seq: Int64.random(in: 0...Int64.max, using: &random)),
                                    more: Bool.random(using: &random), restarted: Bool.random(using: &random))
        // When it is written, and rewritten by Foundation
        let written = Wire.encode(response)
        // Then both read back as the answer sent
        #expect(try Wire.pullResponse(written) == response, "seed \(seed)")
        #expect(try Wire.pullResponse(Self.rewrittenByFoundation(written)) == response, "seed \(seed)")
    }

    @Test("what is written is JSON Foundation reads, with the values as they were")
    func foundationReadsWhatIsWritten() throws {
        // Given a record whose id and value hold every character class JSON escapes
        let text = "引号\" 反斜杠\\ 斜杠/ 换行\n 制表\t 空\u{0} 单位\u{1F} 表情😀"
        let version = RecordVersion.created(["title": text, "empty": nil], dot: Dot(site: SiteID("00000000000000b2")!, counter: 3), at: 7)
        let request = PushRequest(schemaVersion: 5, sender: Self.sender, senderCounter: 3,
                                  records: [RemoteRecord(kind: "notices", id: text, unit: "640522100201", version: version)])
        // When Foundation reads the written push
        let object = try #require(try JSONSerialization.jsonObject(with: Data(Wire.encode(request))) as? [String: Any])
        let record = try #require((object["records"] as? [[String: Any]])?.first)
        // Then it sees the same text, the short form, and the sender as sent
        #expect(record["id"] as? String == text)
        #expect((record["values"] as? [String: String])?["title"] == text)
        #expect(record["dot"] as? String == "00000000000000b2:3:7")
        #expect(record["cleared"] as? String == "empty")
        #expect((object["sender"] as? [String: String])?["device"] == Self.sender.deviceName)
        #expect(object["counter"] as? Int == 3)
    }

    @Test("every JSON escape reads as its character")
    func escapes() throws {
        let push = #"{"protocolVersion":2,"schemaVersion":5,"sender":{"site":"00000000000000a1","device":"x","unit":"u"},"counter":1,"records":[{"kind":"requests","id":"r1","unit":"u","dot":"00000000000000b2:7:1","values":{"content":"a\"b\\c\/d\b\f\n\r\t\u0041\u4e2d\ud83d\ude00"}}]}"#
        #expect(try Wire.pushRequest(Array(push.utf8)).records[0].version.value("content") == "a\"b\\c/d\u{08}\u{0C}\n\r\tA中😀")
    }

    static let validPush = #"{"protocolVersion":2,"schemaVersion":5,"sender":{"site":"00000000000000a1","device":"x","unit":"640522100201"},"counter":1,"records":[RECORDS]}"#
    static let validRecord = #"{"kind":"requests","id":"r1","unit":"640522100201","dot":"00000000000000b2:7:1","values":{"received_on":"2021-03-02"}}"#

    static let valid = validPush.replacingOccurrences(of: "RECORDS", with: validRecord + "," + validRecord.replacingOccurrences(of: "r1", with: "r2"))

    static func push(_ replacing: String, with: String) -> [UInt8] {
        precondition(valid.contains(replacing), replacing)
        return Array(valid.replacingOccurrences(of: replacing, with: with).utf8)
    }

    @Test("a broken push is refused with what is wrong and where", arguments: [
        (#""schemaVersion":5,"#, "", "缺少字段 schemaVersion"),
        (#""kind":"requests","id":"r2""#, #""id":"r2""#, "缺少字段 records[1].kind"),
        (#""counter":1"#, #""counter":"1""#, "字段 counter 的类型不对"),
        (#""counter":1"#, #""counter":-1"#, "字段 counter 的值无效: -1 超出范围 (0 到 9007199254740991)"),
        (#""counter":1"#, #""counter":1.5"#, "字段 counter 的类型不对"),
        (#""counter":1"#, #""counter":18446744073709551616"#, "字段 counter 的值无效: 18446744073709551616 超出范围 (0 到 9007199254740991)"),
        (#""counter":1"#, #""counter":9007199254740992"#, "字段 counter 的值无效: 9007199254740992 超出范围 (0 到 9007199254740991)"),
        (#""dot":"00000000000000b2:7:1""#, #""dot":"00000000000000b2:9223372036854775808:1""#,
         "字段 records[0] 的值无效: 记录 requests/r1 的 dot \"00000000000000b2:9223372036854775808:1\" 无效: 计数 9223372036854775808 超出范围 (1 到 9007199254740991)"),
        (#""dot":"00000000000000b2:7:1""#, #""dot":"00000000000000b2:7:999999999999999""#,
         "字段 records[0] 的值无效: 记录 requests/r1 的 dot \"00000000000000b2:7:999999999999999\" 无效: 时间 999999999999999 超出范围"),
        (#""device":"x""#, #""device":"a\nsync unit=1""#, "字段 sender.device 的值无效: 设备名称含有换行或其他控制字符"),
        (#""device":"x""#, #""device":"\#(String(repeating: "长", count: 65))""#, "字段 sender.device 的值无效: 超过 64 个字符"),
        (#""unit":"640522100201"},"#, #""unit":"6405 22"},"#, "字段 sender.unit 的值无效"),
        (#""counter":1"#, #""counter":01"#, "不是有效的 JSON"),
        (#""counter":1"#, #""counter":1,"future":[1,01]"#, "不是有效的 JSON"),
        (#""counter":1"#, #""counter":null"#, "字段 counter 的类型不对"),
        (#""device":"x""#, #""device":"\ud800x""#, "字段 sender.device 的值无效: \u{5C}u 转义是不成对的代理项"),
        (#""device":"x""#, #""device":"a\qb""#, "不是有效的 JSON"),
        (#""device":"x""#, "\"device\":\"a\tb\"", "不是有效的 JSON"),
        (#""values":{"received_on":"2021-03-02"}}"#, #""values":{"received_on":"a","received_on":"b"}}"#, "字段 records[0].values.received_on 的值无效: 字段名重复"),
        (#""values":{"received_on":"2021-03-02"}}"#, #""values":{"received_on":null}}"#, "字段 records[0].values.received_on 的类型不对"),
        (#""records":["#, #""future":"#, "不是有效的 JSON"),
        // Trailing commas (Foundation's reader lets them pass; JSON does not).
        (#""received_on":"2021-03-02"}}]"#, #""received_on":"2021-03-02"}},]"#, "不是有效的 JSON"),
        (#""unit":"640522100201"},"#, #""unit":"640522100201",},"#, "不是有效的 JSON"),
        (#""counter":1"#, #""counter":1,"future":\#(String(repeating: "[", count: 100))"#, "JSON 嵌套超过 64 层"),
    ])
    func refused(replacing: String, with: String, expected: String) throws {
        // Given a valid push broken in one place
        let body = Self.push(replacing, with: with)
        // When the server reads it
        let error = #expect(throws: Wire.Malformed.self) { try Wire.pushRequest(body) }
        // Then the error names the fault and its place
        #expect(error?.detail.hasPrefix(expected) == true, "\(error?.detail ?? "no error"), expected \(expected)")
    }

    @Test("bytes that are not UTF-8, a body cut short, and anything after the message are refused")
    func refusedBytes() throws {
        var notUTF8 = Self.push(#""device":"x""#, with: #""device":"xx""#)
        notUTF8[notUTF8.firstIndex(of: UInt8(ascii: "x"))!] = 0xFF
        // A 4-byte sequence cut after 3: decoding it with repairs gives as many bytes back.
        var cutSequence = Self.push(#""device":"x""#, with: #""device":"xxx""#)
        let first = cutSequence.firstIndex(of: UInt8(ascii: "x"))!
        cutSequence.replaceSubrange(first..<first + 3, with: [0xF0, 0x9F, 0x98])
        let cases: [([UInt8], String)] = [
            (notUTF8, "字段 sender.device 不是有效的 UTF-8"),
            (cutSequence, "字段 sender.device 不是有效的 UTF-8"),
            (Array(Array(Self.valid.utf8).prefix(40)), "不是有效的 JSON: 在第 40 字节处意外结束"),
            (Array(Self.valid.utf8) + Array(" x".utf8), "不是有效的 JSON"),
            ([], "不是有效的 JSON"),
        ]
        for (body, expected) in cases {
            let error = #expect(throws: Wire.Malformed.self) { try Wire.pushRequest(body) }
            #expect(error?.detail.hasPrefix(expected) == true, "\(error?.detail ?? "no error"), expected \(expected)")
        }
    }

    @Test("members this build does not know are passed over, whatever they hold")
    func unknownMembers() throws {
        // Given a push from a later build with extra members at every level
        let body = Self.push(#""counter":1"#, with: #""counter":1,"future":{"a":[1,-2.5e3,true,false,null,"s",{"b":[]}]}"#)
        let extra = Array(String(decoding: body, as: UTF8.self)
            .replacingOccurrences(of: #""kind":"requests""#, with: #""kind":"requests","later":[{"x":"\u00e9"}]"#).utf8)
        // When it is read
        let request = try Wire.pushRequest(extra)
        // Then the records are read as they would be without them
        #expect(request == (try Wire.pushRequest(Array(Self.valid.utf8))))
        #expect(request.records.map(\.id) == ["r1", "r2"])
    }

    @Test("damaged pushes: whatever the reader accepts is JSON Foundation accepts too, and reads the same twice", arguments: propertySeeds(count: 20))
    // Foundation's reader is the oracle here, and it lets trailing commas pass: those are in the
    // table of refusals above instead.
    func damagedPushes(seed: UInt64) throws {
        var random = SeededGenerator(seed: seed)
        let request = PushRequest(schemaVersion: 5, sender: Self.sender, senderCounter: 1, records: Self.randomRecords(seed: seed))
        let valid = Wire.encode(request)
        let alphabet = Array(#"{}[]:,"\/u0123456789abcdefnulltruefalse-+.eE \#t\#n"#.utf8) + [0x00, 0x7F, 0x80, 0xC3, 0xE4, 0xF0, 0xFF]
        var accepted = 0
        for _ in 0..<400 {
            // Given the push damaged in one to four places: a byte changed, removed or put in
            var damaged = valid
            for _ in 0..<Int.random(in: 1...4, using: &random) {
                let at = Int.random(in: 0..<damaged.count, using: &random)
                switch Int.random(in: 0..<5, using: &random) {
                case 0: damaged[at] = alphabet.randomElement(using: &random)!
                case 1: damaged.remove(at: at)
                case 2: damaged.insert(alphabet.randomElement(using: &random)!, at: at)
                case 3: damaged.append(alphabet.randomElement(using: &random)!)
                default: // a zero before a number, a comma before a closing bracket
                    if let digit = damaged.indices.filter({ $0 + 1 < damaged.count && damaged[$0] == UInt8(ascii: ":") && damaged[$0 + 1] &- UInt8(ascii: "0") < 10 }).randomElement(using: &random) {
                        damaged.insert(UInt8(ascii: "0"), at: digit + 1)
                    }
                    if let close = damaged.indices.filter({ damaged[$0] == UInt8(ascii: "}") || damaged[$0] == UInt8(ascii: "]") }).randomElement(using: &random) {
                        damaged.insert(UInt8(ascii: ","), at: close)
                    }
                }
            }
            // When the reader reads it
            guard let read = try? Wire.pushRequest(damaged) else { continue }
            // Then, if it accepted it, it was JSON, and reading again gives the same push
            accepted += 1
            #expect((try? JSONSerialization.jsonObject(with: Data(damaged))) != nil,
                    "seed \(seed): accepted what is not JSON: \(String(decoding: damaged, as: UTF8.self).prefix(300))")
            #expect(try Wire.pushRequest(damaged) == read)
        }
        // Some damage leaves a valid push (a changed letter inside a value): the check above ran.
        #expect(accepted > 0, "seed \(seed)")
    }
}
