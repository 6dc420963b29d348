import Records

/// Table 2 of each format, filled from the year's figures by the counting rules.
enum Table2Layout {
    /// `amountDecimals`: the decimals of 万元 printed (6, every fen, unless an office prints fewer).
    static func build(_ figures: ReportFigures, version: FormatVersion, amountDecimals: Int = Yuan.wanYuanDecimals) -> Table2 {
        let documents = figures.documents
        func document(_ kind: DocumentKind) -> ReportFigures.DocumentCounts { documents[kind] ?? .init() }
        func lastYear(_ kind: MatterKind) -> Int { figures.mattersInForceLastYear[kind] ?? 0 }
        func change(_ kind: MatterKind) -> Int { (figures.mattersInForce[kind] ?? 0) - lastYear(kind) }
        func decisions(_ kind: MatterKind) -> Int { figures.decisions[kind] ?? 0 }
        switch version {
        case .v2019:
            let itemColumns = [Label("items_last_year", "上一年项目数量"), Label("change", "本年增/减"), Label("decisions", "处理决定数量")]
            func items(_ kind: MatterKind, _ key: String) -> Table2.Row {
                Table2.Row(label: Label(key, kind.label), cells: [.count(lastYear(kind)), .change(change(kind)), .count(decisions(kind))])
            }
            return Table2(groups: [
                Table2.Group(label: "第二十条第（一）项",
                             columns: [Label("made", "本年新制作数量"), Label("published", "本年新公开数量"), Label("total_published", "对外公开总数量")],
                             rows: [(DocumentKind.regulation, "regulations", "规章"), (.normative, "normative_documents", "规范性文件")].map { kind, key, label in
                                 let counts = document(kind)
                                 return Table2.Row(label: Label(key, label), cells: [.count(counts.made), .count(counts.published), .count(counts.publishedToDate)])
                             }),
                Table2.Group(label: "第二十条第（五）项", columns: itemColumns,
                             rows: [items(.licensing, "licensing"), items(.otherServices, "other_services")]),
                Table2.Group(label: "第二十条第（六）项", columns: itemColumns,
                             rows: [items(.penalty, "penalty"), items(.coercion, "coercion")]),
                Table2.Group(label: "第二十条第（八）项", columns: Array(itemColumns.prefix(2)),
                             rows: [Table2.Row(label: Label("fees", MatterKind.fees.label), cells: [.count(lastYear(.fees)), .change(change(.fees))])]),
                Table2.Group(label: "第二十条第（九）项", columns: [Label("projects", "采购项目数量"), Label("amount_yuan", "采购总金额")],
                             rows: [Table2.Row(label: Label("procurement", "政府集中采购"),
                                               cells: [.count(figures.procurementCount), .yuan(figures.yuan(.procurement))])]),
            ])
        case .v2021:
            let decisionColumn = [Label("decisions", "本年处理决定数量")]
            return Table2(groups: [
                Table2.Group(label: "第二十条第（一）项",
                             columns: [Label("issued", "本年制发件数"), Label("repealed", "本年废止件数"), Label("in_force", "现行有效件数")],
                             rows: [(DocumentKind.regulation, "regulations", "规章"), (.normative, "normative_documents", "行政规范性文件")].map { kind, key, label in
                                 let counts = document(kind)
                                 return Table2.Row(label: Label(key, label), cells: [.count(counts.made), .count(counts.repealed), .count(counts.inForce)])
                             }),
                Table2.Group(label: "第二十条第（五）项", columns: decisionColumn,
                             rows: [Table2.Row(label: Label("licensing", MatterKind.licensing.label), cells: [.count(decisions(.licensing))])]),
                Table2.Group(label: "第二十条第（六）项", columns: decisionColumn,
                             rows: [Table2.Row(label: Label("penalty", MatterKind.penalty.label), cells: [.count(decisions(.penalty))]),
                                    Table2.Row(label: Label("coercion", MatterKind.coercion.label), cells: [.count(decisions(.coercion))])]),
                Table2.Group(label: "第二十条第（八）项", columns: [Label("amount_wan_yuan", "本年收费金额（单位：万元）")],
                             rows: [Table2.Row(label: Label("fees", MatterKind.fees.label), cells: [.wanYuan(figures.yuan(.fees).roundedToWanYuan(decimals: amountDecimals))])]),
            ])
        }
    }
}

/// Table 3 of each format: its rows in order, with the headings they sit under.
enum Table3Layout {
    static let results = "三、本年度办理结果"

    /// The rows of a format: (key, label, headings, outcomes counted in the row).
    static func rows(_ version: FormatVersion) -> [(key: String, label: String, headings: [String], outcomes: [RequestOutcome])] {
        func leaves(_ group: OutcomeGroup) -> [(String, String, [String], [RequestOutcome])] {
            RequestOutcome.allCases.filter { $0.group == group && $0 != .otherProcessing }.map {
                ($0.rawValue, $0.label, [results, group.label], [$0])
            }
        }
        var rows: [(String, String, [String], [RequestOutcome])] = [
            (RequestOutcome.granted.rawValue, RequestOutcome.granted.label, [results], [.granted]),
            (RequestOutcome.partiallyGranted.rawValue, RequestOutcome.partiallyGranted.label, [results], [.partiallyGranted]),
        ]
        rows += leaves(.withheld) + leaves(.unavailable) + leaves(.notProcessed)
        switch version {
        case .v2019:
            rows.append(("other_processing", OutcomeGroup.other.label, [results],
                         [.otherNoCorrection, .otherFeeUnpaid, .otherOther, .otherProcessing]))
        case .v2021:
            rows += RequestOutcome.allCases.filter { $0.group == .other && $0 != .otherProcessing }.map { outcome in
                // The 2019 format's single row folds into 3.其他.
                (outcome.rawValue, outcome.label, [results, OutcomeGroup.other.label], outcome == .otherOther ? [.otherOther, .otherProcessing] : [outcome])
            }
        }
        return rows.map { (key: $0.0, label: $0.1, headings: $0.2, outcomes: $0.3) }
    }

    static func build(_ figures: ReportFigures, version: FormatVersion) -> Table3 {
        func values(_ counts: ReportFigures.ByApplicant) -> [Int] {
            ApplicantType.allCases.map { counts[$0] ?? 0 } + [counts.values.reduce(0, +)]
        }
        func sum(_ outcomes: [RequestOutcome?]) -> ReportFigures.ByApplicant {
            var total: ReportFigures.ByApplicant = [:]
            for outcome in outcomes {
                for (applicant, count) in figures.concluded[outcome] ?? [:] { total[applicant, default: 0] += count }
            }
            return total
        }
        var rows = [
            Table3.Row(label: Label("new_received", "一、本年新收政府信息公开申请数量"), headings: [], values: values(figures.newReceived)),
            Table3.Row(label: Label("carried_over_in", "二、上年结转政府信息公开申请数量"), headings: [], values: values(figures.carriedOverIn)),
        ]
        for row in Table3Layout.rows(version) {
            rows.append(Table3.Row(label: Label(row.key, row.label), headings: row.headings, values: values(sum(row.outcomes))))
        }
        // Every request concluded in the year, whether or not its outcome is recorded: the
        // identities then show a request concluded without an outcome.
        rows.append(Table3.Row(label: Label("results_total", "（七）总计"), headings: [results], values: values(sum(Array(figures.concluded.keys)))))
        rows.append(Table3.Row(label: Label("carried_over_out", "四、结转下年度继续办理"), headings: [], values: values(figures.carriedOverOut)))
        return Table3(rows: rows)
    }
}

enum Table4Layout {
    static func build(_ figures: ReportFigures) -> Table4 {
        Table4(groups: CaseGroup.allCases.map { group in
            let counts = figures.cases[group] ?? [:]
            let maintained = counts[.maintained] ?? 0
            let corrected = counts[.corrected] ?? 0
            let other = counts[.otherResult] ?? 0
            let pending = counts[nil] ?? 0
            return Table4.Group(group: group, values: [maintained, corrected, other, pending, figures.casesFiled[group] ?? 0])
        })
    }
}
