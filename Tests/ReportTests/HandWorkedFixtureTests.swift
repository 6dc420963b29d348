import Foundation
import Records
import Report
import Storage
import Testing
import TestSupport

/// Fixtures where every cell of tables 2, 3 and 4 is non-zero, with the expected values worked
/// out from how the records were made (plain arithmetic in this file), not by the code under test.
/// Records of neighbouring years that must not count are mixed in, and requests are carried into
/// and out of the year and concluded across the new year.
enum Table3Fixture {
    static let types = ApplicantType.allCases

    /// The leaves of table 3 in the given format, each with the outcomes a request of it may carry
    /// (the first takes the remainder; the others one request each, to exercise the folding).
    static func leaves(_ version: FormatVersion) -> [[RequestOutcome]] {
        let plain: [RequestOutcome] = [.granted, .partiallyGranted]
            + RequestOutcome.allCases.filter { [.withheld, .unavailable, .notProcessed].contains($0.group) }
        switch version {
        case .v2019: return plain.map { [$0] } + [[.otherProcessing, .otherNoCorrection, .otherFeeUnpaid, .otherOther]]
        case .v2021: return plain.map { [$0] } + [[.otherNoCorrection], [.otherFeeUnpaid], [.otherOther, .otherProcessing]]
        }
    }

    /// The number of requests concluded in the year in leaf `l`, column `c`: all different.
    static func leafValue(_ l: Int, _ c: Int) -> Int { 1 + 6 * l + c }
    /// Concluded in the year but received the year before (part of the leaf values above).
    static func carriedInConcluded(_ c: Int) -> Int { c + 2 }
    /// Received before the year, still open at its end (one of them concluded the next year).
    static func carriedInOpen(_ c: Int) -> Int { 300 + 7 * c }
    /// Received in the last days of the year, concluded in the first days of the next.
    static func acrossNewYear(_ c: Int) -> Int { 5 + 2 * c }
    /// Received in the year, never concluded.
    static func open(_ c: Int) -> Int { 2 + c }

    static func rows(year: Int, version: FormatVersion) -> [String] {
        var ids = IDs()
        var rows: [String] = []
        let leaves = leaves(version)
        for (c, type) in types.enumerated() {
            for (l, outcomes) in leaves.enumerated() {
                let value = leafValue(l, c)
                for index in 0..<value {
                    // The last leaf's first requests were received the year before.
                    let received = l == leaves.count - 1 && index < carriedInConcluded(c) ? "\(year - 1)-12-20" : "\(year)-03-01"
                    let outcome = index < outcomes.count - 1 ? outcomes[index + 1] : outcomes[0]
                    rows.append("\(ids("q")),\(received),\(type.rawValue),\(year)-06-01,\(outcome.rawValue)")
                }
            }
            for index in 0..<carriedInOpen(c) {
                let concluded = index == 0 ? "\(year + 1)-02-01,granted" : ","
                rows.append("\(ids("b")),\(year - 2)-05-01,\(type.rawValue),\(concluded)")
            }
            rows += repeated(acrossNewYear(c)) { _ in "\(ids("c")),\(year)-12-28,\(type.rawValue),\(year + 1)-01-05,granted" }
            rows += repeated(open(c)) { _ in "\(ids("d")),\(year)-07-01,\(type.rawValue),," }
            // Neighbouring years: counted nowhere in this year's table.
            rows += repeated(2) { _ in "\(ids("e")),\(year - 1)-02-01,\(type.rawValue),\(year - 1)-03-01,granted" }
            rows += repeated(3) { _ in "\(ids("f")),\(year + 1)-01-15,\(type.rawValue),," }
            rows += repeated(1) { _ in "\(ids("g")),\(year + 1)-01-15,\(type.rawValue),\(year + 1)-01-20,granted" }
        }
        return rows
    }

    /// The expected table, by arithmetic on the numbers above.
    static func expected(version: FormatVersion) -> [String: [Int]] {
        let leaves = leaves(version)
        func withTotal(_ values: [Int]) -> [Int] { values + [values.reduce(0, +)] }
        func column(_ f: (Int) -> Int) -> [Int] { withTotal((0..<6).map(f)) }
        let concludedInYear: (Int) -> Int = { c in (0..<leaves.count).reduce(0) { $0 + leafValue($1, c) } }
        var table: [String: [Int]] = [
            "new_received": column { concludedInYear($0) - carriedInConcluded($0) + acrossNewYear($0) + open($0) },
            "carried_over_in": column { carriedInConcluded($0) + carriedInOpen($0) },
            "results_total": column(concludedInYear),
            "carried_over_out": column { carriedInOpen($0) + acrossNewYear($0) + open($0) },
        ]
        let keys = leaves.map { outcomes in
            version == .v2019 && outcomes.count > 1 ? "other_processing" : outcomes[0].rawValue
        }
        for (l, key) in keys.enumerated() { table[key] = column { leafValue(l, $0) } }
        return table
    }
}

@Suite("Hand-worked fixtures: every cell non-zero")
struct HandWorkedFixtureTests {
    @Test("table 3, both formats: carried in and out, concluded across the new year, neighbouring years excluded",
          arguments: [(2020, FormatVersion.v2019), (2021, .v2021)])
    func table3(year: Int, version: FormatVersion) throws {
        let scratch = Scratch()
        let replica = try makeTownship(scratch)
        try load(replica, .requests, "id,received_on,applicant_type,concluded_on,outcome", Table3Fixture.rows(year: year, version: version))
        let report = try ReportBuilder.build(replica.figures, year: year, version: version).report
        let expected = Table3Fixture.expected(version: version)
        #expect(report.table3.rows.map(\.label.key).sorted() == expected.keys.sorted())
        for row in report.table3.rows {
            #expect(row.values == expected[row.label.key], "\(row.label.key)")
        }
        // The fixture is as advertised: every cell non-zero, the leaf cells all different.
        let cells = report.table3.rows.flatMap(\.values)
        #expect(cells.allSatisfy { $0 > 0 })
        let leafCells = expected.filter { !["new_received", "carried_over_in", "results_total", "carried_over_out"].contains($0.key) }
            .flatMap { $0.value.prefix(6) }
        #expect(Set(leafCells).count == leafCells.count)
        #expect(report.headline.requestsReceived == expected["new_received"]!.last)
        #expect(report.headline.requestsConcluded == expected["results_total"]!.last)
    }

    @Test("table 2, 2019 format: documents made and published across years, catalogue items in force, decisions, procurement")
    func table2Of2019() throws {
        let scratch = Scratch()
        let replica = try makeTownship(scratch)
        let y = 2020
        var ids = IDs()
        // Documents: D1 made and published in the year; D2 made before, published in it; D3 made and
        // published before; D4 made in the year, published after it.
        func documents(_ kind: String, _ d1: Int, _ d2: Int, _ d3: Int, _ d4: Int) -> [String] {
            repeated(d1) { _ in "\(ids("doc")),\(kind),t,\(y)-02-01,\(y)-02-05," }
                + repeated(d2) { _ in "\(ids("doc")),\(kind),t,\(y - 1)-11-01,\(y)-01-05," }
                + repeated(d3) { _ in "\(ids("doc")),\(kind),t,\(y - 2)-03-01,\(y - 1)-04-01," }
                + repeated(d4) { _ in "\(ids("doc")),\(kind),t,\(y)-12-20,\(y + 1)-01-10," }
                + repeated(2) { _ in "\(ids("doc")),\(kind),t,\(y + 1)-03-01,\(y + 1)-03-02," }
        }
        try load(replica, .documents, "id,kind,title,made_on,published_on,repealed_on",
                 documents("regulation", 1, 2, 3, 1) + documents("normative", 4, 1, 5, 4))
        // Matters: `last` in force at the end of the previous year, `added` established in the
        // year, `removed` of the old ones abolished in it; plus items that must not count.
        func matters(_ kind: String, last: Int, added: Int, removed: Int) -> [String] {
            repeated(last) { index in "\(ids("mat")),\(kind),m,\(y - 2)-01-01,\(index < removed ? "\(y)-06-30" : "")" }
                + repeated(added) { _ in "\(ids("mat")),\(kind),m,\(y)-05-01," }
                + repeated(1) { _ in "\(ids("mat")),\(kind),m,\(y - 3)-01-01,\(y - 1)-06-30" }
                + repeated(1) { _ in "\(ids("mat")),\(kind),m,\(y + 1)-02-01," }
        }
        try load(replica, .matters, "id,kind,name,established_on,abolished_on",
                 matters("licensing", last: 11, added: 8, removed: 1) + matters("other_services", last: 15, added: 1, removed: 4)
                 + matters("penalty", last: 17, added: 9, removed: 0) + matters("coercion", last: 19, added: 0, removed: 1)
                 + matters("fees", last: 21, added: 12, removed: 0))
        func decisions(_ kind: String, _ total: Int) -> [String] {
            ["\(ids("dec")),\(kind),\(y)-03-01,\(total - 1)", "\(ids("dec")),\(kind),\(y)-11-30,1",
             "\(ids("dec")),\(kind),\(y - 1)-12-31,7", "\(ids("dec")),\(kind),\(y + 1)-01-01,9"]
        }
        try load(replica, .decisions, "id,kind,decided_on,count",
                 decisions("licensing", 14) + decisions("other_services", 16) + decisions("penalty", 18) + decisions("coercion", 20))
        // 22 projects in the year: 21 of 4,000.00 and one of 14,765.43 (98,765.43 in all).
        try load(replica, .procurement, "id,title,contracted_on,amount_yuan",
                 repeated(21) { _ in "\(ids("pro")),p,\(y)-07-01,4000.00" } + ["\(ids("pro")),p,\(y)-12-31,14765.43",
                 "\(ids("pro")),p,\(y - 1)-12-31,500", "\(ids("pro")),p,\(y + 1)-01-01,600"])
        let table = try ReportBuilder.build(replica.figures, year: y, version: .v2019).report.table2
        func cells(_ key: String) -> [String] { table.row(key)?.cells.map(\.number) ?? [] }
        #expect(cells("regulations") == ["2", "3", "6"])
        #expect(cells("normative_documents") == ["8", "5", "10"])
        #expect(cells("licensing") == ["11", "7", "14"])
        #expect(cells("other_services") == ["15", "-3", "16"])
        #expect(cells("penalty") == ["17", "9", "18"])
        #expect(cells("coercion") == ["19", "-1", "20"])
        #expect(cells("fees") == ["21", "12"])
        #expect(cells("procurement") == ["22", "98765.43"])
        #expect(table.groups.map(\.label) == ["第二十条第（一）项", "第二十条第（五）项", "第二十条第（六）项", "第二十条第（八）项", "第二十条第（九）项"])
        let all = table.groups.flatMap(\.rows).flatMap { $0.cells.map(\.number) }
        #expect(!all.contains("0"))
        #expect(Set(all).count == all.count)
    }

    @Test("table 2, 2021 format: documents issued, repealed and in force; decisions; fees in 万元")
    func table2Of2021() throws {
        let scratch = Scratch()
        let replica = try makeTownship(scratch)
        let y = 2021
        var ids = IDs()
        // issued (made in the year, not repealed), kept (made before, in force), repealed (made
        // before, repealed in the year); plus one repealed the year before and one made the next.
        func documents(_ kind: String, issued: Int, kept: Int, repealed: Int) -> [String] {
            repeated(issued) { _ in "\(ids("doc")),\(kind),t,\(y)-04-01," }
                + repeated(kept) { _ in "\(ids("doc")),\(kind),t,\(y - 3)-04-01," }
                + repeated(repealed) { _ in "\(ids("doc")),\(kind),t,\(y - 4)-04-01,\(y)-09-30" }
                + ["\(ids("doc")),\(kind),t,\(y - 3)-01-01,\(y - 1)-12-31", "\(ids("doc")),\(kind),t,\(y + 1)-01-01,"]
        }
        try load(replica, .documents, "id,kind,title,made_on,repealed_on",
                 documents("regulation", issued: 2, kept: 2, repealed: 3) + documents("normative", issued: 5, kept: 2, repealed: 6))
        try load(replica, .decisions, "id,kind,decided_on,count", [
            "\(ids("dec")),licensing,\(y)-01-01,3", "\(ids("dec")),licensing,\(y)-12-31,5", "\(ids("dec")),licensing,\(y - 1)-12-31,40",
            "\(ids("dec")),penalty,\(y)-05-05,9", "\(ids("dec")),coercion,\(y)-05-05,10", "\(ids("dec")),other_services,\(y)-05-05,11",
        ])
        // 12,345.67 yuan in the year: 1.234567 万元 (exact, to the fen); the next year's fee does not count.
        try load(replica, .fees, "id,collected_on,amount_yuan", [
            "\(ids("fee")),\(y)-03-01,12000", "\(ids("fee")),\(y)-12-31,345.67", "\(ids("fee")),\(y + 1)-01-01,99999",
        ])
        let table = try ReportBuilder.build(replica.figures, year: y, version: .v2021).report.table2
        func cells(_ key: String) -> [String] { table.row(key)?.cells.map(\.number) ?? [] }
        #expect(cells("regulations") == ["2", "3", "4"])
        #expect(cells("normative_documents") == ["5", "6", "7"])
        #expect(cells("licensing") == ["8"])
        #expect(cells("penalty") == ["9"])
        #expect(cells("coercion") == ["10"])
        #expect(cells("fees") == ["1.234567"])
        #expect(table.row("other_services") == nil)
        #expect(table.row("procurement") == nil)
    }

    @Test("table 4: cases filed in the year with their result as of 31 Dec; cases filed in other years excluded")
    func table4() throws {
        let scratch = Scratch()
        let replica = try makeTownship(scratch)
        let y = 2021
        var ids = IDs()
        var rows: [String] = []
        let counts: [(String, [Int])] = [("review", [1, 2, 3, 4]), ("litigation_direct", [5, 6, 7, 8]), ("litigation_after_review", [9, 11, 12, 13])]
        for (group, values) in counts {
            for (result, count) in zip(["maintained", "corrected", "other_result"], values) {
                rows += repeated(count) { _ in "\(ids("k")),\(group),\(y)-03-01,\(result),\(y)-09-01" }
            }
            // Pending on 31 Dec: still open, or concluded only in the next year.
            rows += repeated(values[3]) { index in index == 0 ? "\(ids("k")),\(group),\(y)-11-01,maintained,\(y + 1)-01-10" : "\(ids("k")),\(group),\(y)-11-01,," }
            rows += ["\(ids("k")),\(group),\(y - 1)-12-01,corrected,\(y)-02-01", "\(ids("k")),\(group),\(y + 1)-01-02,,"]
        }
        try load(replica, .cases, "id,group,filed_on,result,concluded_on", rows)
        let table = try ReportBuilder.build(replica.figures, year: y).report.table4
        #expect(table.groups.map(\.values) == [[1, 2, 3, 4, 10], [5, 6, 7, 8, 26], [9, 11, 12, 13, 45]])
        let all = table.groups.flatMap(\.values)
        #expect(Set(all).count == 15)
        #expect(!all.contains(0))
    }
}
