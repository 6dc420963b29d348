import Records

/// Builds the annual report of a year from a replica: tables by the counting rules, written
/// sections with their figures filled in, and the appendix.
public enum ReportBuilder {
    public struct Built: Sendable {
        public let report: AnnualReport
        /// Sections left to their default text (not yet written with `narrative set`).
        public let unwrittenSections: [NarrativeSection]
        /// Placeholders in the written text that are not known.
        public let unknownPlaceholders: [String]
        /// What the tables were computed from.
        public let figures: ReportFigures
    }

    /// `amountDecimals`: decimals of 万元 printed in table 2 (0...6; 6, the default, is exact).
    public static func build(_ source: any ReportSource, year: Int, version: FormatVersion? = nil,
                             amountDecimals: Int = Yuan.wanYuanDecimals) throws -> Built {
        let unit = try source.reportingUnit()
        let figures = try source.reportFigures(year: year)
        if let beyond = ReportAmount.allCases.first(where: { figures.total($0) > Int128(Yuan.maximumFen) }) {
            throw AmountBeyondReport(year: year, amount: beyond, fen: figures.total(beyond))
        }
        let version = version ?? FormatVersion.forYear(year)
        let table3 = Table3Layout.build(figures, version: version)
        let headline = Headline(noticesPublished: figures.noticesPublished,
                                requestsReceived: table3.row("new_received")!.values.last!,
                                requestsConcluded: table3.row("results_total")!.values.last!)
        let requestFees = figures.yuan(.requestFees)
        let values = Narrative.values((year, headline, table3.row("carried_over_out")!.values.last!, requestFees))
        var sections: [NarrativeSection: String] = [:]
        var unwritten: [NarrativeSection] = []
        var unknown: [String] = []
        for section in NarrativeSection.allCases {
            let text: String
            if let written = try source.narrativeText(id: section.recordID(unit: unit.code, year: year)) {
                text = written
            } else {
                text = Narrative.defaultText(section, requestFees: requestFees)
                if section != .otherMatters { unwritten.append(section) }
            }
            let filled = Narrative.fill(text, values)
            sections[section] = filled.text.trimmingSpaces()
            unknown += filled.unknown
        }
        let units = try source.unitFigures(figures).map {
            Appendix.UnitShare(code: $0.unit.code, name: $0.unit.name, notices: $0.notices, requestsReceived: $0.requestsReceived,
                               requestsConcluded: $0.requestsConcluded, cases: $0.cases, lastSync: $0.lastSync)
        }
        let months = (1...12).map { figures.noticesByMonth[$0] ?? [:] }
        let report = AnnualReport(year: year, formatVersion: version, unitCode: unit.code, unitName: unit.name,
                                  headline: headline, table2: Table2Layout.build(figures, version: version, amountDecimals: amountDecimals),
                                  table3: table3,
                                  table4: Table4Layout.build(figures), sections: sections,
                                  appendix: Appendix(units: units, noticesByMonth: months))
        return Built(report: report, unwrittenSections: unwritten, unknownPlaceholders: unknown, figures: figures)
    }
}

/// A year whose amounts sum beyond what a report can print (records taken by an earlier release,
/// before amounts were held to a plausible maximum): no report is made of it, and `report check`
/// names the units and records.
public struct AmountBeyondReport: Error, Sendable, CustomStringConvertible {
    public let year: Int
    public let amount: ReportAmount
    public let fen: Int128

    public var description: String {
        "\(year) 年的\(amount.label)合计 \(Yuan.text(fen: fen)) 元, 远超合理范围, 无法生成报告 (多半是某些记录的金额单位或小数点有误); "
            + "请运行 gongkai report check --year \(year) 查看是哪个单位的哪些记录, 改正后再生成"
    }
}
