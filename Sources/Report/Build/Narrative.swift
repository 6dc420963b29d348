import Records

/// The written sections: the text set with `gongkai narrative set`, with `{{…}}` placeholders
/// filled from the data, or a default that states the figures and marks what is missing.
enum Narrative {
    /// Placeholders and the Chinese names they may also be written with.
    static func values(_ report: (year: Int, headline: Headline, carriedOut: Int, requestFees: Yuan)) -> [String: String] {
        let values: [(String, String, String)] = [
            ("year", "年度", String(report.year)),
            ("notices_published", "主动公开信息数", String(report.headline.noticesPublished)),
            ("requests_received", "收到申请数", String(report.headline.requestsReceived)),
            ("requests_concluded", "办结申请数", String(report.headline.requestsConcluded)),
            ("requests_carried_over", "结转申请数", String(report.carriedOut)),
            ("request_fees", "信息处理费", report.requestFees.description),
        ]
        var table: [String: String] = [:]
        for (key, chinese, value) in values {
            table[key] = value
            table[chinese] = value
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
