import Records

/// A column or row of an official table: its JSON key and its printed label.
public struct Label: Sendable, Equatable, Codable {
    public let key: String
    public let text: String

    public init(_ key: String, _ text: String) {
        self.key = key
        self.text = text
    }
}

/// Table 2: groups of article 20 items, each with its own columns.
public struct Table2: Sendable, Equatable, Codable {
    public struct Row: Sendable, Equatable, Codable {
        public let label: Label
        public let cells: [Cell]
    }

    public struct Group: Sendable, Equatable, Codable {
        public let label: String
        public let columns: [Label]
        public let rows: [Row]
    }

    public let groups: [Group]

    public func row(_ key: String) -> Row? { groups.lazy.flatMap(\.rows).first { $0.label.key == key } }
}

/// Table 3: requests by outcome (rows) and applicant (columns).
public struct Table3: Sendable, Equatable, Codable {
    /// A row of numbers, with the headings it sits under (outermost first).
    public struct Row: Sendable, Equatable, Codable {
        public let label: Label
        public let headings: [String]
        /// The six applicant columns, then the total.
        public let values: [Int]
    }

    public static let note = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"
    public static let columns: [Label] = ApplicantType.allCases.map { Label($0.rawValue, $0.label) } + [Label("total", "总计")]

    public let rows: [Row]

    public func row(_ key: String) -> Row? { rows.first { $0.label.key == key } }
}

/// Table 4: reconsideration and litigation, three groups of five cells.
public struct Table4: Sendable, Equatable, Codable {
    public static let cells: [Label] = [
        Label("maintained", "结果维持"), Label("corrected", "结果纠正"), Label("other_result", "其他结果"),
        Label("pending", "尚未审结"), Label("total", "总计"),
    ]

    public struct Group: Sendable, Equatable, Codable {
        public let group: CaseGroup
        /// In the order of `Table4.cells`.
        public let values: [Int]
    }

    public let groups: [Group]
}

/// The figures section 一 quotes.
public struct Headline: Sendable, Equatable, Codable {
    public let noticesPublished: Int
    public let requestsReceived: Int
    public let requestsConcluded: Int
}

/// The report's six sections and its appendix, computed from the records.
public struct AnnualReport: Sendable, Equatable, Codable {
    public let year: Int
    public let formatVersion: FormatVersion
    public let unitCode: String
    public let unitName: String
    public let headline: Headline
    public let table2: Table2
    public let table3: Table3
    public let table4: Table4
    /// The text of sections 一, 五 and 六 (Markdown, sub-headings as headings), numbers filled in.
    public let sections: [NarrativeSection: String]
    public let appendix: Appendix

    public var title: String { "\(unitName)\(year)年政府信息公开工作年度报告" }

    public static let headings: [String] = [
        "一、总体情况", "二、主动公开政府信息情况", "三、收到和处理政府信息公开申请情况",
        "四、政府信息公开行政复议、行政诉讼情况", "五、存在的主要问题及改进情况", "六、其他需要报告的事项",
    ]
}

/// What the official format lacks: each village's share, when it last synced, and the
/// notices of the year by month and category.
public struct Appendix: Sendable, Equatable, Codable {
    public struct UnitShare: Sendable, Equatable, Codable {
        public let code: String
        public let name: String
        public let notices: Int
        public let requestsReceived: Int
        public let requestsConcluded: Int
        public let cases: Int
        public let lastSync: Int64?
    }

    public let units: [UnitShare]
    /// Notices per month (index 0 = January) and category.
    public let noticesByMonth: [[NoticeCategory: Int]]
}
