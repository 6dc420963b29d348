import Foundation
import Records

/// The outcome of one check of `gongkai report check`.
public struct CheckResult: Sendable, Equatable {
    public enum Severity: String, Sendable { case error, warning }

    public struct RecordRef: Sendable, Equatable {
        public let kind: RecordKind
        public let id: String
        public let unit: String
        public let problem: String
    }

    public let id: String
    public let severity: Severity
    public let ok: Bool
    public let detail: String
    /// The records to look at.
    public let records: [RecordRef]

    init(_ id: String, _ severity: Severity, ok: Bool, _ detail: String, records: [RecordRef] = []) {
        self.id = id
        self.severity = severity
        self.ok = ok
        self.detail = detail
        self.records = records
    }

    public var failsAsError: Bool { !ok && severity == .error }
}

/// The identities of spec/annual-report.md and the data checks, run before anyone publishes.
public enum ReportChecks {
    public static func run(_ built: ReportBuilder.Built, source: any ReportSource) throws -> [CheckResult] {
        let report = built.report
        var results = tableIdentities(report)
        results.append(try carryOver(report, source: source))
        if report.formatVersion == .v2021 { results.append(try stock(report, source: source)) }
        let regulations = report.table2.row("regulations")?.cells ?? []
        results.append(CheckResult("T2-TOWN", .error, ok: regulations.allSatisfy { $0 == .count(0) },
                                   regulations.allSatisfy { $0 == .count(0) } ? "规章一行全为 0"
                                       : "乡镇和村不能制定规章, 但规章一行不为 0; 请检查文件类别 (规章/规范性文件) 是否填错",
                                   records: try documentsOfKind(.regulation, year: report.year, source: source)))
        let negative = report.table2.groups.flatMap { group in
            group.rows.flatMap { row in zip(group.columns, row.cells).filter { $0.1.isNegativeWhereNotAllowed }.map { "\(row.label.text)·\($0.0.text)" } }
        }
        results.append(CheckResult("NONNEG", .error, ok: negative.isEmpty,
                                   negative.isEmpty ? "除“本年增/减”外各格均不小于 0" : "出现负数: \(negative.joined(separator: ", "))"))
        results.append(try amounts(built.figures, source: source))
        let problems = try source.dataProblems(year: report.year).map(ref)
        results.append(CheckResult("DATA-OPEN", .error, ok: problems.isEmpty,
                                   problems.isEmpty ? "没有缺结果、缺日期或日期颠倒的记录" : "\(problems.count) 条记录的数据有误, 会使表格不准确",
                                   records: problems))
        results.append(try syncState(report, source: source))
        if try source.servesDevices() { results.append(try refusedPushes(report, source: source)) }
        if let published = try published(report, source: source) { results.append(published) }
        results.append(narrative(built))
        return results
    }

    // MARK: - Identities of the tables

    static func tableIdentities(_ report: AnnualReport) -> [CheckResult] {
        let table3 = report.table3
        let columns = Table3.columns.map(\.text)
        let badTotals = table3.rows.filter { $0.values.prefix(6).reduce(0, +) != $0.values[6] }.map(\.label.text)
        var results = [CheckResult("T3-TOTAL", .error, ok: badTotals.isEmpty,
                                   badTotals.isEmpty ? "每一行的总计等于六类申请人之和"
                                       : "总计不等于六类申请人之和 (有申请人类型缺失的申请): \(badTotals.joined(separator: ", "))")]
        let leaves = table3.rows.filter { $0.headings.first == Table3Layout.results && $0.label.key != "results_total" }
        let total = table3.row("results_total")!.values
        let leafSums: [Int] = (0..<7).map { column in leaves.reduce(0) { (sum: Int, row: Table3.Row) in sum + row.values[column] } }
        let badResults = (0..<7).filter { leafSums[$0] != total[$0] }.map { columns[$0] }
        results.append(CheckResult("T3-RESULTS", .error, ok: badResults.isEmpty,
                                   badResults.isEmpty ? "（七）总计等于各项办理结果之和"
                                       : "本年办结的申请中有没有办理结果的 (列: \(badResults.joined(separator: ", "))); 见 DATA-OPEN 列出的记录"))
        let new: [Int] = table3.row("new_received")!.values
        let carriedIn: [Int] = table3.row("carried_over_in")!.values
        let carriedOut: [Int] = table3.row("carried_over_out")!.values
        var unbalanced: [String] = []
        for column in 0..<7 {
            let before: Int = new[column] + carriedIn[column]
            let after: Int = total[column] + carriedOut[column]
            if before != after { unbalanced.append(columns[column]) }
        }
        results.append(CheckResult("T3-BALANCE", .error, ok: unbalanced.isEmpty,
                                   unbalanced.isEmpty ? "第一项加第二项之和等于第三项加第四项之和"
                                       : "第一项加第二项之和不等于第三项加第四项之和 (列: \(unbalanced.joined(separator: ", "))); 常见原因是办结日期早于收到日期"))
        let badGroups = report.table4.groups.filter { $0.values.prefix(4).reduce(0, +) != $0.values[4] }.map(\.group.label)
        results.append(CheckResult("T4-GROUP", .error, ok: badGroups.isEmpty,
                                   badGroups.isEmpty ? "表四每组的总计等于四项之和" : "总计不等于四项之和: \(badGroups.joined(separator: ", "))"))
        return results
    }

    // MARK: - Across years

    /// Last year's 结转下年度 against this year's 上年结转: from last year's published report when
    /// there is one, else from this data.
    static func carryOver(_ report: AnnualReport, source: any ReportSource) throws -> CheckResult {
        let carriedIn = report.table3.row("carried_over_in")!.values
        let previous: [Int]
        let origin: String
        if let published = try PublishedReport.load(year: report.year - 1, source: source), let out = published.table3Row("carried_over_out") {
            previous = out
            origin = "\(report.year - 1) 年已发布的报告"
        } else {
            previous = Table3Layout.build(try source.reportFigures(year: report.year - 1), version: report.formatVersion).row("carried_over_out")!.values
            origin = "本数据中的 \(report.year - 1) 年"
        }
        let ok = previous == carriedIn
        return CheckResult("X-CARRY", .error, ok: ok,
                           ok ? "上年结转与\(origin)的结转下年度一致 (\(carriedIn.last!) 件)"
                              : "上年结转 \(carriedIn) 与\(origin)的结转下年度 \(previous) 不一致; 可能是上年的申请在发布后又被修改")
    }

    /// 2021: 现行有效件数 = last year's + 本年制发 − 本年废止.
    static func stock(_ report: AnnualReport, source: any ReportSource) throws -> CheckResult {
        let published = try PublishedReport.load(year: report.year - 1, source: source)
        let lastYear = Table2Layout.build(try source.reportFigures(year: report.year - 1), version: .v2021)
        var wrong: [String] = []
        for key in ["regulations", "normative_documents"] {
            guard let row = report.table2.row(key) else { continue }
            let previous = published?.table2Cell(key, "in_force") ?? (lastYear.row(key)?.cells[2]).flatMap(count) ?? 0
            let (issued, repealed, inForce) = (count(row.cells[0]) ?? 0, count(row.cells[1]) ?? 0, count(row.cells[2]) ?? 0)
            if inForce != previous + issued - repealed {
                wrong.append("\(row.label.text): \(previous) + \(issued) − \(repealed) ≠ \(inForce)")
            }
        }
        return CheckResult("X-STOCK", .warning, ok: wrong.isEmpty,
                           wrong.isEmpty ? "现行有效件数 = 上年现行有效 + 本年制发 − 本年废止" : wrong.joined(separator: "; "))
    }

    // MARK: - Data

    /// The year's amounts: each total within what a report of a county may plausibly hold, and no
    /// record beyond what one record may. A failure names the units with the largest shares and
    /// the records beyond their limit. Also what `report check` says of a year whose totals are
    /// too large for a report to be made at all (`AmountBeyondReport`).
    public static func amounts(_ figures: ReportFigures, source: any ReportSource) throws -> CheckResult {
        let records = try source.implausibleAmounts(year: figures.year).map(ref)
        var details: [String] = []
        for amount in ReportAmount.allCases where figures.total(amount) > Int128(Yuan.plausibleReportTotal.fen) {
            let shares = figures.amountsByUnit[amount, default: [:]].sorted { ($0.value, $1.key) > ($1.value, $0.key) }.prefix(3)
            details.append("\(amount.label)合计 \(Yuan.text(fen: figures.total(amount))) 元, 超过合理范围 \(Yuan.plausibleReportTotal.chineseDescription) (最多的单位: "
                           + shares.map { "\($0.key) \(Yuan.text(fen: $0.value)) 元" }.joined(separator: ", ") + ")")
        }
        if !records.isEmpty {
            let units = Set(records.map(\.unit)).sorted()
            details.append("\(records.count) 条记录的金额超过一条记录的合理上限 (单位: \(units.joined(separator: ", ")))")
        }
        guard !details.isEmpty else { return CheckResult("DATA-AMOUNT", .error, ok: true, "各项金额合计都在合理范围内, 没有金额超过合理上限的记录") }
        return CheckResult("DATA-AMOUNT", .error, ok: false,
                           details.joined(separator: "; ") + "; 请检查这些记录的金额单位是否为元、小数点是否错位 (gongkai fee edit … --amount-yuan …)",
                           records: records)
    }

    static func syncState(_ report: AnnualReport, source: any ReportSource) throws -> CheckResult {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(secondsFromGMT: 8 * 3600)!
        let yearEnd = Int64(calendar.date(from: DateComponents(year: report.year + 1, month: 1, day: 1))!.timeIntervalSince1970)
        let villages = report.appendix.units.filter { $0.code != report.unitCode }
        let conflicts = try source.conflictedRecords(year: report.year).map(ref)
        var details: [String] = []
        var ok = conflicts.isEmpty
        if !conflicts.isEmpty { details.append("\(conflicts.count) 条本年度记录有未解决的冲突, 或与另一条记录用了同一编号 (gongkai conflicts)") }
        if !villages.isEmpty {
            if try source.servesDevices() {
                let stale = villages.filter { ($0.lastSync ?? 0) < yearEnd }
                if !stale.isEmpty {
                    ok = false
                    details.append("以下村自 \(report.year)-12-31 之后还没有同步成功, 数据可能不全: "
                                   + stale.map { "\($0.name) (\($0.code))" }.joined(separator: ", "))
                }
            } else {
                details.append("这不是乡镇服务器的数据库, 无法判断各村的同步时间")
            }
        }
        if details.isEmpty { details.append("各村都已在年末之后同步; 本年度记录没有未解决的冲突") }
        return CheckResult("DATA-SYNC", .warning, ok: ok, details.joined(separator: "; "), records: conflicts)
    }

    /// Villages whose laptops hold records this server refused: the report lacks them.
    static func refusedPushes(_ report: AnnualReport, source: any ReportSource) throws -> CheckResult {
        let names = Dictionary(report.appendix.units.map { ($0.code, $0.name) }, uniquingKeysWith: { first, _ in first })
        let refused = try source.refusedPushes().filter { report.appendix.units.isEmpty || names[$0.unit] != nil || $0.unit == report.unitCode }
        guard !refused.isEmpty else { return CheckResult("DATA-REFUSED", .warning, ok: true, "没有被服务器拒收而未处理的记录") }
        let villages = refused.map { "\(names[$0.unit] ?? $0.unit) (\($0.unit)) \($0.records.count) 条" }
        return CheckResult("DATA-REFUSED", .warning, ok: false,
                           "以下村有记录未进入服务器 (被拒收, 或暂存待合并), 不在报告中: " + villages.joined(separator: ", ")
                               + "; 请该村按 gongkai status 的提示处理后再同步 (暂存待合并的, 该村其他电脑同步后自动进入)",
                           records: refused.flatMap(\.records).map(ref))
    }

    /// Differences between the report as it stands and as it was published.
    static func published(_ report: AnnualReport, source: any ReportSource) throws -> CheckResult? {
        guard let published = try PublishedReport.load(year: report.year, source: source) else { return nil }
        let differences = published.differences(from: report)
        return CheckResult("PUBLISHED", .warning, ok: differences.isEmpty,
                           differences.isEmpty ? "与 \(ChinaTime.day(published.publishedAt)) 发布的报告一致"
                               : "与 \(ChinaTime.day(published.publishedAt)) 发布的报告有 \(differences.count) 处不同 (发布后数据有变化): "
                                   + differences.prefix(12).joined(separator: "; ") + (differences.count > 12 ? "; 另有 \(differences.count - 12) 处" : ""))
    }

    static func narrative(_ built: ReportBuilder.Built) -> CheckResult {
        var details: [String] = []
        if !built.unwrittenSections.isEmpty {
            details.append("尚未填写: " + built.unwrittenSections.map(\.heading).joined(separator: ", ")
                           + " (gongkai narrative set --year \(built.report.year) --section 一|五 --file 文件)")
        }
        if !built.unknownPlaceholders.isEmpty {
            details.append("不认识的占位符: " + built.unknownPlaceholders.map { "{{\($0)}}" }.joined(separator: ", "))
        }
        return CheckResult("NARRATIVE", .warning, ok: details.isEmpty, details.isEmpty ? "文字部分已填写" : details.joined(separator: "; "))
    }

    private static func documentsOfKind(_ kind: DocumentKind, year: Int, source: any ReportSource) throws -> [CheckResult.RecordRef] {
        try source.documents(ofKind: kind, madeBy: year).map { CheckResult.RecordRef(kind: .documents, id: $0.id, unit: $0.unit, problem: "文件类别为规章") }
    }

    private static func ref(_ problem: DataProblem) -> CheckResult.RecordRef {
        CheckResult.RecordRef(kind: problem.kind, id: problem.id, unit: problem.unit, problem: problem.problem)
    }

    private static func count(_ cell: Cell) -> Int? {
        if case .count(let value) = cell { return value }
        return nil
    }
}

