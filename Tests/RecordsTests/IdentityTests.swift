import Records
import Testing

/// Ids and unit codes are checked on their bytes when they are plain ASCII, and by Unicode
/// properties otherwise: both paths must give the same answers at their edges.
@Suite("Record ids and unit codes")
struct IdentityTests {
    @Test("record ids: accepted or refused with the reason", arguments: [
        ("req-1", nil),
        (String(repeating: "a", count: 64), nil),
        (String(repeating: "a", count: 65), "太长"),
        (String(repeating: "公", count: 64), nil),
        (String(repeating: "公", count: 65), "太长"),
        ("依申请-甲", nil),
        ("", "不能为空"),
        ("a b", "空格或控制字符"),
        ("a\tb", "空格或控制字符"),
        ("a\u{7F}", "空格或控制字符"),
        ("a\u{3000}b", "空格或控制字符"),
        ("a\u{A0}b", "空格或控制字符"),
    ] as [(String, String?)])
    func recordIDs(id: String, problem: String?) {
        let found = RecordID.problem(with: id)
        if let problem { #expect(found?.contains(problem) == true, "\(id): \(found ?? "accepted")") } else { #expect(found == nil, "\(id): \(found ?? "")") }
    }

    @Test("unit codes: letters, digits, - and _ only, at most 32", arguments: [
        ("640522100201", nil),
        ("town-A_1", nil),
        (String(repeating: "9", count: 32), nil),
        (String(repeating: "9", count: 33), "太长"),
        ("", "不能为空"),
        ("6405 22", "只能由字母"),
        ("乡镇", "只能由字母"),
        ("é1", "只能由字母"),
        ("a.b", "只能由字母"),
    ] as [(String, String?)])
    func unitCodes(code: String, problem: String?) {
        let found = UnitCode.problem(with: code)
        if let problem { #expect(found?.contains(problem) == true, "\(code): \(found ?? "accepted")") } else { #expect(found == nil, "\(code): \(found ?? "")") }
    }
}

@Suite("Administrative division codes")
struct DivisionCodeTests {
    @Test("a code's division is its digits without the zeros of the levels below it", arguments: [
        ("640522100201", "640522100201"), ("640522100000", "640522100"), ("640522000000", "640522"), ("640500000000", "6405"),
        ("640000000000", "64"), ("640522101200", "640522101200"), ("64052210020", nil), ("town-A_1", nil), ("000000000000", nil),
    ] as [(String, String?)])
    func prefix(code: String, prefix: String?) {
        #expect(DivisionCode.prefix(of: code) == prefix)
    }

    @Test("a unit lies within its parent's division, never another township's, nor its parent itself", arguments: [
        ("640522100000", "640522100201", true), ("640522100000", "640522101201", false), ("640522000000", "640522101000", true),
        ("640522000000", "640523100000", false), ("640522100000", "640522100000", false), ("640522100201", "640522100201", false),
        ("640522100000", "640522000000", false), ("town-A", "640522100201", false),
    ])
    func contains(parent: String, child: String, within: Bool) {
        #expect(DivisionCode.contains(parent, child) == within)
    }
}
