import Records

/// The `{{…}}` placeholders a narrative text may hold, each by its key or its Chinese name,
/// and what it becomes (`narrative --help` lists them).
public enum NarrativePlaceholder: String, CaseIterable, Sendable {
    case year, noticesPublished = "notices_published", requestsReceived = "requests_received",
         requestsConcluded = "requests_concluded", requestsCarriedOver = "requests_carried_over", requestFees = "request_fees"

    public var chineseName: String {
        switch self {
        case .year: "年度"
        case .noticesPublished: "主动公开信息数"
        case .requestsReceived: "收到申请数"
        case .requestsConcluded: "办结申请数"
        case .requestsCarriedOver: "结转申请数"
        case .requestFees: "信息处理费"
        }
    }

    public var meaning: String {
        switch self {
        case .year: "报告年度"
        case .noticesPublished: "本年主动公开的信息条数"
        case .requestsReceived: "本年新收到的申请件数"
        case .requestsConcluded: "本年办结的申请件数"
        case .requestsCarriedOver: "结转下年度继续办理的件数"
        case .requestFees: "本年收取的信息处理费 (元)"
        }
    }
}

/// The written sections: the text set with `gongkai narrative set`, with `{{…}}` placeholders
/// filled from the data, or a default that states the figures and marks what is missing.
enum Narrative {
    /// Each placeholder's value, under its key and its Chinese name.
    static func values(_ report: (year: Int, headline: Headline, carriedOut: Int, requestFees: Yuan)) -> [String: String] {
        var table: [String: String] = [:]
        for placeholder in NarrativePlaceholder.allCases {
            let value = switch placeholder {
            case .year: String(report.year)
            case .noticesPublished: String(report.headline.noticesPublished)
            case .requestsReceived: String(report.headline.requestsReceived)
            case .requestsConcluded: String(report.headline.requestsConcluded)
            case .requestsCarriedOver: String(report.carriedOut)
            case .requestFees: report.requestFees.description
            }
            table[placeholder.rawValue] = value
            table[placeholder.chineseName] = value
        }
        return table
    }

    /// Fills `{{key}}` placeholders; returns the text and the placeholders it did not know.
    static func fill(_ text: String, _ values: [String: String]) -> (text: String, unknown: [String]) {
        var output = ""
        var unknown: [String] = []
        var rest = Substring(text)
        while let open = rest.range(of: "{{") {
            output += rest[..<open.lowerBound]
            guard let close = rest[open.upperBound...].range(of: "}}") else {
                rest = rest[open.lowerBound...]
                break
            }
            let key = String(rest[open.upperBound..<close.lowerBound]).trimmingSpaces()
            if let value = values[key] {
                output += value
            } else {
                unknown.append(key)
                output += rest[open.lowerBound..<close.upperBound]
            }
            rest = rest[close.upperBound...]
        }
        output += rest
        return (output, unknown)
    }

    static let missing = "（未填写）"

    static func defaultText(_ section: NarrativeSection, requestFees: Yuan) -> String {
        switch section {
        case .overview:
            """
            ### （一）主动公开

            {{year}}年，本单位主动公开政府信息{{notices_published}}条。

            ### （二）依申请公开

            {{year}}年，本单位收到政府信息公开申请{{requests_received}}件，办结{{requests_concluded}}件，结转下年度继续办理{{requests_carried_over}}件。

            ### （三）政府信息管理

            \(missing)

            ### （四）政府信息公开平台建设

            \(missing)

            ### （五）监督保障

            \(missing)
            """
        case .problems:
            missing
        case .otherMatters:
            requestFees.fen > 0 ? "本年度收取信息处理费{{request_fees}}元。" : "无其他需要报告的事项。"
        }
    }
}
