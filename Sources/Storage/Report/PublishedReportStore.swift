import Records

/// Every published version of each year's report: its JSON, its model, and why it superseded
/// the one before.
public struct PublishedReportStore: Sendable {
    let database: Database

    init(_ database: Database) {
        self.database = database
    }

    /// Stores the report of a year as published: its JSON and its model, as a new version.
    /// A year already published is refused unless superseded with a reason; the
    /// earlier versions are kept.
    public func publishReport(year: Int, formatVersion: String, json: String, model: String, supersedingBecause reason: String?,
                              now: Int64) throws(ReplicaError) -> PublishedVersion {
        try database.withConnection { connection in
            try connection.transaction {
                let latest = try PublishedReportStore.publishedVersions(connection, year: year).last
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
        try database.withConnection { connection in
            guard let row = try connection.rows("SELECT format_version, published_at, report FROM published_reports WHERE year = ?",
                                                [.integer(Int64(year))]).first else { return nil }
            return (try row.text("format_version"), try row.integer("published_at"), try row.text("report"))
        }
    }

    /// Every published version of a year's report, oldest first.
    public func publishedVersions(year: Int) throws(ReplicaError) -> [PublishedVersion] {
        try database.withConnection { connection in try PublishedReportStore.publishedVersions(connection, year: year) }
    }

    /// One published version's JSON and model (nil for a version published before models were kept).
    public func publishedContent(year: Int, version: Int) throws(ReplicaError) -> (json: String, model: String?)? {
        try database.withConnection { connection in
            guard let row = try connection.rows("SELECT report, model FROM published_report_versions WHERE year = ? AND version = ?",
                                                [.integer(Int64(year)), .integer(Int64(version))]).first else { return nil }
            return (try row.text("report"), try row.optionalText("model"))
        }
    }

    static func publishedVersions(_ connection: Connection, year: Int) throws -> [PublishedVersion] {
        try connection.rows("SELECT version, format_version, published_at, reason FROM published_report_versions WHERE year = ? ORDER BY version",
                            [.integer(Int64(year))]).map {
            PublishedVersion(year: year, version: try $0.int("version"), formatVersion: try $0.text("format_version"),
                             publishedAt: try $0.integer("published_at"), reason: try $0.optionalText("reason"))
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

