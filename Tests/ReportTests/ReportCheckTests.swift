import Foundation
import Records
import Report
@testable import Storage
import SyncCore
import Testing
import TestSupport

/// A township with one village whose data is good for 2021: every check passes.
func goodTownship(_ scratch: Scratch) throws -> Replica {
    let town = try makeTownship(scratch)
    _ = try town.units.addVillage(code: "640522100201", name: "园河村")
    try load(town, .requests, "id,unit,received_on,applicant_type,concluded_on,outcome", [
        "r1,640522100201,2020-12-20,natural_person,2021-01-05,granted",
        "r2,640522100201,2021-03-01,commercial_enterprise,2021-03-20,partially_granted",
        "r3,640522100000,2021-11-01,natural_person,,",
    ])
    try load(town, .documents, "id,kind,title,made_on,published_on", ["d1,normative,通知,2021-02-01,2021-02-03"])
    try load(town, .cases, "id,group,filed_on,result,concluded_on", ["k1,review,2021-04-01,maintained,2021-06-01"])
    for section in [NarrativeSection.overview, .problems] {
        _ = try town.records.create(.narrative, id: section.recordID(unit: townUnit.code, year: 2021),
                            input: ["year": "2021", "section": section.rawValue, "text": "已填写。"], now: 1)
    }
    return town
}

func checks(_ replica: Replica, year: Int = 2021) throws -> [String: CheckResult] {
    let built = try ReportBuilder.build(replica.figures, year: year)
    return Dictionary(uniqueKeysWithValues: try ReportChecks.run(built, source: replica.figures).map { ($0.id, $0) })
}

/// Writes to a replica's file behind the application's back, as a damaged or hand-edited file would.
func tamper(_ replica: Replica, _ sql: String) throws {
    try replica.database.withConnection { try $0.execute(sql) }
}

@Suite("report check finds each kind of defect")
struct ReportCheckTests {
    @Test("good data passes every check")
    func good() throws {
        let scratch = Scratch()
        let results = try checks(try goodTownship(scratch))
        for id in ["T3-TOTAL", "T3-RESULTS", "T3-BALANCE", "T4-GROUP", "X-CARRY", "X-STOCK", "T2-TOWN", "NONNEG", "DATA-OPEN", "DATA-SYNC", "NARRATIVE"] {
            #expect(results[id]?.ok == true, "\(id): \(results[id]?.detail ?? "missing")")
        }
    }

    @Test("a request concluded without an outcome: T3-RESULTS, T3-BALANCE and DATA-OPEN fail, naming the record")
    func concludedWithoutOutcome() throws {
        let scratch = Scratch()
        let town = try goodTownship(scratch)
        try tamper(town, "UPDATE requests SET outcome = NULL WHERE id = '640522100201:r2'")
        let results = try checks(town)
        #expect(results["T3-RESULTS"]?.ok == false)
        #expect(results["DATA-OPEN"]?.ok == false)
        #expect(results["DATA-OPEN"]?.records.map(\.id) == ["640522100201:r2"])
        #expect(results["DATA-OPEN"]?.records.first?.problem == "已办结却没有办理结果")
        #expect(results["T3-RESULTS"]?.severity == .error)
    }

    @Test("concurrent edits that put dates out of order (a merge, not a typo) fail DATA-OPEN and the balance")
    func datesOutOfOrderByMerge() throws {
        let scratch = Scratch()
        let town = try goodTownship(scratch)
        try load(town, .requests, "id,unit,received_on,applicant_type", ["r5,640522100201,2021-03-01,natural_person"])
        let original = try #require(try town.records.record(.requests, id: "640522100201:r5")).version
        // A laptop that had the request moved its received date into the next year, not having seen it concluded…
        let laptop = SiteID("00000000000000b7")!
        let moved = original.writing(["received_on": "2022-01-10"], dot: Dot(site: laptop, counter: 1), at: 2)
        // …while the township concluded it on 20 March.
        _ = try town.records.update(.requests, id: "640522100201:r5", input: ["concluded_on": "2021-03-20", "outcome": "granted"], now: 3)
        let response = try town.serving.applyPushed([RemoteRecord(kind: "requests", id: "640522100201:r5", unit: "640522100201", version: moved)],
                                            from: SiteInfo(site: laptop, deviceName: "笔记本", unit: "640522100201"), as: SyncPeer(scope: .everything, device: nil), now: 4)
        #expect(response.changed == 1)
        #expect(try town.records.record(.requests, id: "640522100201:r5")?.values["received_on"] == "2022-01-10")
        let results = try checks(town)
        #expect(results["DATA-OPEN"]?.ok == false)
        #expect(results["DATA-OPEN"]?.records.contains { $0.id == "640522100201:r5" && $0.problem == "办结日期早于收到日期" } == true)
        #expect(results["T3-BALANCE"]?.ok == false)
    }

    @Test("a request with no applicant type fails T3-TOTAL; a case with an unknown result fails T4-GROUP")
    func totals() throws {
        let scratch = Scratch()
        let town = try goodTownship(scratch)
        try tamper(town, "UPDATE requests SET applicant_type = NULL WHERE id = '640522100201:r2'; UPDATE cases SET result = 'lost' WHERE id = '640522100000:k1'")
        let results = try checks(town)
        #expect(results["T3-TOTAL"]?.ok == false)
        #expect(results["T4-GROUP"]?.ok == false)
    }

    @Test("a township with 规章 fails T2-TOWN, naming the documents")
    func township规章() throws {
        let scratch = Scratch()
        let town = try goodTownship(scratch)
        try load(town, .documents, "id,kind,title,made_on", ["d9,regulation,误填的规章,2021-05-01"])
        let results = try checks(town)
        #expect(results["T2-TOWN"]?.ok == false)
        #expect(results["T2-TOWN"]?.records.map(\.id) == ["640522100000:d9"])
    }

    @Test("a negative amount in a damaged file fails NONNEG")
    func negative() throws {
        let scratch = Scratch()
        let town = try goodTownship(scratch)
        try load(town, .fees, "id,collected_on,amount_yuan", ["f1,2021-03-01,100"])
        try tamper(town, "UPDATE fees SET amount_yuan = -50000 WHERE id = '640522100000:f1'")
        #expect(try checks(town)["NONNEG"]?.ok == false)
    }

    @Test("last year published, then changed by a late sync: X-CARRY fails against what was published, PUBLISHED lists the cells")
    func carryOverAgainstPublished() throws {
        let scratch = Scratch()
        let town = try goodTownship(scratch)
        let built2020 = try ReportBuilder.build(town.figures, year: 2020)
        _ = try town.published.publishReport(year: 2020, formatVersion: "2019", json: JSONRenderer.render(built2020.report, checks: []),
                                   model: try PublishedModel.encode(built2020.report), supersedingBecause: nil, now: 1_609_900_000)
        #expect(try checks(town)["X-CARRY"]?.ok == true)
        // A village's late sync: a 2020 request, still open at the end of 2020, concluded in 2021.
        try load(town, .requests, "id,unit,received_on,applicant_type,concluded_on,outcome", ["late,640522100201,2020-11-11,natural_person,2021-02-02,granted"])
        let results2021 = try checks(town)
        #expect(results2021["X-CARRY"]?.ok == false)
        #expect(results2021["X-CARRY"]?.detail.contains("已发布") == true)
        let results2020 = try checks(town, year: 2020)
        #expect(results2020["PUBLISHED"]?.ok == false)
        #expect(results2020["PUBLISHED"]?.detail.contains("表三 四、结转下年度继续办理 自然人: 已发布 1, 现在 2") == true, "\(results2020["PUBLISHED"]?.detail ?? "")")
    }

    @Test("2021: documents in force that do not follow from last year's published stock fail X-STOCK")
    func stock() throws {
        let scratch = Scratch()
        let town = try goodTownship(scratch)
        let built2020 = try ReportBuilder.build(town.figures, year: 2020, version: .v2021)
        _ = try town.published.publishReport(year: 2020, formatVersion: "2021", json: JSONRenderer.render(built2020.report, checks: []),
                                   model: try PublishedModel.encode(built2020.report), supersedingBecause: nil, now: 1)
        try load(town, .documents, "id,kind,title,made_on", ["late-doc,normative,补录的文件,2020-06-01"])
        let results = try checks(town)
        #expect(results["X-STOCK"]?.ok == false)
        #expect(results["X-STOCK"]?.severity == .warning)
    }

    @Test("on the server, a village that has not synced since the end of the year is a DATA-SYNC warning")
    func unsyncedVillage() async throws {
        let scratch = Scratch()
        let town = try goodTownship(scratch)
        _ = try town.devices.issueToken("gk_test", unit: "640522100201", secret: testServerSecret, now: 1)
        let laptop = try Replica.create(at: scratch.path("laptop.sqlite"), unit: GovernmentUnit(code: "640522100201", name: "园河村", parent: townUnit.code),
                                        site: SiteID("00000000000000b1")!, deviceName: "笔记本", now: 1)
        let scope = SyncScope(readable: ["640522100201"], writable: ["640522100201"])
        func sync(at time: Int64) async throws {
            let transport = InProcessTransport(service: SyncService(store: town.serving), scope: scope, clock: { time })
            _ = try await SyncClient(store: laptop.syncing, transport: transport, clock: { time }).sync()
        }
        try await sync(at: 1_640_000_000) // 2021-12-20
        #expect(try checks(town)["DATA-SYNC"]?.ok == false)
        #expect(try checks(town)["DATA-SYNC"]?.detail.contains("园河村") == true)
        try await sync(at: 1_641_100_000) // 2022-01-02
        #expect(try checks(town)["DATA-SYNC"]?.ok == true)
    }

    @Test("sections not written and unknown placeholders are a NARRATIVE warning")
    func narrative() throws {
        let scratch = Scratch()
        let town = try makeTownship(scratch)
        _ = try town.records.create(.narrative, id: NarrativeSection.overview.recordID(unit: townUnit.code, year: 2021),
                            input: ["year": "2021", "section": "overview", "text": "公开 {{notices_published}} 条, {{不存在}}。"], now: 1)
        let result = try #require(try checks(town)["NARRATIVE"])
        #expect(!result.ok)
        #expect(result.detail.contains("五、存在的主要问题及改进情况"))
        #expect(result.detail.contains("{{不存在}}"))
        #expect(result.severity == .warning)
    }
}
