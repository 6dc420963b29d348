import RecordRules
import Foundation
import Records
import Report

/// The annual report's source on PostgreSQL: the same figures as the SQLite replica's
/// `ReportFigureStore` counts (`ReportSourceContractTests` runs both; `report annual` gives the
/// same bytes), read from the `records` table's standing values. `units` is the scope of the
/// report: nil for the whole store (the unit it serves), else one unit's records.
public struct PostgresReportSource: ReportSource {
    let pool: PostgresPool
    let unit: GovernmentUnit
    let units: [String]?

    /// A field's standing value, as text.
    private static func field(_ name: String) -> String { "(fields->>'\(name)')" }
    /// A money field in fen (its canonical text is yuan with at most two decimals), as numeric:
    /// its sums are exact however large (a bigint sum would fail past 2^63), read as text.
    private static func fen(_ name: String) -> String { "round((fields->>'\(name)')::numeric * 100)" }

    /// A numeric sum of fen read from its text.
    private static func fen(_ row: PostgresSession.Row, _ column: String) throws -> Int128 {
        let text = try row.text(column)
        guard let fen = Int128(text) else { throw PostgresStoreError.corrupt("\(column) 不是整数: \(text.prefix(60))") }
        return fen
    }

    /// `kind = '…' AND NOT deleted`, and the unit when the report is of one unit.
    private func live(_ kind: RecordKind, deleted: Bool = false) -> String {
        "kind = '\(kind.rawValue)'" + (deleted ? "" : " AND NOT deleted") + (units == nil ? "" : " AND unit = ANY(:units::text[])")
    }

    /// Runs `sql`, whose values are named: `:start` and `:end` (the year's first and last day),
    /// `:before` (the last day of the year before), `:units` (the report's units), and any in
    /// `values`. Each name becomes a numbered parameter, bound once.
    private func rows(_ session: PostgresSession, _ sql: String, year: Int, _ values: [String: Bind] = [:]) throws -> [PostgresSession.Row] {
        var named = values
        named[":start"] = .text("\(year)-01-01")
        named[":end"] = .text("\(year)-12-31")
        named[":before"] = .text("\(year - 1)-12-31")
        if let units { named[":units"] = .texts(units) }
        var text = sql
        var binds: [Bind] = []
        // Longest names first, so that no name is taken for the start of another.
        for name in named.keys.sorted(by: { $0.count > $1.count }) where text.contains(name) {
            binds.append(named[name]!)
            text = text.replacingOccurrences(of: name, with: "$\(binds.count)")
        }
        return try session.rows(text, binds)
    }

    public func reportingUnit() throws -> GovernmentUnit { unit }

    public func reportFigures(year: Int) throws -> ReportFigures {
        let f = PostgresReportSource.field
        return try pool.transaction("REPEATABLE READ", readOnly: true) { session in
            var figures = ReportFigures(year: year)
            for row in try rows(session, """
                SELECT \(f("kind")) AS kind,
                       count(*) FILTER (WHERE \(f("made_on")) BETWEEN :start AND :end) AS made,
                       count(*) FILTER (WHERE \(f("published_on")) BETWEEN :start AND :end) AS published,
                       count(*) FILTER (WHERE \(f("published_on")) <= :end) AS published_to_date,
                       count(*) FILTER (WHERE \(f("repealed_on")) BETWEEN :start AND :end) AS repealed,
                       count(*) FILTER (WHERE \(f("made_on")) <= :end AND (\(f("repealed_on")) IS NULL OR \(f("repealed_on")) > :end)) AS in_force
                FROM records WHERE \(live(.documents)) GROUP BY 1
                """, year: year) {
                guard let kind = DocumentKind(rawValue: try row.text("kind")) else { continue }
                var counts = ReportFigures.DocumentCounts()
                counts.made = Int(try row.integer("made"))
                counts.published = Int(try row.integer("published"))
                counts.publishedToDate = Int(try row.integer("published_to_date"))
                counts.repealed = Int(try row.integer("repealed"))
                counts.inForce = Int(try row.integer("in_force"))
                figures.documents[kind] = counts
            }
            for row in try rows(session, """
                SELECT \(f("kind")) AS kind,
                       count(*) FILTER (WHERE \(f("established_on")) <= :before AND (\(f("abolished_on")) IS NULL OR \(f("abolished_on")) > :before)) AS last_year,
                       count(*) FILTER (WHERE \(f("established_on")) <= :end AND (\(f("abolished_on")) IS NULL OR \(f("abolished_on")) > :end)) AS this_year
                FROM records WHERE \(live(.matters)) GROUP BY 1
                """, year: year) {
                guard let kind = MatterKind(rawValue: try row.text("kind")) else { continue }
                figures.mattersInForceLastYear[kind] = Int(try row.integer("last_year"))
                figures.mattersInForce[kind] = Int(try row.integer("this_year"))
            }
            for row in try rows(session, """
                SELECT \(f("kind")) AS kind, coalesce(sum((\(f("count")))::bigint), 0)::bigint AS decisions
                FROM records WHERE \(live(.decisions)) AND \(f("decided_on")) BETWEEN :start AND :end GROUP BY 1
                """, year: year) {
                guard let kind = MatterKind(rawValue: try row.text("kind")) else { continue }
                figures.decisions[kind] = Int(try row.integer("decisions"))
            }
            for amount in [ReportAmount.fees, .procurement] {
                for row in try rows(session, """
                    SELECT unit, count(*) AS records, coalesce(sum(\(PostgresReportSource.fen(amount.field))), 0)::text AS fen
                    FROM records WHERE \(live(amount.kind)) AND \(f(amount.date)) BETWEEN :start AND :end GROUP BY unit
                    """, year: year) {
                    figures.addAmount(amount, unit: try row.text("unit"), fen: try PostgresReportSource.fen(row, "fen"))
                    if amount == .procurement { figures.procurementCount += Int(try row.integer("records")) }
                }
            }
            let (received, concluded) = (f("received_on"), f("concluded_on"))
            for row in try rows(session, """
                SELECT unit, \(f("applicant_type")) AS applicant_type, \(f("outcome")) AS outcome,
                       count(*) FILTER (WHERE \(received) BETWEEN :start AND :end) AS received,
                       count(*) FILTER (WHERE \(received) < :start AND (\(concluded) IS NULL OR \(concluded) >= :start)) AS carried_in,
                       count(*) FILTER (WHERE \(concluded) BETWEEN :start AND :end) AS concluded,
                       count(*) FILTER (WHERE \(received) <= :end AND (\(concluded) IS NULL OR \(concluded) > :end)) AS carried_out,
                       coalesce(sum(CASE WHEN \(concluded) BETWEEN :start AND :end THEN coalesce(\(PostgresReportSource.fen("fee_yuan")), 0) ELSE 0 END), 0)::text AS fees_fen
                FROM records WHERE \(live(.requests)) GROUP BY 1, 2, 3
                """, year: year) {
                figures.addRequests(unit: try row.text("unit"), applicant: try row.optionalText("applicant_type"), outcome: try row.optionalText("outcome"),
                                    received: Int(try row.integer("received")), carriedIn: Int(try row.integer("carried_in")),
                                    concluded: Int(try row.integer("concluded")), carriedOut: Int(try row.integer("carried_out")),
                                    feesFen: try PostgresReportSource.fen(row, "fees_fen"))
            }
            for row in try rows(session, """
                SELECT \(f("group")) AS "group", CASE WHEN \(f("concluded_on")) <= :end THEN \(f("result")) END AS result_by_year_end, count(*) AS cases
                FROM records WHERE \(live(.cases)) AND \(f("filed_on")) BETWEEN :start AND :end GROUP BY 1, 2
                """, year: year) {
                figures.addCases(group: try row.text("group"), resultByYearEnd: try row.optionalText("result_by_year_end"),
                                 count: Int(try row.integer("cases")))
            }
            for row in try rows(session, """
                SELECT substr(\(f("published_on")), 6, 2)::integer::bigint AS month, \(f("category")) AS category, count(*) AS notices
                FROM records WHERE \(live(.notices)) AND \(f("published_on")) BETWEEN :start AND :end GROUP BY 1, 2
                """, year: year) {
                figures.addNotices(month: Int(try row.integer("month")), category: try row.text("category"), count: Int(try row.integer("notices")))
            }
            return figures
        }
    }

    public func unitFigures(_ year: ReportFigures) throws -> [UnitFigures] {
        let f = PostgresReportSource.field
        return try pool.transaction("REPEATABLE READ", readOnly: true) { session in
            let all = try session.rows("SELECT code, name, parent, is_township FROM units ORDER BY code COLLATE \"C\"").map(PostgresServerStore.unit)
            let reported = [unit] + all.filter { $0.code != unit.code && (units?.contains($0.code) ?? true) }
            var shares = Dictionary(uniqueKeysWithValues: reported.map { ($0.code, UnitFigures(unit: $0)) })
            func add(_ kind: RecordKind, date: String, _ update: (inout UnitFigures, Int) -> Void) throws {
                for row in try rows(session, """
                    SELECT unit, count(*) AS records FROM records WHERE \(live(kind)) AND \(f(date)) BETWEEN :start AND :end GROUP BY unit
                    """, year: year.year) {
                    let code = try row.text("unit")
                    guard shares[code] != nil else { continue }
                    update(&shares[code]!, Int(try row.integer("records")))
                }
            }
            try add(.notices, date: "published_on") { $0.notices = $1 }
            try add(.cases, date: "filed_on") { $0.cases = $1 }
            for (code, received) in year.requestsReceivedByUnit where shares[code] != nil { shares[code]!.requestsReceived = received }
            for (code, concluded) in year.requestsConcludedByUnit where shares[code] != nil { shares[code]!.requestsConcluded = concluded }
            // As on SQLite: a relay's own syncs up are not a device of its unit syncing.
            for row in try session.rows("""
                SELECT unit, greatest(max(synced_at), max(bundled_at)) AS synced_at FROM sites
                WHERE (synced_at IS NOT NULL OR bundled_at IS NOT NULL)
                  AND (owner IS NULL OR owner NOT IN (SELECT hash FROM device_tokens WHERE relay)) GROUP BY unit
                """) {
                let code = try row.text("unit")
                guard shares[code] != nil else { continue }
                shares[code]!.lastSync = try row.integer("synced_at")
            }
            return reported.compactMap { shares[$0.code] }
        }
    }

    public func narrativeText(id: String) throws -> String? {
        try pool.withSession { session in
            try session.rows("SELECT \(PostgresReportSource.field("text")) AS text FROM records WHERE kind = 'narrative' AND id = $1 AND NOT deleted",
                             [.text(id)]).first?.optionalText("text")
        }
    }

    public func dataProblems(year: Int) throws -> [DataProblem] {
        let f = PostgresReportSource.field
        let checks: [(RecordKind, String, String)] = [
            (.requests, "\(f("concluded_on")) IS NOT NULL AND \(f("outcome")) IS NULL", "已办结却没有办理结果"),
            (.requests, "\(f("outcome")) IS NOT NULL AND \(f("concluded_on")) IS NULL", "有办理结果却没有办结日期"),
            (.requests, "\(f("concluded_on")) < \(f("received_on"))", "办结日期早于收到日期"),
            (.cases, "\(f("concluded_on")) IS NOT NULL AND \(f("result")) IS NULL", "已审结却没有结果"),
            (.cases, "\(f("result")) IS NOT NULL AND \(f("concluded_on")) IS NULL", "有结果却没有审结日期"),
            (.cases, "\(f("concluded_on")) < \(f("filed_on"))", "审结日期早于立案日期"),
            (.documents, "\(f("published_on")) < \(f("made_on"))", "公开日期早于制作日期"),
            (.documents, "\(f("repealed_on")) < \(f("made_on"))", "废止日期早于制作日期"),
            (.matters, "\(f("abolished_on")) < \(f("established_on"))", "取消日期早于设立日期"),
        ]
        let relevant: [RecordKind: String] = [
            .requests: "(\(f("received_on")) <= :end AND (\(f("concluded_on")) IS NULL OR \(f("concluded_on")) >= :start)) OR \(f("concluded_on")) BETWEEN :start AND :end",
            .cases: "\(f("filed_on")) BETWEEN :start AND :end OR \(f("concluded_on")) BETWEEN :start AND :end",
            .documents: "\(f("made_on")) <= :end",
            .matters: "\(f("established_on")) <= :end",
        ]
        return try pool.transaction("REPEATABLE READ", readOnly: true) { session in
            var problems: [DataProblem] = []
            for (kind, condition, message) in checks {
                for row in try rows(session, """
                    SELECT id, unit FROM records WHERE \(live(kind)) AND (\(condition)) AND (\(relevant[kind]!))
                    ORDER BY id COLLATE "C"
                    """, year: year) {
                    problems.append(DataProblem(kind: kind, id: try row.text("id"), unit: try row.text("unit"), problem: message))
                }
            }
            return problems
        }
    }

    public func implausibleAmounts(year: Int) throws -> [DataProblem] {
        let f = PostgresReportSource.field
        return try pool.transaction("REPEATABLE READ", readOnly: true) { session in
            var problems: [DataProblem] = []
            for amount in ReportAmount.allCases {
                for row in try rows(session, """
                    SELECT id, unit, \(f(amount.field)) AS amount FROM records
                    WHERE \(live(amount.kind)) AND (\(f(amount.field)))::numeric > :maximum::numeric AND \(f(amount.date)) BETWEEN :start AND :end
                    ORDER BY id COLLATE "C"
                    """, year: year, [":maximum": .text(amount.maximum.description)]) {
                    problems.append(DataProblem(kind: amount.kind, id: try row.text("id"), unit: try row.text("unit"),
                                                problem: amount.problem(try row.text("amount"))))
                }
            }
            return problems
        }
    }

    public func conflictedRecords(year: Int) throws -> [DataProblem] {
        let dates: [RecordKind: String] = [
            .notices: "published_on", .documents: "made_on", .matters: "established_on", .decisions: "decided_on",
            .fees: "collected_on", .procurement: "contracted_on", .requests: "received_on", .cases: "filed_on",
        ]
        return try pool.transaction("REPEATABLE READ", readOnly: true) { session in
            var records: [DataProblem] = []
            for kind in RecordKind.importable {
                // Deleted records too, as the SQLite store lists them.
                for row in try rows(session, """
                    SELECT id, unit, conflicts::bigint AS conflicts FROM records
                    WHERE \(live(kind, deleted: true)) AND (conflicts > 0 OR (id LIKE '%~%' AND NOT deleted))
                        AND \(PostgresReportSource.field(dates[kind]!)) BETWEEN :start AND :end
                    ORDER BY id COLLATE "C"
                    """, year: year) {
                    let id = try row.text("id")
                    guard let problem = NumberClash.problem(kind: kind, id: id, conflicts: Int(try row.integer("conflicts"))) else { continue }
                    records.append(DataProblem(kind: kind, id: id, unit: try row.text("unit"), problem: problem))
                }
            }
            return records
        }
    }

    public func documents(ofKind kind: DocumentKind, madeBy year: Int) throws -> [(id: String, unit: String)] {
        try pool.withSession { session in
            try rows(session, """
                SELECT id, unit FROM records WHERE \(live(.documents)) AND \(PostgresReportSource.field("kind")) = :kind
                  AND \(PostgresReportSource.field("made_on")) <= :end ORDER BY id COLLATE "C"
                """, year: year, [":kind": .text(kind.rawValue)]).map { (try $0.text("id"), try $0.text("unit")) }
        }
    }

    public func servesDevices() throws -> Bool {
        try pool.withSession { session in try session.row("SELECT count(*) > 0 AS serves FROM device_tokens").flag("serves") }
    }

    public func refusedPushes() throws -> [RefusedPushes] {
        try pool.withSession { session in
            var byUnit: [(String, [DataProblem])] = []
            for row in try session.rows("SELECT unit, kind, id, reason FROM push_refusals ORDER BY unit COLLATE \"C\", kind COLLATE \"C\", id COLLATE \"C\"") {
                guard let kind = RecordKind(rawValue: try row.text("kind")) else { continue }
                let code = try row.text("unit")
                guard units?.contains(code) ?? true else { continue }
                let problem = DataProblem(kind: kind, id: try row.text("id"), unit: code, problem: try row.text("reason"))
                if byUnit.last?.0 == code { byUnit[byUnit.count - 1].1.append(problem) } else { byUnit.append((code, [problem])) }
            }
            return byUnit.map { RefusedPushes(unit: $0.0, records: $0.1) }
        }
    }

    public func publishedReport(year: Int) throws -> (formatVersion: String, publishedAt: Int64, json: String)? {
        guard units == nil else { return nil }
        return try pool.withSession { session in
            guard let row = try session.rows("""
                SELECT format_version, published_at, report FROM published_report_versions WHERE year = $1 ORDER BY version DESC LIMIT 1
                """, [.integer(Int64(year))]).first else { return nil }
            return (try row.text("format_version"), try row.integer("published_at"), try row.text("report"))
        }
    }
}
