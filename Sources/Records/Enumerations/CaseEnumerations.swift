/// The three groups of table 4.
public enum CaseGroup: String, LabeledEnumeration {
    case review
    case litigationDirect = "litigation_direct"
    case litigationAfterReview = "litigation_after_review"

    public static let title = "案件类别"

    public var label: String {
        switch self {
        case .review: "行政复议"
        case .litigationDirect: "行政诉讼 · 未经复议直接起诉"
        case .litigationAfterReview: "行政诉讼 · 复议后起诉"
        }
    }

    public var aliases: [String] {
        switch self {
        case .review: ["复议"]
        case .litigationDirect: ["未经复议直接起诉", "直接起诉"]
        case .litigationAfterReview: ["复议后起诉"]
        }
    }
}

/// The result of a concluded case. A case without a result is 尚未审结 (pending).
public enum CaseResult: String, LabeledEnumeration {
    case maintained
    case corrected
    case otherResult = "other_result"

    public static let title = "审结结果"

    public var label: String {
        switch self {
        case .maintained: "结果维持"
        case .corrected: "结果纠正"
        case .otherResult: "其他结果"
        }
    }

    public var aliases: [String] {
        switch self {
        case .maintained: ["维持"]
        case .corrected: ["纠正"]
        case .otherResult: ["其他"]
        }
    }

    /// Spellings that mean "no result yet": accepted on input as an empty result.
    public static let pendingSpellings = ["pending", "尚未审结", "未审结"]
}
