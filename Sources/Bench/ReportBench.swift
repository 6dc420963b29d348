import CSQLite
import Foundation
import Records
import Report
import Storage
import SyncCore
import TestSupport

/// Compiling the annual report over a township's requests, beside a plain SQL GROUP BY over the
/// same table in the same file.
enum ReportBench {
    static func run(count: Int) throws -> [BenchRow] {
        let directory = BenchDirectory()
        let path = directory.path("town.sqlite")
        let town = try Replica.create(at: path, unit: GovernmentUnit(code: "640522100000", name: "镇", isTownship: true),
                                      site: SiteID("00000000000000f4")!, deviceName: "bench", now: 1)
        var generator = SeededGenerator(seed: 7)
        let types = ApplicantType.allCases.map(\.rawValue)
        let outcomes = RequestOutcome.allCases.map(\.rawValue)
        var text = "id,received_on,applicant_type,concluded_on,outcome\n"
        text.reserveCapacity(count * 60)
        for index in 0..<count {
            let year = 2019 + Int(generator.next() % 4)
            let month = 1 + Int(generator.next() % 12)
            let day = 1 + Int(generator.next() % 28)
            let received = "\(year)-\(month < 10 ? "0" : "")\(month)-\(day < 10 ? "0" : "")\(day)"
            text += "r\(index),\(received),\(types[Int(generator.next() % 6)]),"
            if generator.next() % 10 == 0 {
                text += ",\n"
            } else {
                text += "\(year + (month == 12 ? 1 : 0))-\(month == 12 ? "01" : (month + 1 < 10 ? "0\(month + 1)" : "\(month + 1)"))-01,\(outcomes[Int(generator.next() % UInt64(outcomes.count))])\n"
            }
        }
        let reader = try ImportReader(kind: .requests, bytes: Array(text.utf8), defaultUnit: "640522100000")
        let (_, importSeconds) = try measure { try town.imports.importRows(reader, now: 2) }
        let (report, reportSeconds) = try measure { () throws -> String in
            let built = try ReportBuilder.build(town.figures, year: 2021)
            return MarkdownRenderer.render(built.report)
        }
        precondition(report.contains("三、收到和处理政府信息公开申请情况"))
        let (_, figuresSeconds) = try measure { try town.figures.reportFigures(year: 2021) }
        let plainSeconds = plainGroupBy(path: path)
        func ratio(_ seconds: Double) -> String { String(format: "%.1f×", seconds / plainSeconds) }
        return [
            BenchRow(figure: "report (figures + Markdown) over \(count) requests", measured: String(format: "%.2f s", reportSeconds),
                     baseline: String(format: "plain GROUP BY %.2f s", plainSeconds), ratio: ratio(reportSeconds)),
            BenchRow(figure: "report figures only (no rendering)", measured: String(format: "%.2f s", figuresSeconds),
                     baseline: "plain GROUP BY", ratio: ratio(figuresSeconds)),
            BenchRow(figure: "(setup) import of those requests", measured: "\(rate(count, importSeconds)) (\(String(format: "%.1f", importSeconds)) s)",
                     baseline: "—", ratio: "—"),
        ]
    }

    /// One GROUP BY over the requests table: the least any per-column count must read.
    static func plainGroupBy(path: String) -> Double {
        var db: OpaquePointer?
        sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, nil)
        defer { sqlite3_close(db) }
        let (_, seconds) = measure {
            var statement: OpaquePointer?
            sqlite3_prepare_v2(db, "SELECT applicant_type, outcome, count(*) FROM requests WHERE received_on BETWEEN '2021-01-01' AND '2021-12-31' GROUP BY 1, 2", -1, &statement, nil)
            while sqlite3_step(statement) == SQLITE_ROW {}
            sqlite3_finalize(statement)
        }
        return seconds
    }
}
