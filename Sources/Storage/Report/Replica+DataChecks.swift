import Records

/// A record whose data makes a year's report wrong, and what is wrong with it.
public struct DataProblem: Sendable, Equatable {
    public let kind: RecordKind
    public let id: String
    public let unit: String
    public let problem: String
}

extension Replica {
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
        return try withConnection { connection in
            var problems: [DataProblem] = []
            for (kind, condition, message) in checks {
                let sql = "SELECT id, unit FROM \(kind.rawValue) WHERE deleted = 0 AND (\(condition)) AND (\(relevant[kind]!)) ORDER BY id"
                for row in try connection.rows(sql, [.text(start), .text(end)]) {
                    problems.append(DataProblem(kind: kind, id: row[0].text ?? "", unit: row[1].text ?? "", problem: message))
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
        return try withConnection { connection in
            var records: [DataProblem] = []
            for kind in RecordKind.importable {
                let sql = "SELECT id, unit, conflicts FROM \(kind.rawValue) WHERE conflicts > 0 AND \(dates[kind]!) BETWEEN ? AND ? ORDER BY id"
                for row in try connection.rows(sql, [.text("\(year)-01-01"), .text("\(year)-12-31")]) {
                    records.append(DataProblem(kind: kind, id: row[0].text ?? "", unit: row[1].text ?? "",
                                               problem: "有 \(row[2].integer ?? 0) 个字段存在未解决的冲突"))
                }
            }
            return records
        }
    }

    /// Whether this is a server's database (it has issued device tokens), so that the sync
    /// times it keeps for each village mean something.
    public func servesDevices() throws(ReplicaError) -> Bool {
        try withConnection { connection in (try connection.scalar("SELECT count(*) FROM device_tokens").integer ?? 0) > 0 }
    }

    /// Stores the report of a year as published: its JSON and its model, as a new version.
    /// A year already published is refused unless superseded with a reason; the
    /// earlier versions are kept.
    public func publishReport(year: Int, formatVersion: String, json: String, model: String, supersedingBecause reason: String?,
                              now: Int64) throws(ReplicaError) -> PublishedVersion {
        try withConnection { connection in
            try connection.transaction {
                let latest = try Replica.publishedVersions(connection, year: year).last
                if let latest, reason == nil { throw ReplicaError.alreadyPublished(year: year, at: latest.publishedAt) }
                let version = PublishedVersion(year: year, version: (latest?.version ?? 0) + 1, formatVersion: formatVersion,
                                               publishedAt: now, reason: latest == nil ? nil : reason)
                try connection.run("""
                    INSERT INTO published_report_versions (year, version, format_version, published_at, reason, report, model)
                    VALUES (?, ?, ?, ?, ?, ?, ?)
                    """, [.integer(Int64(year)), .integer(Int64(version.version)), .text(formatVersion), .integer(now),
                          version.reason.sqlite, .text(json), .text(model)])
                try connection.run("INSERT OR REPLACE INTO published_reports (year, format_version, published_at, report) VALUES (?, ?, ?, ?)",
                                   [.integer(Int64(year)), .text(formatVersion), .integer(now), .text(json)])
                return version
            }
        }
    }

    /// The report of a year as published, if it was: the current version's JSON.
    public func publishedReport(year: Int) throws(ReplicaError) -> (formatVersion: String, publishedAt: Int64, json: String)? {
        try withConnection { connection in
            guard let row = try connection.rows("SELECT format_version, published_at, report FROM published_reports WHERE year = ?",
                                                [.integer(Int64(year))]).first else { return nil }
            return (row[0].text ?? "", row[1].integer ?? 0, row[2].text ?? "")
        }
    }

    /// Every published version of a year's report, oldest first.
    public func publishedVersions(year: Int) throws(ReplicaError) -> [PublishedVersion] {
        try withConnection { connection in try Replica.publishedVersions(connection, year: year) }
    }

    /// One published version's JSON and model (nil for a version published before models were kept).
    public func publishedContent(year: Int, version: Int) throws(ReplicaError) -> (json: String, model: String?)? {
        try withConnection { connection in
            guard let row = try connection.rows("SELECT report, model FROM published_report_versions WHERE year = ? AND version = ?",
                                                [.integer(Int64(year)), .integer(Int64(version))]).first else { return nil }
            return (row[0].text ?? "", row[1].text)
        }
    }

    static func publishedVersions(_ connection: Connection, year: Int) throws -> [PublishedVersion] {
        try connection.rows("SELECT version, format_version, published_at, reason FROM published_report_versions WHERE year = ? ORDER BY version",
                            [.integer(Int64(year))]).map {
            PublishedVersion(year: year, version: Int($0[0].integer ?? 0), formatVersion: $0[1].text ?? "", publishedAt: $0[2].integer ?? 0,
                             reason: $0[3].text)
        }
    }
}

/// One publish of a year's report.
public struct PublishedVersion: Sendable, Equatable {
    public let year: Int
    public let version: Int
    public let formatVersion: String
    public let publishedAt: Int64
    /// Why it superseded the version before (nil for the first).
    public let reason: String?
}

/// Records a server refused from a unit's devices and that are still refused: the report
/// lacks them until the village renames or fixes them.
public struct RefusedPushes: Sendable, Equatable {
    public let unit: String
    public let records: [DataProblem]
}

extension Replica {
    /// On a server: by unit, the records its devices' last syncs had refused (empty elsewhere).
    public func refusedPushes() throws(ReplicaError) -> [RefusedPushes] {
        try withConnection { connection in
            let rows = try connection.rows("SELECT unit, kind, id, reason FROM push_refusals ORDER BY unit, kind, id")
            var byUnit: [(String, [DataProblem])] = []
            for row in rows {
                guard let kind = row[1].text.flatMap(RecordKind.init(rawValue:)) else { continue }
                let unit = row[0].text ?? ""
                let problem = DataProblem(kind: kind, id: row[2].text ?? "", unit: unit, problem: row[3].text ?? "")
                if byUnit.last?.0 == unit { byUnit[byUnit.count - 1].1.append(problem) } else { byUnit.append((unit, [problem])) }
            }
            return byUnit.map { RefusedPushes(unit: $0.0, records: $0.1) }
        }
    }
}
