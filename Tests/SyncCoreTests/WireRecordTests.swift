import Foundation
import SyncCore
import SyncWire
import TestSupport
import Testing

@Suite("Records on the wire")
struct WireRecordTests {
    let sender = SiteInfo(site: SiteID("00000000000000a1")!, deviceName: "笔记本", unit: "640522100201")

    func roundTrip(_ versions: [RecordVersion]) throws -> (sent: [RemoteRecord], received: [RemoteRecord], json: String) {
        let records = versions.enumerated().map { RemoteRecord(kind: "requests", id: "r\($0.offset)", unit: "640522100201", version: $0.element) }
        let bytes = Wire.encode(PushRequest(schemaVersion: 5, sender: sender, senderCounter: 9, records: records))
        return (records, try Wire.pushRequest(bytes).records, String(decoding: bytes, as: UTF8.self))
    }

    @Test("every version any site held comes back identical, short form or full", arguments: propertySeeds(count: 200))
    func everyVersionRoundTrips(seed: UInt64) throws {
        // Given every version of a random history (writes, clears, deletes, merges, conflicts)
        let versions = randomHistory(seed: seed)
        // When they are pushed and read back
        let (sent, received, _) = try roundTrip(versions)
        // Then each is exactly the version sent
        #expect(received == sent, "seed \(seed)")
    }

    @Test("a record written by one change goes as its dot and the fields written empty")
    func shortForm() throws {
        // Given a new record with one field left empty, and one edited afterwards
        let site = SiteID("00000000000000b2")!
        let created = RecordVersion.created(["received_on": "2021-03-02", "fee_yuan": nil, "outcome": "granted"],
                                            dot: Dot(site: site, counter: 7), at: 1_700_000_000)
        let edited = created.writing(["outcome": "partially_granted"], dot: Dot(site: site, counter: 8), at: 1_700_000_100)
        // When both are encoded
        let (sent, received, json) = try roundTrip([created, edited])
        // Then the first is short, the second full, and both come back the same
        #expect(json.contains(#""dot":"00000000000000b2:7:1700000000""#))
        #expect(json.contains(#""cleared":"fee_yuan""#))
        #expect(json.contains(#""clock":"00000000000000b2:7:1700000000="#))
        #expect(received == sent)
    }

    @Test("a run of consecutive changes spells out its first dot; the rest go as \"+\"")
    func consecutiveDots() throws {
        // Given five rows imported at one time (consecutive counters), one edited later, then two more rows
        let site = SiteID("00000000000000b2")!
        func row(_ counter: UInt64, at time: Int64) -> RecordVersion {
            .created(["received_on": "2021-03-02", "content": "第\(counter)号"], dot: Dot(site: site, counter: counter), at: time)
        }
        let edited = row(3, at: 5).writing(["content": "改"], dot: Dot(site: site, counter: 9), at: 6)
        let versions = (1...5).map { row($0, at: 5) } + [edited, row(10, at: 6), row(11, at: 6), row(12, at: 7)]
        // When they are pushed and read back
        let (sent, received, json) = try roundTrip(versions)
        // Then only the first of each run (same site, same time, counter one higher) is spelt out
        let dots = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])["records"] as? [[String: Any]]
        #expect(dots?.map { $0["dot"] as? String ?? "full" } == [
            "00000000000000b2:1:5", "+", "+", "+", "+", "full", "00000000000000b2:10:6", "+", "00000000000000b2:12:7",
        ])
        #expect(received == sent)
    }

    @Test("\"+\" with nothing to follow is refused; the records before it alone are read", arguments: [
        "",
        #"{"kind":"requests","id":"r0","unit":"640522100201","vv":"00000000000000b2:7","clock":"00000000000000b2:7:1=received_on","values":{"received_on":"2021-03-02"}},"#,
        #"{"kind":"requests","id":"r0","unit":"640522100201","dot":"00000000000000b2:9007199254740991:1","values":{"received_on":"2021-03-02"}},"#,
    ])
    func danglingPlus(before: String) throws {
        let record = #"{"kind":"requests","id":"r1","unit":"640522100201","#
        _ = try Wire.pushRequest(Self.push(records: String(before.dropLast())))
        #expect(throws: (any Error).self) {
            try Wire.pushRequest(Self.push(records: before + record + #""dot":"+","values":{"received_on":"2021-03-02"}}"#))
        }
    }

    @Test("a short form that does not describe a valid version is refused", arguments: [
        #""dot":"00000000000000b2:7:1","cleared":"received_on","values":{"received_on":"2021-03-02"}"#,
        #""dot":"00000000000000b2:7:1","cleared":"","values":{"received_on":"2021-03-02"}"#,
        #""dot":"not-a-site:7:1","values":{"received_on":"2021-03-02"}"#,
        #""dot":"00000000000000b2:0:1","values":{"received_on":"2021-03-02"}"#,
        #""dot":"00000000000000b2:7:1","vv":"00000000000000b2:7","values":{"received_on":"2021-03-02"}"#,
        #""vv":"00000000000000b2:7","clock":"00000000000000b2:7:1=received_on","cleared":"x","values":{"received_on":"2021-03-02"}"#,
    ])
    func malformedShortForms(record: String) throws {
        #expect(throws: (any Error).self) { try Wire.pushRequest(Self.push(record)) }
    }

    @Test("the same push with a valid short form is read")
    func validShortForm() throws {
        let request = try Wire.pushRequest(Self.push(#""dot":"00000000000000b2:7:1","cleared":"fee_yuan","values":{"received_on":"2021-03-02"}"#))
        let version = try #require(request.records.first?.version)
        #expect(version.value("received_on") == "2021-03-02")
        #expect(version.fields["fee_yuan"] != nil && version.value("fee_yuan") == nil)
    }

    static func push(_ record: String) -> [UInt8] {
        push(records: #"{"kind":"requests","id":"r1","unit":"640522100201",\#(record)}"#)
    }

    static func push(records: String) -> [UInt8] {
        let body = #"{"protocolVersion":2,"schemaVersion":5,"sender":{"site":"00000000000000a1","device":"x","unit":"640522100201"},"counter":1,"records":[\#(records)]}"#
        return Array(body.utf8)
    }
}
