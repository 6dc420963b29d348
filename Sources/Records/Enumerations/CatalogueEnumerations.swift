/// 第二十条第（一）项: the two kinds of document.
public enum DocumentKind: String, LabeledEnumeration {
    case regulation
    case normative

    public static let title = "文件类别"

    public var label: String {
        switch self {
        case .regulation: "规章"
        case .normative: "规范性文件"
        }
    }

    public var aliases: [String] {
        switch self {
        case .regulation: []
        case .normative: ["行政规范性文件"]
        }
    }
}

/// 事项 of the catalogue (第二十条第（五）（六）（八）项). Decisions use the first four.
public enum MatterKind: String, LabeledEnumeration {
    case licensing
    case otherServices = "other_services"
    case penalty
    case coercion
    case fees

    public static let title = "事项类别"

    public var label: String {
        switch self {
        case .licensing: "行政许可"
        case .otherServices: "其他对外管理服务事项"
        case .penalty: "行政处罚"
        case .coercion: "行政强制"
        case .fees: "行政事业性收费"
        }
    }

    /// The kinds a 处理决定 can have.
    public static let decisionKinds: [MatterKind] = [.licensing, .otherServices, .penalty, .coercion]
}

/// The narrative sections of the annual report that are written, not computed.
public enum NarrativeSection: String, LabeledEnumeration {
    case overview
    case problems
    case otherMatters = "other_matters"

    public static let title = "报告章节"

    public var label: String {
        switch self {
        case .overview: "一"
        case .problems: "五"
        case .otherMatters: "六"
        }
    }

    public var heading: String {
        switch self {
        case .overview: "一、总体情况"
        case .problems: "五、存在的主要问题及改进情况"
        case .otherMatters: "六、其他需要报告的事项"
        }
    }

    /// The id of a unit's text for one year and section: one record, edited in place.
    public func recordID(unit: String, year: Int) -> String {
        "nar-\(unit)-\(year)-\(rawValue)"
    }

    public var aliases: [String] {
        switch self {
        case .overview: ["1", heading, "总体情况"]
        case .problems: ["5", heading, "存在的主要问题及改进情况"]
        case .otherMatters: ["6", heading, "其他需要报告的事项"]
        }
    }
}
