import Foundation
import PostgresStore
import Records
import Report
import Storage
import SyncCore
import Testing
import TestSupport


/// The same small year of data in every implementation of `ReportSource`: a township with one
/// village, in 2021.
struct ReportSourceFixture: Sendable {
    let source: any ReportSource
    let scratch: Scratch
    var database: TestDatabase? = nil
    static let narrativeID = NarrativeSection.overview.recordID(unit: townUnit.code, year: 2021)
    static let deletedNarrativeID = NarrativeSection.problems.recordID(unit: townUnit.code, year: 2021)
}

/// The implementations the contract is checked against: a county's PostgreSQL store (the same
/// data moved there by `admin migrate`'s code) when the tests have a PostgreSQL.
enum ReportSourceImplementation: String, CaseIterable, Sendable {
    case sqlite
    case postgresql

    static var available: [ReportSourceImplementation] { TestPostgres.url == nil ? [.sqlite] : allCases }

    func make() throws -> ReportSourceFixture {
        let scratch = Scratch()
        switch self {
        case .sqlite:
            let town = try ReportSourceImplementation.town(scratch)
            // r2's outcome lost, as data from an older version or a damaged file can be
            try tamper(town, "UPDATE requests SET outcome = NULL WHERE id = '\(townUnit.code):r2'")
            // f3's amount as an earlier release could take it: 20亿元, beyond a fee's plausible maximum
            try tamper(town, "UPDATE fees SET amount_yuan = 200000000000 WHERE id = '\(village.code):f3'")
            return ReportSourceFixture(source: town.figures, scratch: scratch)
        case .postgresql:
            let (database, store) = try TestPostgres.moved(try ReportSourceImplementation.town(scratch))
            try TestPostgres.execute("UPDATE records SET fields = fields - 'outcome' WHERE id = '\(townUnit.code):r2'", in: database)
            try TestPostgres.execute("UPDATE records SET fields = jsonb_set(fields, '{amount_yuan}', '\"2000000000\"') WHERE id = '\(village.code):f3'",
                                     in: database)
            return ReportSourceFixture(source: try store.reportSource(), scratch: scratch, database: database)
        }
    }

    /// The year of data, in a township's replica.
    static func town(_ scratch: Scratch) throws -> Replica {
            let town = try makeTownship(scratch)
            _ = try town.units.addVillage(code: village.code, name: village.name)
            // Requests: two received in 2021 by the township (one granted, one concluded without an
            // outcome), one carried in from 2020 by the village and still open, one deleted.
            try load(town, .requests, "id,unit,received_on,applicant_type,concluded_on,outcome,fee_yuan", [
                "r1,\(townUnit.code),2021-03-01,natural_person,2021-03-10,granted,12.34",
                "r2,\(townUnit.code),2021-04-01,natural_person,2021-04-20,granted,",
                "r3,\(village.code),2020-12-20,commercial_enterprise,,,",
                "r4,\(village.code),2021-05-01,natural_person,,,",
            ])
            try town.records.delete(.requests, id: "\(village.code):r4", now: 1_700_000_001)
            // Amounts with decimals, in both units and years; f3 is made implausible above.
            try load(town, .fees, "id,unit,collected_on,amount_yuan", [
                "f1,\(townUnit.code),2021-04-01,120.5", "f2,\(village.code),2021-05-01,0.05", "f3,\(village.code),2021-07-01,5",
                "f4,\(village.code),2022-01-01,7",
            ])
            try load(town, .procurement, "id,unit,title,contracted_on,amount_yuan", ["p1,\(village.code),村委会办公设备,2021-06-01,35000.1"])
            try load(town, .notices, "id,unit,title,category,channel,published_on", [
                "n1,\(village.code),通知,finance,门户网站,2021-03-05",
                "n2,\(village.code),通知,finance,门户网站,2021-03-06",
                "n3,\(townUnit.code),通知,finance,门户网站,2022-01-02",
            ])
            try load(town, .documents, "id,kind,title,made_on", [
                "d1,regulation,规章,2021-02-01",
                "d2,normative,文件,2021-02-01",
                "d3,regulation,明年的规章,2022-02-01",
            ])
            _ = try town.records.create(.narrative, id: ReportSourceFixture.narrativeID,
                                        input: ["year": "2021", "section": "overview", "text": "概述。"], now: 1_700_000_002)
            _ = try town.records.create(.narrative, id: ReportSourceFixture.deletedNarrativeID,
                                        input: ["year": "2021", "section": "problems", "text": "删掉的。"], now: 1_700_000_002)
            try town.records.delete(.narrative, id: ReportSourceFixture.deletedNarrativeID, now: 1_700_000_003)
            _ = try town.published.publishReport(year: 2020, formatVersion: "2019", json: "{\"year\":2020}", model: "{}",
                                                 supersedingBecause: nil, now: 1_700_000_004)
            return town
    }
}

/// What `ReportBuilder` and `ReportChecks` rely on from any source of a report's figures.
@Suite("Report source contract")
struct ReportSourceContractTests {
    @Test("the reporting unit is the database's own", arguments: ReportSourceImplementation.available)
    func unit(implementation: ReportSourceImplementation) throws {
        let fixture = try implementation.make()
        #expect(try fixture.source.reportingUnit() == townUnit)
    }

    @Test("the figures count the year's live records by the counting rules", arguments: ReportSourceImplementation.available)
    func figures(implementation: ReportSourceImplementation) throws {
        let fixture = try implementation.make()
        let figures = try fixture.source.reportFigures(year: 2021)
        #expect(figures.year == 2021)
        // Received in 2021: r1, r2 (r4 is deleted); carried in: r3; carried out: r3 (a count of
        // zero may be there or not)
        #expect(figures.newReceived.values.reduce(0, +) == 2)
        #expect(figures.carriedOverIn.filter { $0.value > 0 } == [.commercialEnterprise: 1])
        #expect(figures.carriedOverOut.filter { $0.value > 0 } == [.commercialEnterprise: 1])
        #expect(figures.concluded[.granted] == [.naturalPerson: 1])
        #expect(figures.concluded[nil] == [.naturalPerson: 1])
        #expect(figures.noticesPublished == 2)
        #expect(figures.noticesByMonth[3]?.values.reduce(0, +) == 2)
        #expect(figures.documents[.regulation]?.made == 1)
        #expect(figures.documents[.normative]?.made == 1)
        #expect(figures.requestsReceivedByUnit.filter { $0.value > 0 } == [townUnit.code: 2])
        // Another year counts other records
        #expect(try fixture.source.reportFigures(year: 2022).noticesPublished == 1)
    }

    @Test("amounts are summed exactly by unit and year; a record beyond its plausible maximum is named", arguments: ReportSourceImplementation.available)
    func amounts(implementation: ReportSourceImplementation) throws {
        let fixture = try implementation.make()
        let figures = try fixture.source.reportFigures(year: 2021)
        #expect(figures.amountsByUnit[.fees] == [townUnit.code: 12_050, village.code: 200_000_000_005])
        #expect(figures.amountsByUnit[.procurement] == [village.code: 3_500_010])
        #expect(figures.procurementCount == 1)
        #expect(figures.total(.requestFees) == 1_234)
        let implausible = try fixture.source.implausibleAmounts(year: 2021)
        #expect(implausible == [DataProblem(kind: .fees, id: "\(village.code):f3", unit: village.code,
                                            problem: "行政事业性收费金额 2000000000 元, 超过一条记录的合理上限 10亿元")])
        #expect(try fixture.source.implausibleAmounts(year: 2022).isEmpty)
    }

    @Test("each unit's share: the township first, then its villages", arguments: ReportSourceImplementation.available)
    func unitShares(implementation: ReportSourceImplementation) throws {
        let fixture = try implementation.make()
        let shares = try fixture.source.unitFigures(try fixture.source.reportFigures(year: 2021))
        #expect(shares.map(\.unit.code) == [townUnit.code, village.code])
        #expect(shares.map(\.notices) == [0, 2])
        #expect(shares.map(\.requestsReceived) == [2, 0])
        #expect(shares.map(\.lastSync) == [nil, nil])
    }

    @Test("a narrative's text when written, nil when deleted or never written", arguments: ReportSourceImplementation.available)
    func narrative(implementation: ReportSourceImplementation) throws {
        let fixture = try implementation.make()
        #expect(try fixture.source.narrativeText(id: ReportSourceFixture.narrativeID) == "概述。")
        #expect(try fixture.source.narrativeText(id: ReportSourceFixture.deletedNarrativeID) == nil)
        #expect(try fixture.source.narrativeText(id: NarrativeSection.otherMatters.recordID(unit: townUnit.code, year: 2021)) == nil)
    }

    @Test("data problems name the record, its unit and what is wrong; documents of a kind are listed by the year made",
          arguments: ReportSourceImplementation.available)
    func problems(implementation: ReportSourceImplementation) throws {
        let fixture = try implementation.make()
        let problems = try fixture.source.dataProblems(year: 2021)
        #expect(problems.map(\.id) == ["\(townUnit.code):r2"])
        #expect(problems.first?.kind == .requests && problems.first?.unit == townUnit.code)
        #expect(problems.first?.problem.isEmpty == false)
        #expect(try fixture.source.conflictedRecords(year: 2021).isEmpty)
        #expect(try fixture.source.documents(ofKind: .regulation, madeBy: 2021).map(\.id) == ["\(townUnit.code):d1"])
        #expect(try fixture.source.documents(ofKind: .regulation, madeBy: 2022).map(\.id) == ["\(townUnit.code):d1", "\(townUnit.code):d3"])
    }

    @Test("a database that issued no token serves no devices and refused nothing; a published year reads back",
          arguments: ReportSourceImplementation.available)
    func serverState(implementation: ReportSourceImplementation) throws {
        let fixture = try implementation.make()
        #expect(try !fixture.source.servesDevices())
        #expect(try fixture.source.refusedPushes().isEmpty)
        let published = try #require(try fixture.source.publishedReport(year: 2020))
        #expect(published.formatVersion == "2019" && published.publishedAt == 1_700_000_004 && published.json == "{\"year\":2020}")
        #expect(try fixture.source.publishedReport(year: 2021) == nil)
    }
}
