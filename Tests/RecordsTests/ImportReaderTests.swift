import Records
import Testing

func reader(_ kind: RecordKind, _ text: String, unit: String = "640522100201") throws -> ImportReader {
    try ImportReader(kind: kind, bytes: Array(text.utf8), defaultUnit: unit)
}

func headerProblems(_ kind: RecordKind, _ text: String) -> [RowProblem] {
    do {
        _ = try reader(kind, text)
        return []
    } catch let ImportFileProblem.problems(problems) {
        return problems
    } catch {
        return []
    }
}

@Suite("Import files: header and rows")
struct ImportReaderTests {
    @Test("Chinese headers map to fields")
    func chineseHeaders() throws {
        var rows = try reader(.requests, "编号,收到日期,申请人类型,办结日期,办理结果\nr1,2021-03-02,自然人,2021-03-20,予以公开\n")
        guard case .row(let row) = rows.next() else { Issue.record("row refused"); return }
        #expect(row.id == "r1")
        #expect(row.values["received_on"] == .some("2021-03-02"))
        #expect(row.values["applicant_type"] == .some("natural_person"))
        #expect(row.values["outcome"] == .some("granted"))
    }

    @Test("rows holding nothing but a ledger's own columns (序号 numbered down a blank page, 备注) are read past; a row with one field filled is not")
    func ledgerBlankRows() throws {
        // Given a ledger saved from Excel with its 序号 numbered down rows not yet filled in
        var rows = try reader(.requests, "序号,收到日期,申请人类型,备注\n1,2021-03-02,自然人,\n2,,,\n3,, ,待补\n4,2021-05-01,,\n")
        // When it is read, then the first row is a request, the two blank ones are passed over,
        // and the fourth (a date, no applicant type: the store refuses it) is read, on its line
        guard case .row(let first) = rows.next() else { Issue.record("the first row was refused"); return }
        #expect(first.line == 2)
        guard case .row(let fourth) = rows.next() else { Issue.record("the fourth row was not read"); return }
        #expect(fourth.line == 5)
        #expect(fourth.values["received_on"] == .some("2021-05-01"))
        #expect(rows.next() == nil)
    }

    @Test("an unknown column, a repeated column and a missing required column are each named")
    func headerProblemsListed() {
        let problems = headerProblems(.notices, "id,title,title,附件,published_on\n")
        #expect(problems.count == 4)
        #expect(problems.contains { $0.column == 3 && $0.message.contains("重复") })
        #expect(problems.contains { $0.column == 4 && $0.message.contains("未知的列 \"附件\"") })
        #expect(problems.contains { $0.message.contains("缺少必填列 category") })
        #expect(problems.contains { $0.message.contains("缺少必填列 channel") })
    }

    @Test("an empty file is refused with the header it should have")
    func emptyFile() {
        let problems = headerProblems(.fees, "")
        #expect(problems.first?.message.contains("id,unit,collected_on,amount_yuan") == true)
    }

    @Test("every bad field of a row is reported with its line, column and reason")
    func rowProblems() throws {
        var rows = try reader(.requests, "id,received_on,applicant_type\nr1,2021-02-30,个人\n")
        guard case .problems(let problems) = rows.next() else { Issue.record("bad row accepted"); return }
        #expect(problems.map(\.line) == [2, 2])
        #expect(problems.map(\.column) == [2, 3])
        #expect(problems[1].description.hasPrefix("第 2 行, 第 3 列 (C, applicant_type): 未知的申请人类型 \"个人\"; 可用: 自然人"))
    }

    @Test("a ledger's row counter and remarks columns are read past")
    func ledgerColumnsIgnored() throws {
        var rows = try reader(.fees, "序号,收费日期,金额,备注,说明\n1,2021-01-01,5,现金,\n")
        guard case .row(let row) = rows.next() else { Issue.record("row refused"); return }
        #expect(row.values == ["collected_on": "2021-01-01", "amount_yuan": "5"])
    }

    @Test("a row with the wrong number of fields is refused")
    func fieldCount() throws {
        var rows = try reader(.fees, "collected_on,amount_yuan\n2021-01-01,5,extra\n")
        guard case .problems(let problems) = rows.next() else { Issue.record("accepted"); return }
        #expect(problems.first?.message.contains("3 个字段, 表头有 2 列") == true)
    }

    @Test("rows without ids get ids derived from their identifying fields: the same file gives the same ids, identical rows differ")
    func derivedIDs() throws {
        let text = "collected_on,amount_yuan\n2021-01-01,5\n2021-01-01,5.00\n2021-01-02,5\n"
        func ids() throws -> [String] {
            var rows = try reader(.fees, text)
            var result: [String] = []
            while case .row(let row)? = rows.next() {
                #expect(row.idWasDerived)
                result.append(row.id)
            }
            return result
        }
        let first = try ids()
        #expect(first.count == 3)
        #expect(Set(first).count == 3)
        #expect(try ids() == first)
        #expect(first.allSatisfy { $0.hasPrefix("fee-") && $0.count == 20 })
    }

    @Test("a derived id depends on the unit, so two villages' identical rows stay two records")
    func derivedIDsByUnit() throws {
        var a = try reader(.fees, "collected_on,amount_yuan\n2021-01-01,5\n", unit: "A")
        var b = try reader(.fees, "collected_on,amount_yuan\n2021-01-01,5\n", unit: "B")
        guard case .row(let rowA) = a.next(), case .row(let rowB) = b.next() else { Issue.record("refused"); return }
        #expect(rowA.id != rowB.id)
    }
}

@Suite("Rules between fields")
struct RuleTests {
    @Test("requests: dates in order, and an outcome exactly when concluded", arguments: [
        (["received_on": "2021-03-02", "applicant_type": "natural_person"], [String]()),
        (["received_on": "2021-03-02", "applicant_type": "natural_person", "concluded_on": "2021-03-20", "outcome": "granted"], []),
        (["received_on": "2021-03-02", "applicant_type": "natural_person", "concluded_on": "2021-03-01", "outcome": "granted"], ["concluded_on"]),
        (["received_on": "2021-03-02", "applicant_type": "natural_person", "outcome": "granted"], ["outcome"]),
        (["received_on": "2021-03-02", "applicant_type": "natural_person", "concluded_on": "2021-03-20"], ["outcome"]),
        (["applicant_type": "natural_person"], ["received_on"]),
    ])
    func requests(values: [String: String], failing: [String]) {
        #expect(RecordKind.requests.validate(values).map(\.field) == failing)
    }

    @Test("cases: a result exactly when concluded, not before filing")
    func cases() {
        let base = ["group": "review", "filed_on": "2021-05-10"]
        #expect(RecordKind.cases.validate(base).isEmpty)
        #expect(RecordKind.cases.validate(base.merging(["result": "maintained"]) { $1 }).map(\.field) == ["result"])
        #expect(RecordKind.cases.validate(base.merging(["result": "maintained", "concluded_on": "2021-05-09"]) { $1 }).map(\.field) == ["concluded_on"])
    }

    @Test("documents and matters: nothing published, repealed or abolished before it existed")
    func documents() {
        let document = ["kind": "normative", "title": "t", "made_on": "2020-03-05"]
        #expect(RecordKind.documents.validate(document.merging(["published_on": "2020-03-04"]) { $1 }).map(\.field) == ["published_on"])
        #expect(RecordKind.documents.validate(document.merging(["repealed_on": "2019-01-01"]) { $1 }).map(\.field) == ["repealed_on"])
        let matter = ["kind": "licensing", "name": "n", "established_on": "2019-01-01"]
        #expect(RecordKind.matters.validate(matter.merging(["abolished_on": "2018-12-31"]) { $1 }).map(\.field) == ["abolished_on"])
    }
}
