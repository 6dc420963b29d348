import RecordRules
import Records
import Report

extension ReportFigureStore {
    /// Records that break the rules between fields and bear on `year`'s report: requests
    /// concluded without an outcome or with one but no date, dates out of order.
    public func dataProblems(year: Int) throws(ReplicaError) -> [DataProblem] {
        let start = "\(year)-01-01"
        let end = "\(year)-12-31"
        let checks: [(RecordKind, String, String)] = [
            (.requests, "concluded_on IS NOT NULL AND outcome IS NULL", "已办结却没有办理结果"),
            (.requests, "outcome IS NOT NULL AND concluded_on IS NULL", "有办理结果却没有办结日期"),
            (.requests, "concluded_on < received_on", "办结日期早于收到日期"),
            (.cases, "concluded_on IS NOT NULL AND result IS NULL", "已审结却没有结果"),
            (.cases, "result IS NOT NULL AND concluded_on IS NULL", "有结果却没有审结日期"),
            (.cases, "concluded_on < filed_on", "审结日期早于立案日期"),
            (.documents, "published_on < made_on", "公开日期早于制作日期"),
            (.documents, "repealed_on < made_on", "废止日期早于制作日期"),
            (.matters, "abolished_on < established_on", "取消日期早于设立日期"),
        ]
        // Which records bear on the year: those that any row of its tables counts.
        let relevant: [RecordKind: String] = [
            .requests: "(received_on <= ?2 AND (concluded_on IS NULL OR concluded_on >= ?1)) OR concluded_on BETWEEN ?1 AND ?2",
            .cases: "filed_on BETWEEN ?1 AND ?2 OR concluded_on BETWEEN ?1 AND ?2",
            .documents: "made_on <= ?2",
            .matters: "established_on <= ?2",
        ]
        return try database.withConnection { connection in
            var problems: [DataProblem] = []
            for (kind, condition, message) in checks {
                let sql = """
                    SELECT id, unit FROM \(kind.rawValue) WHERE deleted = 0 AND (\(condition)) AND (\(relevant[kind]!)) AND \(ReportFigureStore.inScope)
                    ORDER BY id
                    """
                for row in try connection.rows(sql, arguments([.text(start), .text(end)])) {
                    problems.append(DataProblem(kind: kind, id: try row.text("id"), unit: try row.text("unit"), problem: message))
                }
            }
            return problems
        }
    }

    /// Records bearing on `year`'s amounts whose amount is beyond what one record may plausibly be.
    public func implausibleAmounts(year: Int) throws(ReplicaError) -> [DataProblem] {
        try database.withConnection { connection in
            var problems: [DataProblem] = []
            for amount in ReportAmount.allCases {
                let sql = """
                    SELECT id, unit, \(amount.field) AS fen FROM \(amount.kind.rawValue)
                    WHERE deleted = 0 AND \(amount.field) > ?3 AND \(amount.date) BETWEEN ?1 AND ?2 AND \(ReportFigureStore.inScope) ORDER BY id
                    """
                for row in try connection.rows(sql, arguments([.text("\(year)-01-01"), .text("\(year)-12-31"), .integer(amount.maximum.fen)])) {
                    problems.append(DataProblem(kind: amount.kind, id: try row.text("id"), unit: try row.text("unit"),
                                                problem: amount.problem(Yuan.text(fen: Int128(try row.integer("fen"))))))
                }
            }
            return problems
        }
    }

    /// Records of `year` (by the date that places each kind in a year) with open conflicts.
    public func conflictedRecords(year: Int) throws(ReplicaError) -> [DataProblem] {
        let dates: [RecordKind: String] = [
            .notices: "published_on", .documents: "made_on", .matters: "established_on", .decisions: "decided_on",
            .fees: "collected_on", .procurement: "contracted_on", .requests: "received_on", .cases: "filed_on",
        ]
        return try database.withConnection { connection in
            var records: [DataProblem] = []
            for kind in RecordKind.importable {
                let sql = """
                    SELECT id, unit, conflicts FROM \(kind.rawValue)
                    WHERE (conflicts > 0 OR (id LIKE '%~%' AND deleted = 0)) AND \(dates[kind]!) BETWEEN ?1 AND ?2 AND \(ReportFigureStore.inScope)
                    ORDER BY id
                    """
                for row in try connection.rows(sql, arguments([.text("\(year)-01-01"), .text("\(year)-12-31")])) {
                    let id = try row.text("id")
                    guard let problem = NumberClash.problem(kind: kind, id: id, conflicts: Int(try row.integer("conflicts"))) else { continue }
                    records.append(DataProblem(kind: kind, id: id, unit: try row.text("unit"), problem: problem))
                }
            }
            return records
        }
    }
}
