import Records

/// Where a report's figures come from: a replica or a server's database. The report reads
/// through this and nothing else; Storage's `ReportFigureStore` implements it, and
/// `ReportSourceContractTests` hold any implementation to it.
public protocol ReportSource: Sendable {
    /// The unit the report is of.
    func reportingUnit() throws -> GovernmentUnit
    /// The figures of `year` over every record held, deleted records excluded.
    func reportFigures(year: Int) throws -> ReportFigures
    /// Each unit's share of a year whose figures are `figures`, and its last sync here.
    func unitFigures(_ figures: ReportFigures) throws -> [UnitFigures]
    /// The written text of a narrative record, nil when none is written (or it was deleted).
    func narrativeText(id: String) throws -> String?
    /// Records that break the rules between fields and bear on `year`'s report.
    func dataProblems(year: Int) throws -> [DataProblem]
    /// Records that bear on `year`'s amounts and hold more than one record plausibly may
    /// (`FieldSpec.plausibleMaximum`): taken by an earlier release, or written into the file.
    func implausibleAmounts(year: Int) throws -> [DataProblem]
    /// Records of `year` with open conflicts.
    func conflictedRecords(year: Int) throws -> [DataProblem]
    /// Live documents of `kind` made by the end of `year`: their ids and units.
    func documents(ofKind kind: DocumentKind, madeBy year: Int) throws -> [(id: String, unit: String)]
    /// Whether this is a server's database (it has issued device tokens): only then do the
    /// sync times it keeps for each village mean something.
    func servesDevices() throws -> Bool
    /// On a server, by unit, the records its devices' last syncs had refused (empty elsewhere).
    func refusedPushes() throws -> [RefusedPushes]
    /// The report of a year as published, if it was: the current version's JSON.
    func publishedReport(year: Int) throws -> (formatVersion: String, publishedAt: Int64, json: String)?
}

/// A record whose data makes a year's report wrong, and what is wrong with it.
public struct DataProblem: Sendable, Equatable {
    public let kind: RecordKind
    public let id: String
    public let unit: String
    public let problem: String

    public init(kind: RecordKind, id: String, unit: String, problem: String) {
        self.kind = kind
        self.id = id
        self.unit = unit
        self.problem = problem
    }
}

/// Records a server refused from a unit's devices and that are still refused: the report
/// lacks them until the village renames or fixes them.
public struct RefusedPushes: Sendable, Equatable {
    public let unit: String
    public let records: [DataProblem]

    public init(unit: String, records: [DataProblem]) {
        self.unit = unit
        self.records = records
    }
}
