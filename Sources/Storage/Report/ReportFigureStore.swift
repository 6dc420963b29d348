import Records
import Report

/// The figures of a year's report, by the counting rules, and the problems in the data it
/// counts. Reads only.
public struct ReportFigureStore: Sendable {
    let database: Database

    init(_ database: Database) {
        self.database = database
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
                       sum(made_on BETWEEN ?1 AND ?2), sum(published_on BETWEEN ?1 AND ?2), sum(published_on <= ?2),
                       sum(repealed_on BETWEEN ?1 AND ?2), sum(made_on <= ?2 AND (repealed_on IS NULL OR repealed_on > ?2))
                FROM documents WHERE deleted = 0 GROUP BY kind
                """, [.text(start), .text(end)]) {
                guard let kind = row[0].text.flatMap(DocumentKind.init(rawValue:)) else { continue }
                var counts = ReportFigures.DocumentCounts()
                counts.made = Int(row[1].integer ?? 0)
                counts.published = Int(row[2].integer ?? 0)
                counts.publishedToDate = Int(row[3].integer ?? 0)
                counts.repealed = Int(row[4].integer ?? 0)
                counts.inForce = Int(row[5].integer ?? 0)
                figures.documents[kind] = counts
            }
            for row in try connection.rows("""
                SELECT kind, sum(established_on <= ?1 AND (abolished_on IS NULL OR abolished_on > ?1)),
                             sum(established_on <= ?2 AND (abolished_on IS NULL OR abolished_on > ?2))
                FROM matters WHERE deleted = 0 GROUP BY kind
                """, [.text(lastYearEnd), .text(end)]) {
                guard let kind = row[0].text.flatMap(MatterKind.init(rawValue:)) else { continue }
                figures.mattersInForceLastYear[kind] = Int(row[1].integer ?? 0)
                figures.mattersInForce[kind] = Int(row[2].integer ?? 0)
            }
            for row in try connection.rows("""
                SELECT kind, sum("count") FROM decisions WHERE deleted = 0 AND decided_on BETWEEN ? AND ? GROUP BY kind
                """, [.text(start), .text(end)]) {
                guard let kind = row[0].text.flatMap(MatterKind.init(rawValue:)) else { continue }
                figures.decisions[kind] = Int(row[1].integer ?? 0)
            }
            figures.feesFen = try connection.scalar("SELECT coalesce(sum(amount_yuan), 0) FROM fees WHERE deleted = 0 AND collected_on BETWEEN ? AND ?",
                                                    [.text(start), .text(end)]).integer ?? 0
            let procurement = try connection.rows("""
                SELECT count(*), coalesce(sum(amount_yuan), 0) FROM procurement WHERE deleted = 0 AND contracted_on BETWEEN ? AND ?
                """, [.text(start), .text(end)])[0]
            figures.procurementCount = Int(procurement[0].integer ?? 0)
            figures.procurementFen = procurement[1].integer ?? 0
            // Table 3 and the units' request counts in one pass over the requests, summed here:
            // SQLite's GROUP BY would sort every row first, which took half the report's time.
            var groups: [RequestGroup: RequestSums] = [:]
            let statement = try connection.prepare(RequestQueries.table3)
            defer { statement.reset() }
            try statement.bind([.text(start), .text(end)])
            while try statement.step() {
                let group = RequestGroup(unit: statement.text(at: 0) ?? "", applicant: statement.text(at: 1), outcome: statement.text(at: 2))
                groups[group, default: RequestSums()].add(received: statement.integer(at: 3), carriedIn: statement.integer(at: 4),
                                                          concluded: statement.integer(at: 5), carriedOut: statement.integer(at: 6),
                                                          feesFen: statement.integer(at: 7))
            }
            for (group, sums) in groups {
                let applicant = group.applicant.flatMap(ApplicantType.init(rawValue:))
                let outcome = group.outcome.flatMap(RequestOutcome.init(rawValue:))
                figures.requestsReceivedByUnit[group.unit, default: 0] += Int(sums.received)
                figures.requestsConcludedByUnit[group.unit, default: 0] += Int(sums.concluded)
                figures.newReceived[applicant, default: 0] += Int(sums.received)
                figures.carriedOverIn[applicant, default: 0] += Int(sums.carriedIn)
                if sums.concluded > 0 { figures.concluded[outcome, default: [:]][applicant, default: 0] += Int(sums.concluded) }
                figures.carriedOverOut[applicant, default: 0] += Int(sums.carriedOut)
                figures.requestFeesFen += sums.feesFen
            }
            for row in try connection.rows("""
                SELECT "group", CASE WHEN concluded_on <= ?2 THEN result END, count(*)
                FROM cases WHERE deleted = 0 AND filed_on BETWEEN ?1 AND ?2 GROUP BY 1, 2
                """, [.text(start), .text(end)]) {
                guard let group = row[0].text.flatMap(CaseGroup.init(rawValue:)) else { continue }
                let count = Int(row[2].integer ?? 0)
                figures.casesFiled[group, default: 0] += count
                let result = row[1].text.flatMap(CaseResult.init(rawValue:))
                guard result != nil || row[1].text == nil else { continue }
                figures.cases[group, default: [:]][result, default: 0] += count
            }
            for row in try connection.rows("""
                SELECT CAST(substr(published_on, 6, 2) AS INTEGER), category, count(*)
                FROM notices WHERE deleted = 0 AND published_on BETWEEN ? AND ? GROUP BY 1, 2
                """, [.text(start), .text(end)]) {
                guard let month = row[0].integer, let category = row[1].text.flatMap(NoticeCategory.init(rawValue:)) else { continue }
                let count = Int(row[2].integer ?? 0)
                figures.noticesByMonth[Int(month), default: [:]][category, default: 0] += count
                figures.noticesPublished += count
            }
            return figures
        }
    }

    /// Each unit's share of the year, and when a device of it last finished a sync here. The
    /// request counts are taken from `year`'s figures, which count them in table 3's pass.
    public func unitFigures(_ year: ReportFigures) throws(ReplicaError) -> [UnitFigures] {
        let start = "\(year.year)-01-01"
        let end = "\(year.year)-12-31"
        let units = try UnitStore(database).all()
        return try database.withConnection { connection in
            var shares = Dictionary(uniqueKeysWithValues: units.map { ($0.code, UnitFigures(unit: $0)) })
            func add(_ sql: String, _ update: (inout UnitFigures, Int) -> Void) throws {
                for row in try connection.rows(sql, [.text(start), .text(end)]) {
                    guard let unit = row[0].text, shares[unit] != nil else { continue }
                    update(&shares[unit]!, Int(row[1].integer ?? 0))
                }
            }
            try add("SELECT unit, count(*) FROM notices WHERE deleted = 0 AND published_on BETWEEN ?1 AND ?2 GROUP BY unit") { $0.notices = $1 }
            try add("SELECT unit, count(*) FROM cases WHERE deleted = 0 AND filed_on BETWEEN ?1 AND ?2 GROUP BY unit") { $0.cases = $1 }
            for (code, received) in year.requestsReceivedByUnit where shares[code] != nil { shares[code]!.requestsReceived = received }
            for (code, concluded) in year.requestsConcludedByUnit where shares[code] != nil { shares[code]!.requestsConcluded = concluded }
            for row in try connection.rows("SELECT unit, max(synced_at) FROM sites WHERE synced_at IS NOT NULL GROUP BY unit") {
                guard let unit = row[0].text, shares[unit] != nil else { continue }
                shares[unit]!.lastSync = row[1].integer
            }
            return units.compactMap { shares[$0.code] }
        }
    }
}

/// The pass over the requests. It keeps only the rows one of its sums counts (the WHERE is the
/// disjunction of their conditions, so no count changes): a township's earlier years are passed
/// over in the scan. Each row gives its group and its 0/1 flags; `reportFigures` sums them.
enum RequestQueries {
    static let table3 = """
        SELECT unit, applicant_type, outcome,
               received_on BETWEEN ?1 AND ?2,
               received_on < ?1 AND (concluded_on IS NULL OR concluded_on >= ?1),
               concluded_on BETWEEN ?1 AND ?2,
               received_on <= ?2 AND (concluded_on IS NULL OR concluded_on > ?2),
               CASE WHEN concluded_on BETWEEN ?1 AND ?2 THEN coalesce(fee_yuan, 0) ELSE 0 END
        FROM requests
        WHERE deleted = 0
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
    var feesFen: Int64 = 0

    mutating func add(received: Int64, carriedIn: Int64, concluded: Int64, carriedOut: Int64, feesFen: Int64) {
        self.received += received
        self.carriedIn += carriedIn
        self.concluded += concluded
        self.carriedOut += carriedOut
        self.feesFen += feesFen
    }
}
