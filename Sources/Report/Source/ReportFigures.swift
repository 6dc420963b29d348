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
    public var feesFen: Int64 = 0
    public var procurementCount = 0
    public var procurementFen: Int64 = 0

    public var newReceived: ByApplicant = [:]
    public var carriedOverIn: ByApplicant = [:]
    /// Concluded in the year, by outcome (nil: concluded without an outcome, a data error).
    public var concluded: [RequestOutcome?: ByApplicant] = [:]
    public var carriedOverOut: ByApplicant = [:]
    /// Information-processing fees on requests concluded in the year.
    public var requestFeesFen: Int64 = 0
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
                                     carriedOut: Int, feesFen: Int64) {
        let applicant = applicant.flatMap(ApplicantType.init(rawValue:))
        let outcome = outcome.flatMap(RequestOutcome.init(rawValue:))
        requestsReceivedByUnit[unit, default: 0] += received
        requestsConcludedByUnit[unit, default: 0] += concluded
        newReceived[applicant, default: 0] += received
        carriedOverIn[applicant, default: 0] += carriedIn
        if concluded > 0 { self.concluded[outcome, default: [:]][applicant, default: 0] += concluded }
        carriedOverOut[applicant, default: 0] += carriedOut
        requestFeesFen += feesFen
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
