import Records
@testable import Storage
import Testing
import TestSupport

func rejection(_ body: () throws -> Void) -> [RowProblem] {
    do {
        try body()
        return []
    } catch let error as ReplicaError {
        if case .rejectedRows(let problems) = error { return problems }
        return [RowProblem(line: 0, message: "other error: \(error)")]
    } catch let ImportFileProblem.problems(problems) {
        return problems
    } catch {
        return [RowProblem(line: 0, message: "other error: \(error)")]
    }
}

@Suite("Import: all rows or none, by id, in scope")
struct ImportTests {
    @Test("a good file imports every row")
    func imports() throws {
        let scratch = Scratch()
        let replica = try makeReplica(scratch)
        let summary = try importCSV(replica, .requests, requestsCSV)
        #expect(summary == ImportSummary(created: 3))
        #expect(try replica.records.all(.requests).map(\.id) == ["r1", "r2", "r3"].map { scoped($0) })
        #expect(try replica.records.record(.requests, id: scoped("r2"))?.values["content"] == "合同, 附件")
    }

    @Test("re-importing the same file changes nothing: no new version, no new counter")
    func reimport() throws {
        let scratch = Scratch()
        let replica = try makeReplica(scratch)
        _ = try importCSV(replica, .requests, requestsCSV)
        let before = try fingerprint(replica)
        let summary = try importCSV(replica, .requests, requestsCSV, now: 1_700_000_000)
        #expect(summary == ImportSummary(unchanged: 3))
        #expect(try fingerprint(replica) == before)
    }

    @Test("re-importing a file without ids finds the same records instead of duplicating them")
    func reimportWithoutIDs() throws {
        let scratch = Scratch()
        let replica = try makeReplica(scratch)
        let csv = "title,category,channel,published_on\n一,民生,公开栏,2020-01-01\n一,民生,公开栏,2020-01-01\n二,财务,门户网站,2020-02-01\n"
        #expect(try importCSV(replica, .notices, csv) == ImportSummary(created: 3, derivedIDs: 3))
        let before = try fingerprint(replica)
        #expect(try importCSV(replica, .notices, csv) == ImportSummary(unchanged: 3, derivedIDs: 3))
        #expect(try fingerprint(replica) == before)
        #expect(try replica.records.all(.notices).count == 3)
    }

    @Test("a row with a known id updates that record; columns not in the file keep their values")
    func updateByID() throws {
        let scratch = Scratch()
        let replica = try makeReplica(scratch)
        _ = try importCSV(replica, .requests, requestsCSV)
        let summary = try importCSV(replica, .requests, "id,received_on,applicant_type,concluded_on,outcome\nr2,2021-12-28,商业企业,2022-01-10,部分公开\n")
        #expect(summary == ImportSummary(updated: 1))
        let record = try #require(try replica.records.record(.requests, id: scoped("r2")))
        #expect(record.values["outcome"] == "partially_granted")
        #expect(record.values["content"] == "合同, 附件")
        #expect(try replica.records.all(.requests).count == 3)
    }

    @Test("one bad row imports nothing, and every bad row is listed")
    func allOrNothing() throws {
        let scratch = Scratch()
        let replica = try makeReplica(scratch)
        _ = try importCSV(replica, .requests, requestsCSV)
        let before = try fingerprint(replica)
        let problems = rejection {
            _ = try importCSV(replica, .requests, """
            id,received_on,applicant_type,concluded_on,outcome
            r1,2021-03-02,自然人,2021-03-25,予以公开
            r4,2021-04-01,个人,,
            r5,2021-04-31,自然人,,
            r6,2021-05-01,自然人,2021-04-01,予以公开
            r7,2021-05-01,自然人,,予以公开
            r8,2021-05-01,自然人,2021-05-02,
            """)
        }
        #expect(problems.map(\.line) == [3, 4, 5, 6, 7])
        #expect(problems.map(\.columnName) == ["applicant_type", "received_on", "concluded_on", "outcome", "outcome"])
        #expect(try fingerprint(replica) == before)
    }

    @Test("each rejection of the CLI contract imports nothing", arguments: [
        ("missing required column", RecordKind.requests, "id,received_on\nx,2021-01-01\n"),
        ("unknown enum value", .notices, "title,category,channel,published_on\nt,天气,公开栏,2020-01-01\n"),
        ("malformed date", .notices, "title,category,channel,published_on\nt,民生,公开栏,2020-1\n"),
        ("concluded before received", .requests, "received_on,applicant_type,concluded_on,outcome\n2021-03-02,自然人,2021-03-01,予以公开\n"),
        ("outcome without concluded_on", .requests, "received_on,applicant_type,outcome\n2021-03-02,自然人,予以公开\n"),
        ("negative amount", .fees, "collected_on,amount_yuan\n2021-01-01,-5\n"),
        ("negative count", .decisions, "kind,decided_on,count\n行政许可,2021-01-01,-2\n"),
        ("unit outside scope", .fees, "unit,collected_on,amount_yuan\n640522100299,2021-01-01,5\n"),
    ])
    func contractRejections(name: String, kind: RecordKind, csv: String) throws {
        let scratch = Scratch()
        let replica = try makeReplica(scratch)
        _ = try importCSV(replica, .requests, requestsCSV)
        let before = try fingerprint(replica)
        let problems = rejection { _ = try importCSV(replica, kind, csv) }
        #expect(!problems.isEmpty, "\(name) was accepted")
        #expect(!problems.contains { $0.line == 0 }, "\(name): \(problems)")
        #expect(try fingerprint(replica) == before)
    }

    @Test("an id gongkai made that already belongs to another unit is refused")
    func idOfAnotherUnit() throws {
        let scratch = Scratch()
        let replica = try makeReplica(scratch, unit: township)
        _ = try replica.units.addVillage(code: "640522100201", name: "园河村")
        _ = try replica.units.addVillage(code: "640522100202", name: "别村")
        _ = try importCSV(replica, .fees, "id,unit,collected_on,amount_yuan\nfee-0123456789abcdef,640522100201,2021-01-01,5\n")
        let before = try fingerprint(replica)
        let problems = rejection { _ = try importCSV(replica, .fees, "id,unit,collected_on,amount_yuan\nfee-0123456789abcdef,640522100202,2021-01-01,5\n") }
        #expect(problems.count == 1)
        #expect(problems.first?.message.contains("已属于单位 640522100201") == true)
        #expect(try fingerprint(replica) == before)
    }

    @Test("a record stored under its typed id before ids were scoped keeps that id: a re-import updates it")
    func unscopedIDKept() throws {
        // Given a fee stored as `2021-001` by a release before scoping
        let scratch = Scratch()
        let replica = try makeReplica(scratch)
        _ = try replica.records.create(.fees, id: "2021-001", input: ["collected_on": "2021-01-01", "amount_yuan": "5"], now: 1)

        // When a ledger naming it 2021-001 is imported, beside a new number
        let summary = try importCSV(replica, .fees, "id,collected_on,amount_yuan\n2021-001,2021-01-01,6\n2021-002,2021-01-02,7\n")

        // Then the old record is updated under its own id, and only the new number is scoped
        #expect(summary.updated == 1 && summary.created == 1)
        #expect(try replica.records.all(.fees).map(\.id) == ["2021-001", scoped("2021-002")])
        #expect(try replica.records.resolvedID(.fees, typed: "2021-001") == "2021-001")
        #expect(try replica.records.resolvedID(.fees, typed: "2021-002") == scoped("2021-002"))
    }

    @Test("one ledger number typed in two units is two records, each scoped by its unit")
    func typedIDsScopedByUnit() throws {
        // Given a township replica with two villages
        let scratch = Scratch()
        let replica = try makeReplica(scratch, unit: township)
        _ = try replica.units.addVillage(code: "640522100201", name: "园河村")
        _ = try replica.units.addVillage(code: "640522100202", name: "别村")

        // When both villages' ledgers number a fee 2021-001
        _ = try importCSV(replica, .fees, "id,unit,collected_on,amount_yuan\n2021-001,640522100201,2021-01-01,5\n")
        let second = try importCSV(replica, .fees, "id,unit,collected_on,amount_yuan\n2021-001,640522100202,2021-01-01,7\n")

        // Then each is its own record
        #expect(second.created == 1)
        #expect(try replica.records.all(.fees).map(\.id) == ["640522100201:2021-001", "640522100202:2021-001"])

        // And an id scoped to one unit is refused for the other, saying whose it is
        let problems = rejection { _ = try importCSV(replica, .fees, "id,unit,collected_on,amount_yuan\n640522100201:2021-001,640522100202,2021-01-01,7\n") }
        #expect(problems.first?.message.contains("属于单位 640522100201") == true)
    }

    @Test("an id twice in one file is refused with both lines named")
    func duplicateInFile() throws {
        let scratch = Scratch()
        let replica = try makeReplica(scratch)
        let problems = rejection { _ = try importCSV(replica, .fees, "id,collected_on,amount_yuan\nf1,2021-01-01,5\nf1,2021-01-02,6\n") }
        #expect(problems.count == 1)
        #expect(problems.first?.line == 3)
        #expect(problems.first?.message.contains("与第 2 行是同一条记录") == true)
    }

    @Test("a deleted record's row leaves it deleted and is listed; restored only when asked")
    func restoresDeleted() throws {
        let scratch = Scratch()
        let replica = try makeReplica(scratch)
        _ = try importCSV(replica, .requests, requestsCSV)
        try replica.records.delete(.requests, id: scoped("r2"), now: 5)
        let kept = try importCSV(replica, .requests, requestsCSV)
        #expect(kept.unchanged == 2 && kept.restored == 0)
        #expect(kept.leftDeleted.map(\.id) == [scoped("r2")])
        #expect(try replica.records.all(.requests).count == 2)
        let restored = try importCSV(replica, .requests, requestsCSV, options: ImportOptions(restoreDeleted: true))
        #expect(restored == ImportSummary(restored: 1, unchanged: 2))
        #expect(try replica.records.all(.requests).count == 3)
    }

    @Test("counts default to 1 when the column is absent or empty")
    func countDefault() throws {
        let scratch = Scratch()
        let replica = try makeReplica(scratch)
        _ = try importCSV(replica, .decisions, "id,kind,decided_on\nd1,行政处罚,2021-01-01\n")
        _ = try importCSV(replica, .decisions, "id,kind,decided_on,count\nd2,penalty,2021-01-01,\n")
        #expect(try replica.records.all(.decisions).map { $0.values["count"] } == ["1", "1"])
    }
}
