import Foundation
import Records
import Report
import Storage
import SyncCore
import Testing
import TestSupport

@Suite("The same data gives the same report")
struct DeterminismTests {
    /// Villages' records arriving at two township replicas in opposite orders, through sync.
    @Test("byte-identical Markdown, HTML, CSV and JSON whatever the order records arrived in", arguments: [2020, 2021])
    func sameBytes(year: Int) async throws {
        let scratch = Scratch()
        let first = try makeTownship(scratch, name: "first.sqlite", site: "00000000000000e1")
        let second = try makeTownship(scratch, name: "second.sqlite", site: "00000000000000e2")
        var laptops: [Replica] = []
        for (index, code) in ["640522100201", "640522100202", "640522100203"].enumerated() {
            for town in [first, second] { _ = try town.units.addVillage(code: code, name: "村\(index)") }
            let laptop = try Replica.create(at: scratch.path("v\(index).sqlite"), unit: GovernmentUnit(code: code, name: "村\(index)", parent: townUnit.code),
                                            site: SiteID(String(format: "%016x", 0xC0 + index))!, deviceName: "笔记本\(index)", now: 1)
            try load(laptop, .requests, "id,received_on,applicant_type,concluded_on,outcome",
                     (0..<40).map { "r\(index)-\($0),\(year - $0 % 2)-\(String(format: "%02d", 1 + $0 % 12))-10,\(ApplicantType.allCases[$0 % 6].rawValue),"
                                    + ($0 % 3 == 0 ? "," : "\(year)-12-\(String(format: "%02d", 1 + $0 % 28)),\(RequestOutcome.allCases[$0 % 21].rawValue)") })
            try load(laptop, .notices, "id,title,category,channel,published_on",
                     (0..<30).map { "n\(index)-\($0),公示\($0),\(NoticeCategory.allCases[$0 % 14].rawValue),portal,\(year)-\(String(format: "%02d", 1 + $0 % 12))-01" })
            try load(laptop, .cases, "id,group,filed_on,result,concluded_on", (0..<6).map {
                "k\(index)-\($0),\(CaseGroup.allCases[$0 % 3].rawValue),\(year)-05-01," + ($0 % 2 == 0 ? "maintained,\(year)-08-01" : ",")
            })
            laptops.append(laptop)
        }
        func sync(_ laptop: Replica, into town: Replica) async throws {
            let transport = InProcessTransport(service: SyncService(store: town.serving), scope: .everything, clock: { 5 })
            _ = try await SyncClient(store: laptop.syncing, transport: transport, batchSize: 7, clock: { 5 }).sync()
        }
        for laptop in laptops { try await sync(laptop, into: first) }
        for laptop in laptops.reversed() { try await sync(laptop, into: second) }
        let a = try ReportBuilder.build(first.figures, year: year)
        let b = try ReportBuilder.build(second.figures, year: year)
        #expect(a.report.headline.requestsReceived > 0)
        #expect(MarkdownRenderer.render(a.report) == MarkdownRenderer.render(b.report))
        #expect(HTMLRenderer.render(a.report) == HTMLRenderer.render(b.report))
        #expect(CSVRenderer.render(a.report) == CSVRenderer.render(b.report))
        let checksA = try ReportChecks.run(a, source: first.figures)
        let checksB = try ReportChecks.run(b, source: second.figures)
        #expect(JSONRenderer.render(a.report, checks: checksA) == JSONRenderer.render(b.report, checks: checksB))
    }
}
