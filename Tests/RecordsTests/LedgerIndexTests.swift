import Records
import Testing

@Suite("Finding the record a spreadsheet row without an id stands for")
struct LedgerIndexTests {
    @Test("texts that read as one with a slip are similar; different texts are not", arguments: [
        ("村集体土地承包合同", "村集体土地承包合同书", true),
        ("2020年低保户名单公式", "2020年低保户名单公示", true),
        ("张三", "张三丰", true),
        ("低保名单", "土地合同", false),
        ("2020年村务公开栏照片", "村集体土地承包合同", false),
        ("", "张三", false),
    ])
    func similarity(a: String, b: String, similar: Bool) {
        #expect(LedgerIndex.similar(a, b) == similar)
    }

    func request(_ applicant: String, _ content: String, _ received: String) -> [String: String?] {
        ["applicant_name": applicant, "content": content, "received_on": received, "applicant_type": "natural_person"]
    }

    @Test("a request is found exactly by applicant, content and date, whatever else it holds")
    func exact() {
        var index = LedgerIndex(kind: .requests)
        index.add(id: "r1", unit: "u", isDeleted: false, values: request("张三", "低保名单", "2021-03-02"))
        var concluded = request("张三", "低保名单", "2021-03-02")
        concluded["outcome"] = "granted"
        #expect(index.exactly(unit: "u", identity: LedgerIndex.identity(of: .requests, concluded)).map(\.id) == ["r1"])
        #expect(index.exactly(unit: "v", identity: LedgerIndex.identity(of: .requests, concluded)).isEmpty)
    }

    @Test("one identifying field off is near when it looks like a correction", arguments: [
        (["张三", "低保名单书", "2021-03-02"], "content"),
        (["张三", "低保名单", "2021-03-12"], "received_on"),
        (["", "低保名单", "2021-03-02"], "applicant_name"),
    ])
    func near(row: [String], field: String) {
        var index = LedgerIndex(kind: .requests)
        index.add(id: "r1", unit: "u", isDeleted: false, values: request("张三", "低保名单", "2021-03-02"))
        let matches = index.nearly(unit: "u", identity: LedgerIndex.identity(of: .requests, request(row[0], row[1], row[2])))
        #expect(matches.map(\.field) == [field])
        #expect(matches.first?.entry.id == "r1")
    }

    @Test("two fees of one day that differ in amount are two fees, not a near match")
    func feesAreNotNear() {
        var index = LedgerIndex(kind: .fees)
        index.add(id: "f1", unit: "u", isDeleted: false, values: ["collected_on": "2021-01-01", "amount_yuan": "5"])
        #expect(index.nearly(unit: "u", identity: ["2021-01-01", "6"]).isEmpty)
    }

    @Test("a different request of the same applicant on the same day is not near")
    func differentContentIsNotNear() {
        var index = LedgerIndex(kind: .requests)
        index.add(id: "r1", unit: "u", isDeleted: false, values: request("张三", "低保名单", "2021-03-02"))
        #expect(index.nearly(unit: "u", identity: LedgerIndex.identity(of: .requests, request("张三", "村集体土地承包合同", "2021-03-02"))).isEmpty)
    }
}
