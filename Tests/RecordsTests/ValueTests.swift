import Records
import Testing

@Suite("Dates and money")
struct ValueTests {
    @Test("dates in the spellings spreadsheets produce become YYYY-MM-DD", arguments: [
        ("2020-03-05", "2020-03-05"), ("2020-3-5", "2020-03-05"), ("2020/3/5", "2020-03-05"),
        ("2020.03.05", "2020-03-05"), ("2020年3月5日", "2020-03-05"), (" 2024-02-29 ", "2024-02-29"),
        ("2000-02-29", "2000-02-29"),
        // As spreadsheets leave them: eight digits, and Excel's serial numbers (days since 1899-12-30)
        ("20200305", "2020-03-05"), ("44265", "2021-03-10"), ("36526", "2000-01-01"),
    ])
    func validDates(text: String, expected: String) {
        #expect(Day(parsing: text)?.description == expected)
    }

    @Test("impossible or malformed dates are refused", arguments: [
        "2021-02-29", "1900-02-29", "2020-13-01", "2020-00-10", "2020-04-31", "2020-01-32", "20201305", "12345",
        "2020-03", "03/05/2020", "abc", "", "1800-01-01", "2020--03-05", "2020-03-05x", "12020-01-01",
    ])
    func invalidDates(text: String) {
        #expect(Day(parsing: text) == nil)
    }

    @Test("amounts in yuan are exact to the fen", arguments: [
        ("1234", 123_400), ("1234.5", 123_450), ("1234.50", 123_450), ("0.05", 5), ("1,234.56", 123_456),
        ("¥88", 8_800), ("88元", 8_800), ("0", 0), ("+3", 300),
    ] as [(String, Int64)])
    func validAmounts(text: String, fen: Int64) throws {
        let amount = try Yuan.parse(text).get()
        #expect(amount.fen == fen)
    }

    @Test("negative, over-precise and malformed amounts are refused with the reason", arguments: [
        ("-1", YuanProblem.negative), ("－5", .negative), ("1.234", .tooManyDecimals), ("1.2.3", .notAnAmount),
        ("abc", .notAnAmount), ("", .notAnAmount), ("1e5", .notAnAmount), ("99999999999999999999", .tooLarge),
    ])
    func invalidAmounts(text: String, problem: YuanProblem) {
        #expect(Yuan.parse(text) == .failure(problem))
    }

    @Test("canonical text has no trailing zeros, and 万元 is exact to the fen (six decimals)", arguments: [
        (Int64(123_450), "1234.5", "0.12345"), (77_302_800_000, "773028000", "77302.8"), (5, "0.05", "0.000005"),
        (0, "0", "0"), (100, "1", "0.0001"), (961_716_000_00, "961716000", "96171.6"), (10_000_00, "10000", "1"),
        (1_234_056_789, "12340567.89", "1234.056789"), (773_028_000, "7730280", "773.028"),
    ])
    func rendering(fen: Int64, yuan: String, wan: String) {
        #expect(Yuan(fen: fen).description == yuan)
        #expect(Yuan(fen: fen).wanYuanDescription == wan)
    }

    @Test("万元 rounded half up for offices that print fewer decimals", arguments: [
        (Int64(1_234_056_789), 6, "1234.056789"), (1_234_056_789, 4, "1234.0568"), (1_234_056_789, 2, "1234.06"),
        (1_234_056_789, 0, "1234"), (1_234_500_000, 0, "1235"), (1_234_499_999, 0, "1234"), (50, 4, "0.0001"), (49, 4, "0"),
        (5, 5, "0.00001"), (4, 5, "0"), (0, 2, "0"),
    ])
    func wanYuanRounded(fen: Int64, decimals: Int, wan: String) {
        #expect(Yuan(fen: fen).roundedToWanYuan(decimals: decimals).wanYuanDescription == wan)
    }

    @Test("a sum of fen beyond 64 bits prints exactly; round limits print as an official writes them")
    func wideSumsAndLimits() {
        let nineThousand = Int128(9_300) * Int128(Yuan.maximumFen)
        #expect(nineThousand > Int128(Int64.max))
        #expect(Yuan.text(fen: nineThousand) == "93000000000000000")
        #expect(Yuan.text(fen: nineThousand + 5) == "93000000000000000.05")
        #expect(Yuan.text(fen: -150) == "-1.5")
        #expect(Yuan.plausibleRequestFee.chineseDescription == "100万元")
        #expect(Yuan.plausibleFee.chineseDescription == "10亿元")
        #expect(Yuan.plausibleProcurement.chineseDescription == "100亿元")
        #expect(Yuan(fen: 12_345).chineseDescription == "123.45元")
    }

    @Test("an amount beyond its field's plausible maximum is refused at capture and taken from a server", arguments: [
        (RecordKind.requests, "fee_yuan", "1000000", "1000000.01"), (.fees, "amount_yuan", "1000000000", "1000000000.01"),
        (.procurement, "amount_yuan", "10000000000", "10000000001"),
    ])
    func plausibleAmounts(kind: RecordKind, field: String, largest: String, beyond: String) {
        let spec = kind.field(named: field)!
        #expect(spec.normalize(largest) == .success(largest))
        guard case .failure(let problem) = spec.normalize(beyond) else { Issue.record("\(beyond) accepted"); return }
        #expect(problem.message.contains("合理上限"), "\(problem.message)")
        #expect(spec.normalize(beyond, plausible: false) == .success(beyond))
    }

    @Test("text refuses controls, separators, bidi overrides and noncharacters anywhere, and line breaks in a name", arguments: [
        (UInt32(0x1), true), (0x1B, true), (0x7F, true), (0x9B, true), (0x9D, true), (0x2028, true), (0x202E, true), (0x2066, true),
        (0xFDD0, true), (0xFFFE, true), (0xFFFF, true), (0x1FFFF, true), (0x10FFFF, true), (0x0A, false), (0x09, false),
        (0x20, false), (0x4E2D, false), (0x20000, false), (0xFFFD, false), (0x200D, false),
    ])
    func unprintable(scalar: UInt32, refused: Bool) {
        let text = "公示\(Character(Unicode.Scalar(scalar)!))名单"
        #expect((TextRule.problem(in: text, lineBreaks: true) != nil) == refused, "U+\(String(scalar, radix: 16))")
        let inName = [0x0A, 0x09].contains(scalar) || refused
        #expect((TextRule.problem(in: text, lineBreaks: false) != nil) == inName, "U+\(String(scalar, radix: 16)) in a name")
        let printed = TextRule.printable(text)
        #expect(!printed.unicodeScalars.contains { TextRule.isForbidden($0, lineBreaks: false) || $0 == "\t" }, "U+\(String(scalar, radix: 16))")
        #expect(refused == printed.contains("<U+"))
    }

    @Test("counts are whole numbers of at least one")
    func counts() {
        let count = RecordKind.decisions.field(named: "count")!
        #expect(count.normalize("3") == .success("3"))
        #expect(count.normalize(" 12 ") == .success("12"))
        for bad in ["0", "-2", "1.5", "three"] {
            guard case .failure = count.normalize(bad) else { Issue.record("\(bad) accepted"); continue }
        }
    }

    @Test("several channels are stored in the enumeration's order, whatever order they were typed in")
    func channelSets() {
        let channel = RecordKind.notices.field(named: "channel")!
        #expect(channel.normalize("微信公众号;门户网站") == .success("portal;wechat"))
        #expect(channel.normalize("portal，wechat、门户网站") == .success("portal;wechat"))
        guard case .failure = channel.normalize("门户网站;飞鸽") else { Issue.record("unknown channel accepted"); return }
    }

    @Test("text refuses control characters but keeps line breaks")
    func text() {
        let body = RecordKind.notices.field(named: "body")!
        #expect(body.normalize("第一行\n第二行") == .success("第一行\n第二行"))
        guard case .failure = body.normalize("bell\u{07}") else { Issue.record("control character accepted"); return }
    }

    @Test("a text's limit counts characters, not bytes: 2,000 Chinese characters fit a title, 2,001 do not")
    func textLength() {
        let title = RecordKind.notices.field(named: "title")!
        let fits = String(repeating: "公", count: 2_000)
        #expect(title.normalize(fits) == .success(fits))
        #expect(title.normalize(String(repeating: "a", count: 2_000)) == .success(String(repeating: "a", count: 2_000)))
        guard case .failure(let problem) = title.normalize(fits + "开") else { Issue.record("2,001 characters accepted"); return }
        #expect(problem.message.contains("2001"))
        guard case .failure = title.normalize(String(repeating: "a", count: 2_001)) else { Issue.record("2,001 bytes accepted"); return }
    }
}
