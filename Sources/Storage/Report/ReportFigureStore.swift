import Records
import Report

/// The figures of a year's report, by the counting rules, and the problems in the data it
/// counts. Reads only.
public struct ReportFigureStore: Sendable {
    let database: Database
    /// The unit reported on and the units counted (its subtree), when not the replica's own
    /// unit and everything it holds.
    let scope: (unit: GovernmentUnit, units: [String])?

    init(_ database: Database) {
        self.database = database
        scope = nil
    }

    private init(_ database: Database, scope: (unit: GovernmentUnit, units: [String])) {
        self.database = database
        self.scope = scope
    }

    /// The report of one unit this replica holds and of the units below it (a county's server
    /// reporting one of its townships): the same figures that unit's own server counts.
    public func scoped(to code: String) throws(ReplicaError) -> ReportFigureStore {
        let units = UnitStore(database)
        guard let unit = try units.all().first(where: { $0.code == code }) else { throw ReplicaError.unknownUnit(code: code) }
        if code == (try units.identity().unit.code) { return self }
        return ReportFigureStore(database, scope: (unit, try units.tree().subtree(of: code).sorted()))
    }

    /// Every query of the report is limited to its units by this condition, bound as `?9`: the
    /// units as a JSON array, or NULL for everything the replica holds.
    static let inScope = "(?9 IS NULL OR unit IN (SELECT value FROM json_each(?9)))"

    /// `values` (bound as ?1, ?2, …) and the report's units as ?9.
    func arguments(_ values: [SQLiteValue]) -> [SQLiteValue] {
        var arguments = values + Array(repeating: SQLiteValue.null, count: max(0, 8 - values.count))
        arguments.append(scope.map { .jsonArray($0.units) } ?? .null)
        return arguments
    }

    /// The figures of `year` over every record this replica holds (a village's own, or on the
    /// township's server its whole township), deleted records excluded.
    public func reportFigures(year: Int) throws(ReplicaError) -> ReportFigures {
        let start = "\(year)-01-01"
        let end = "\(year)-12-31"
        let lastYearEnd = "\(year - 1)-12-31"
        return try database.withConnection { connection in
            var figures = ReportFigures(year: year)
            for row in try connection.rows("""
                SELECT kind,
                       coalesce(sum(made_on BETWEEN ?1 AND ?2), 0) AS made,
                       coalesce(sum(published_on BETWEEN ?1 AND ?2), 0) AS published,
                       coalesce(sum(published_on <= ?2), 0) AS published_to_date,
                       coalesce(sum(repealed_on BETWEEN ?1 AND ?2), 0) AS repealed,
                       coalesce(sum(made_on <= ?2 AND (repealed_on IS NULL OR repealed_on > ?2)), 0) AS in_force
                FROM documents WHERE deleted = 0 AND \(ReportFigureStore.inScope) GROUP BY kind
                """, arguments([.text(start), .text(end)])) {
                guard let kind = DocumentKind(rawValue: try row.text("kind")) else { continue }
                var counts = ReportFigures.DocumentCounts()
                counts.made = try row.int("made")
                counts.published = try row.int("published")
                counts.publishedToDate = try row.int("published_to_date")
                counts.repealed = try row.int("repealed")
                counts.inForce = try row.int("in_force")
                figures.documents[kind] = counts
            }
            for row in try connection.rows("""
                SELECT kind, coalesce(sum(established_on <= ?1 AND (abolished_on IS NULL OR abolished_on > ?1)), 0) AS last_year,
                             coalesce(sum(established_on <= ?2 AND (abolished_on IS NULL OR abolished_on > ?2)), 0) AS this_year
                FROM matters WHERE deleted = 0 AND \(ReportFigureStore.inScope) GROUP BY kind
                """, arguments([.text(lastYearEnd), .text(end)])) {
                guard let kind = MatterKind(rawValue: try row.text("kind")) else { continue }
                figures.mattersInForceLastYear[kind] = try row.int("last_year")
                figures.mattersInForce[kind] = try row.int("this_year")
            }
            for row in try connection.rows("""
                SELECT kind, coalesce(sum("count"), 0) AS decisions FROM decisions
                WHERE deleted = 0 AND decided_on BETWEEN ?1 AND ?2 AND \(ReportFigureStore.inScope) GROUP BY kind
                """, arguments([.text(start), .text(end)])) {
                guard let kind = MatterKind(rawValue: try row.text("kind")) else { continue }
                figures.decisions[kind] = try row.int("decisions")
            }
            // Amounts by unit, each sum split at 10^9 fen so that SQLite's 64-bit sum cannot overflow
            // whatever an earlier release took (put together in Swift, exactly).
            for (amount, table, date) in [(ReportAmount.fees, "fees", "collected_on"), (.procurement, "procurement", "contracted_on")] {
                for row in try connection.rows("""
                    SELECT unit, count(*) AS records, \(ReportFigureStore.splitSum("amount_yuan")) FROM \(table)
                    WHERE deleted = 0 AND \(date) BETWEEN ?1 AND ?2 AND \(ReportFigureStore.inScope) GROUP BY unit
                    """, arguments([.text(start), .text(end)])) {
                    figures.addAmount(amount, unit: try row.text("unit"), fen: try ReportFigureStore.splitSum(row))
                    if amount == .procurement { figures.procurementCount += try row.int("records") }
                }
            }
            // Table 3 and the units' request counts in one pass over the requests, summed here:
            // SQLite's GROUP BY would sort every row first. The columns are found by name once.
            var groups: [RequestGroup: RequestSums] = [:]
            let statement = try connection.prepare(RequestQueries.table3)
            defer { statement.reset() }
            try statement.bind(arguments([.text(start), .text(end)]))
            let (unit, applicant, outcome) = (try statement.column("unit"), try statement.column("applicant_type"), try statement.column("outcome"))
            let (received, carriedIn, concluded) = (try statement.column("received"), try statement.column("carried_in"), try statement.column("concluded"))
            let (carriedOut, feesFen) = (try statement.column("carried_out"), try statement.column("fees_fen"))
            while try statement.step() {
                guard let unitCode = statement.text(at: unit) else { throw statement.columns.problem("unit 为空") }
                let group = RequestGroup(unit: unitCode, applicant: statement.text(at: applicant), outcome: statement.text(at: outcome))
                groups[group, default: RequestSums()].add(received: statement.integer(at: received), carriedIn: statement.integer(at: carriedIn),
                                                          concluded: statement.integer(at: concluded), carriedOut: statement.integer(at: carriedOut),
                                                          feesFen: statement.integer(at: feesFen))
            }
            for (group, sums) in groups {
                figures.addRequests(unit: group.unit, applicant: group.applicant, outcome: group.outcome, received: Int(sums.received),
                                    carriedIn: Int(sums.carriedIn), concluded: Int(sums.concluded), carriedOut: Int(sums.carriedOut),
                                    feesFen: sums.feesFen)
            }
            for row in try connection.rows("""
                SELECT "group", CASE WHEN concluded_on <= ?2 THEN result END AS result_by_year_end, count(*) AS cases
                FROM cases WHERE deleted = 0 AND filed_on BETWEEN ?1 AND ?2 AND \(ReportFigureStore.inScope) GROUP BY 1, 2
                """, arguments([.text(start), .text(end)])) {
                figures.addCases(group: try row.text("group"), resultByYearEnd: try row.optionalText("result_by_year_end"),
                                 count: try row.int("cases"))
            }
            for row in try connection.rows("""
                SELECT CAST(substr(published_on, 6, 2) AS INTEGER) AS month, category, count(*) AS notices
                FROM notices WHERE deleted = 0 AND published_on BETWEEN ?1 AND ?2 AND \(ReportFigureStore.inScope) GROUP BY 1, 2
                """, arguments([.text(start), .text(end)])) {
                figures.addNotices(month: try row.int("month"), category: try row.text("category"), count: try row.int("notices"))
            }
            return figures
        }
    }

    /// Each unit's share of the year, and when a device of it last finished a sync here. The
    /// request counts are taken from `year`'s figures, which count them in table 3's pass.
    public func unitFigures(_ year: ReportFigures) throws(ReplicaError) -> [UnitFigures] {
        let start = "\(year.year)-01-01"
        let end = "\(year.year)-12-31"
        let units = try UnitStore(database).all().filter { unit in scope?.units.contains(unit.code) ?? true }
        return try database.withConnection { connection in
            var shares = Dictionary(uniqueKeysWithValues: units.map { ($0.code, UnitFigures(unit: $0)) })
            func add(_ sql: String, _ update: (inout UnitFigures, Int) -> Void) throws {
                for row in try connection.rows(sql, [.text(start), .text(end)]) {
                    let unit = try row.text("unit")
                    guard shares[unit] != nil else { continue }
                    update(&shares[unit]!, try row.int("records"))
                }
            }
            try add("SELECT unit, count(*) AS records FROM notices WHERE deleted = 0 AND published_on BETWEEN ?1 AND ?2 GROUP BY unit") { $0.notices = $1 }
            try add("SELECT unit, count(*) AS records FROM cases WHERE deleted = 0 AND filed_on BETWEEN ?1 AND ?2 GROUP BY unit") { $0.cases = $1 }
            for (code, received) in year.requestsReceivedByUnit where shares[code] != nil { shares[code]!.requestsReceived = received }
            for (code, concluded) in year.requestsConcludedByUnit where shares[code] != nil { shares[code]!.requestsConcluded = concluded }
            // A unit's devices' last sync by any means, wherever they synced (a township relays its
            // villages' syncs); a relay's own syncs up are not a device of its unit syncing.
            for row in try connection.rows("""
                SELECT unit, max(max(coalesce(synced_at, 0)), max(coalesce(bundled_at, 0))) AS synced_at FROM sites
                WHERE (synced_at IS NOT NULL OR bundled_at IS NOT NULL)
                  AND (owner IS NULL OR owner NOT IN (SELECT hash FROM device_tokens WHERE relay = 1)) GROUP BY unit
                """) {
                let unit = try row.text("unit")
                guard shares[unit] != nil else { continue }
                shares[unit]!.lastSync = try row.integer("synced_at")
            }
            return units.compactMap { shares[$0.code] }
        }
    }
}

extension ReportFigureStore {
    /// A sum of fen in two parts that cannot overflow: the billions and the rest.
    static func splitSum(_ column: String) -> String {
        "coalesce(sum(\(column) / 1000000000), 0) AS high, coalesce(sum(\(column) % 1000000000), 0) AS low"
    }

    static func splitSum(_ row: Row) throws(SQLiteError) -> Int128 {
        Int128(try row.integer("high")) * 1_000_000_000 + Int128(try row.integer("low"))
    }
}

/// The pass over the requests. It keeps only the rows one of its sums counts (the WHERE is the
/// disjunction of their conditions, so no count changes): a township's earlier years are passed
/// over in the scan. Each row gives its group and its 0/1 flags; `reportFigures` sums them.
enum RequestQueries {
    static let table3 = """
        SELECT unit, applicant_type, outcome,
               received_on BETWEEN ?1 AND ?2 AS received,
               received_on < ?1 AND (concluded_on IS NULL OR concluded_on >= ?1) AS carried_in,
               concluded_on BETWEEN ?1 AND ?2 AS concluded,
               received_on <= ?2 AND (concluded_on IS NULL OR concluded_on > ?2) AS carried_out,
               CASE WHEN concluded_on BETWEEN ?1 AND ?2 THEN coalesce(fee_yuan, 0) ELSE 0 END AS fees_fen
        FROM requests
        WHERE deleted = 0 AND \(ReportFigureStore.inScope)
          AND (received_on BETWEEN ?1 AND ?2
               OR (received_on < ?1 AND (concluded_on IS NULL OR concluded_on >= ?1))
               OR concluded_on BETWEEN ?1 AND ?2
               OR (received_on <= ?2 AND (concluded_on IS NULL OR concluded_on > ?2)))
        """
}

/// One cell group of table 3 within a unit.
private struct RequestGroup: Hashable {
    let unit: String
    let applicant: String?
    let outcome: String?
}

/// The request counts of one group: received in the year, carried in, concluded in the year,
/// carried out, and the fees of those concluded.
private struct RequestSums {
    var received: Int64 = 0
    var carriedIn: Int64 = 0
    var concluded: Int64 = 0
    var carriedOut: Int64 = 0
    /// Exact: 64-bit fees an earlier release took would overflow 64 bits summed.
    var feesFen: Int128 = 0

    mutating func add(received: Int64, carriedIn: Int64, concluded: Int64, carriedOut: Int64, feesFen: Int64) {
        self.received += received
        self.carriedIn += carriedIn
        self.concluded += concluded
        self.carriedOut += carriedOut
        self.feesFen += Int128(feesFen)
    }
}
