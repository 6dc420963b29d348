import RecordRules
import Records
import SyncCore
import Testing

/// When two versions of one id are two records given one number, and which keeps it.
@Suite("Number clash: two records given one number, or one record made twice")
struct NumberClashRuleTests {
    static let a = SiteID("00000000000000a1")!
    static let b = SiteID("00000000000000b2")!

    static func request(_ site: SiteID, _ applicant: String, _ content: String, _ received: String) -> RecordVersion {
        RecordVersion.created(["applicant_name": applicant, "content": content, "received_on": received, "applicant_type": "natural_person"],
                              dot: Dot(site: site, counter: 1), at: 1)
    }

    @Test("which pairs clash", arguments: [
        ("two different requests", request(a, "甲某", "林地承包合同", "2021-03-02"), request(b, "乙公司", "路灯采购结果", "2021-03-02"), true),
        ("one ledger row imported on two laptops", request(a, "张三", "低保户名单", "2021-03-02"), request(b, "张三", "低保户名单", "2021-03-02"), false),
        ("one row with a typo fixed in one field", request(a, "张三", "低保户名单", "2021-03-02"), request(b, "张三", "低保户名单。", "2021-03-02"), false),
        ("an edit of a record the other laptop had seen",
         request(a, "甲某", "林地承包合同", "2021-03-02"),
         request(a, "甲某", "林地承包合同", "2021-03-02").writing(["applicant_name": "乙公司", "content": "路灯"], dot: Dot(site: b, counter: 1), at: 2), false),
    ] as [(String, RecordVersion, RecordVersion, Bool)])
    func clashes(_ name: String, stored: RecordVersion, remote: RecordVersion, expected: Bool) {
        let clash = NumberClash.resolve(kind: .requests, id: "640522100201:2021-007", stored: stored, remote: remote)
        #expect((clash != nil) == expected, "\(name)")
    }

    @Test("the lowest site keeps the number, whichever version is held; the other moves to the number and its site")
    func deterministic() throws {
        let ours = Self.request(Self.a, "甲某", "林地承包合同", "2021-03-02")
        let theirs = Self.request(Self.b, "乙公司", "路灯采购结果", "2021-03-05")
        let held = try #require(NumberClash.resolve(kind: .requests, id: "640522100201:2021-007", stored: ours, remote: theirs))
        let came = try #require(NumberClash.resolve(kind: .requests, id: "640522100201:2021-007", stored: theirs, remote: ours))
        #expect(!held.remoteStays && came.remoteStays)
        #expect(held.movedID == "640522100201:2021-007~000000b2" && came.movedID == held.movedID)
        #expect(NumberClash.clashedID(of: held.movedID) == "640522100201:2021-007")
        #expect(NumberClash.clashedID(of: "640522100201:2021~007") == nil)
        let long = String(repeating: "9", count: 64)
        #expect(NumberClash.movedID(long, site: Self.b.rawValue).count == RecordID.maximumLength)
    }
}
