import Records

/// The counts of one year that the annual report is computed from, read from the records by
/// the counting rules of spec/annual-report.md. Each figure is counted by its own query, so
/// that the report's identities (totals, balance) check the data rather than the arithmetic.
public struct ReportFigures: Sendable, Equatable {
    public struct DocumentCounts: Sendable, Equatable {
        public var made = 0
        public var published = 0
        public var publishedToDate = 0
        public var repealed = 0
        public var inForce = 0
        public init() {}
    }

    /// Requests by applicant type, one count per column of table 3. A request whose applicant
    /// type is missing or unknown is counted under nil: in the row's total, in no column.
    public typealias ByApplicant = [ApplicantType?: Int]

    public let year: Int
    public var documents: [DocumentKind: DocumentCounts] = [:]
    /// Catalogue items in force on 31 Dec of the previous year and of this year.
    public var mattersInForceLastYear: [MatterKind: Int] = [:]
    public var mattersInForce: [MatterKind: Int] = [:]
    /// The sum of `count` over decisions made in the year.
    public var decisions: [MatterKind: Int] = [:]
    public var procurementCount = 0
    /// The year's amounts in fen, by unit: exact however large (no one amount is over 2^63 fen,
    /// and a sum is kept in a type twice as wide), so that a sum too large is told, not a crash.
    public var amountsByUnit: [ReportAmount: [String: Int128]] = [:]

    public var newReceived: ByApplicant = [:]
    public var carriedOverIn: ByApplicant = [:]
    /// Concluded in the year, by outcome (nil: concluded without an outcome, a data error).
    public var concluded: [RequestOutcome?: ByApplicant] = [:]
    public var carriedOverOut: ByApplicant = [:]
    /// Requests received and concluded in the year, by unit code (from the same pass as table 3).
    public var requestsReceivedByUnit: [String: Int] = [:]
    public var requestsConcludedByUnit: [String: Int] = [:]

    /// Cases filed in the year, by group and result as of 31 Dec (nil: still pending). A case
    /// whose result is not a known one is counted only in `casesFiled`.
    public var cases: [CaseGroup: [CaseResult?: Int]] = [:]
    /// Cases filed in the year, by group, counted on their own.
    public var casesFiled: [CaseGroup: Int] = [:]

    public var noticesPublished = 0
    /// Notices published in the year, by month (1...12) and category.
    public var noticesByMonth: [Int: [NoticeCategory: Int]] = [:]

    public init(year: Int) { self.year = year }

    // Each store counts in its own SQL and hands the counts here, where they are put in their
    // places by one rule (the stores' rows carry the enumerations' raw values).

    /// One group of requests of a unit with the same applicant type and outcome: how many were
    /// received in the year, carried in, concluded in the year, carried out, and the fees of
    /// those concluded.
    public mutating func addRequests(unit: String, applicant: String?, outcome: String?, received: Int, carriedIn: Int, concluded: Int,
                                     carriedOut: Int, feesFen: Int128) {
        let applicant = applicant.flatMap(ApplicantType.init(rawValue:))
        let outcome = outcome.flatMap(RequestOutcome.init(rawValue:))
        requestsReceivedByUnit[unit, default: 0] += received
        requestsConcludedByUnit[unit, default: 0] += concluded
        newReceived[applicant, default: 0] += received
        carriedOverIn[applicant, default: 0] += carriedIn
        if concluded > 0 { self.concluded[outcome, default: [:]][applicant, default: 0] += concluded }
        carriedOverOut[applicant, default: 0] += carriedOut
        addAmount(.requestFees, unit: unit, fen: feesFen)
    }

    /// A unit's share of one of the year's amounts.
    public mutating func addAmount(_ amount: ReportAmount, unit: String, fen: Int128) {
        amountsByUnit[amount, default: [:]][unit, default: 0] += fen
    }

    /// One of the year's amounts over every unit, in fen, exact.
    public func total(_ amount: ReportAmount) -> Int128 {
        amountsByUnit[amount, default: [:]].values.reduce(0, +)
    }

    /// One of the year's amounts as the report prints it. `ReportBuilder` refuses a year whose
    /// totals are beyond what an amount holds; elsewhere (last year's figures for a check that
    /// reads only counts) one beyond is held at the largest.
    public func yuan(_ amount: ReportAmount) -> Yuan {
        Yuan(fen: Int64(clamping: min(total(amount), Int128(Yuan.maximumFen))))
    }


    /// Cases filed in the year of a group, by their result at the year's end (nil: pending). A
    /// group or result that is not a known one is left out where it cannot be placed.
    public mutating func addCases(group: String, resultByYearEnd: String?, count: Int) {
        guard let group = CaseGroup(rawValue: group) else { return }
        casesFiled[group, default: 0] += count
        let result = resultByYearEnd.flatMap(CaseResult.init(rawValue:))
        guard result != nil || resultByYearEnd == nil else { return }
        cases[group, default: [:]][result, default: 0] += count
    }

    /// Notices published in a month of the year, of a category.
    public mutating func addNotices(month: Int, category: String, count: Int) {
        guard let category = NoticeCategory(rawValue: category) else { return }
        noticesByMonth[month, default: [:]][category, default: 0] += count
        noticesPublished += count
    }
}

/// The amounts a report sums: table 2's fees (2021 format) and procurement (2019), and the
/// information-processing fees of the requests concluded (the narrative of section 六).
public enum ReportAmount: String, CaseIterable, Sendable {
    case fees, procurement, requestFees

    /// Its name in a message.
    public var label: String {
        switch self {
        case .fees: "行政事业性收费金额"
        case .procurement: "政府集中采购金额"
        case .requestFees: "信息处理费"
        }
    }

    /// The records it is summed from, their amount field, and the date that places one in a year.
    public var kind: RecordKind {
        switch self {
        case .fees: .fees
        case .procurement: .procurement
        case .requestFees: .requests
        }
    }

    public var field: String { self == .requestFees ? "fee_yuan" : "amount_yuan" }

    public var date: String {
        switch self {
        case .fees: "collected_on"
        case .procurement: "contracted_on"
        case .requestFees: "concluded_on"
        }
    }

    /// The most one record may plausibly hold (the field's own rule).
    public var maximum: Yuan { kind.field(named: field)!.plausibleMaximum! }

    /// What `report check` says of a record beyond it.
    public func problem(_ amount: String) -> String {
        "\(label) \(amount) 元, 超过一条记录的合理上限 \(maximum.chineseDescription)"
    }
}

/// One unit's share, for the report's appendix.
public struct UnitFigures: Sendable, Equatable {
    public let unit: GovernmentUnit
    public var notices = 0
    public var requestsReceived = 0
    public var requestsConcluded = 0
    public var cases = 0
    /// When a device of the unit last finished a sync with this server (nil: never, or unknown here).
    public var lastSync: Int64?

    public init(unit: GovernmentUnit) {
        self.unit = unit
    }
}
