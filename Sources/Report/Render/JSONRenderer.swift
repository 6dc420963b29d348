import Records

/// The report as the JSON of spec/annual-report.md: the spec's keys, in its order, plus the
/// appendix. Deterministic: the same data gives the same bytes.
public enum JSONRenderer {
    public static let schema = "gongkai.annual-report/1"

    public static func render(_ report: AnnualReport, checks: [CheckResult]) -> String {
        value(report, checks: checks).rendered() + "\n"
    }

    public static func value(_ report: AnnualReport, checks: [CheckResult]) -> JSONValue {
        .object([
            ("schema", .string(schema)),
            ("year", .integer(report.year)),
            ("format_version", .string(report.formatVersion.rawValue)),
            ("unit", .object([("code", .string(report.unitCode)), ("name", .string(report.unitName))])),
            ("headline", .object([
                ("notices_published", .integer(report.headline.noticesPublished)),
                ("requests_received", .integer(report.headline.requestsReceived)),
                ("requests_concluded", .integer(report.headline.requestsConcluded)),
            ])),
            ("table2", table2(report.table2)),
            ("table3", table3(report.table3)),
            ("table4", table4(report.table4)),
            ("checks", .array(checks.map(check))),
            ("sections", .object(NarrativeSection.allCases.map { ($0.label, .string(report.sections[$0] ?? "")) })),
            ("appendix", appendix(report.appendix)),
        ])
    }

    static func table2(_ table: Table2) -> JSONValue {
        .object(table.groups.flatMap { group in
            group.rows.map { row in
                (row.label.key, JSONValue.object(zip(group.columns, row.cells).map { ($0.key, $1.json) }))
            }
        })
    }

    static func table3(_ table: Table3) -> JSONValue {
        .object([
            ("columns", .array(Table3.columns.map { .string($0.key) })),
            ("rows", .object(table.rows.map { ($0.label.key, .array($0.values.map { .integer($0) })) })),
        ])
    }

    static func table4(_ table: Table4) -> JSONValue {
        .object(table.groups.map { group in
            (group.group.rawValue, .object(zip(Table4.cells, group.values).map { ($0.key, .integer($1)) }))
        })
    }

    public static func check(_ check: CheckResult) -> JSONValue {
        .object([
            ("id", .string(check.id)), ("severity", .string(check.severity.rawValue)), ("ok", .bool(check.ok)),
            ("detail", .string(check.detail)),
            ("records", .array(check.records.map {
                .object([("kind", .string($0.kind.rawValue)), ("id", .string($0.id)), ("unit", .string($0.unit)), ("problem", .string($0.problem))])
            })),
        ])
    }

    static func appendix(_ appendix: Appendix) -> JSONValue {
        .object([
            ("units", .array(appendix.units.map { unit in
                .object([("code", .string(unit.code)), ("name", .string(unit.name)), ("notices", .integer(unit.notices)),
                         ("requests_received", .integer(unit.requestsReceived)), ("requests_concluded", .integer(unit.requestsConcluded)),
                         ("cases", .integer(unit.cases)), ("last_sync", unit.lastSync.map { .string(ChinaTime.day($0)) } ?? .null)])
            })),
            ("notices_by_month", .array(appendix.noticesByMonth.map { month in
                .object(NoticeCategory.allCases.compactMap { category in month[category].map { (category.rawValue, .integer($0)) } })
            })),
        ])
    }
}
