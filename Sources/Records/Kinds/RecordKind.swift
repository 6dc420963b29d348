/// The kinds of record a replica holds, each feeding a part of the annual report.
public enum RecordKind: String, CaseIterable, Sendable, Hashable {
    case notices, documents, matters, decisions, fees, procurement, requests, cases, narrative

    /// The kinds that `gongkai import` and `export` take as CSV.
    public static let importable: [RecordKind] = [.notices, .documents, .matters, .decisions, .fees, .procurement, .requests, .cases]

    /// Accepts the plural key (`requests`), the singular (`request`) or the Chinese label.
    public static func parse(_ text: String) -> RecordKind? {
        let wanted = text.trimmingSpaces().lowercased()
        return allCases.first { $0.rawValue == wanted || $0.singular == wanted || $0.label == wanted }
    }

    /// The command noun: `gongkai notice add`.
    public var singular: String {
        switch self {
        case .notices: "notice"
        case .documents: "document"
        case .matters: "matter"
        case .decisions: "decision"
        case .fees: "fee"
        case .procurement: "procurement"
        case .requests: "request"
        case .cases: "case"
        case .narrative: "narrative"
        }
    }

    public var label: String {
        switch self {
        case .notices: "主动公开信息"
        case .documents: "规章和规范性文件"
        case .matters: "事项"
        case .decisions: "处理决定"
        case .fees: "收费"
        case .procurement: "政府集中采购"
        case .requests: "依申请公开"
        case .cases: "行政复议和行政诉讼"
        case .narrative: "年报文字"
        }
    }

    /// Prefix of generated ids: `req-3f9a…`.
    public var idPrefix: String {
        switch self {
        case .notices: "ntc"
        case .documents: "doc"
        case .matters: "mat"
        case .decisions: "dec"
        case .fees: "fee"
        case .procurement: "pro"
        case .requests: "req"
        case .cases: "cas"
        case .narrative: "nar"
        }
    }

    public var fields: [FieldSpec] {
        switch self {
        case .notices: KindFields.notices
        case .documents: KindFields.documents
        case .matters: KindFields.matters
        case .decisions: KindFields.decisions
        case .fees: KindFields.fees
        case .procurement: KindFields.procurement
        case .requests: KindFields.requests
        case .cases: KindFields.cases
        case .narrative: KindFields.narrative
        }
    }

    /// The fields that tell one record of a ledger from another when a spreadsheet row comes
    /// without an id: re-importing a ledger whose other cells were filled in (a conclusion, a
    /// count) finds the same record. Text fields come first among them.
    public var identityFields: [String] {
        switch self {
        case .notices: ["title", "published_on"]
        case .documents: ["title", "made_on"]
        case .matters: ["name", "kind"]
        case .decisions: ["kind", "decided_on"]
        case .fees: ["collected_on", "amount_yuan"]
        case .procurement: ["title", "contracted_on"]
        case .requests: ["applicant_name", "content", "received_on"]
        case .cases: ["group", "filed_on"]
        case .narrative: ["year", "section"]
        }
    }

    public func field(named name: String) -> FieldSpec? {
        fields.first { $0.name == name }
    }

    /// The CSV columns, in order: `id`, `unit`, then the fields.
    public var csvColumns: [String] { ["id", "unit"] + fields.map(\.name) }

    /// Every header an import takes for each column, one line a column: `title  标题 / 信息标题`.
    public var acceptedHeaders: [String] {
        var lines = ["id  id / 编号", "unit  unit / 单位 / 单位代码"]
        for field in fields {
            var names = [field.label]
            for alias in field.headerAliases where !names.contains(alias) { names.append(alias) }
            lines.append("\(field.name)  \(field.name) / " + names.joined(separator: " / "))
        }
        return lines
    }

    /// The same columns under Chinese headers, as a ledger would have them (`--headers zh`);
    /// import reads them back.
    public var chineseCSVHeaders: [String] { ["编号", "单位代码"] + fields.map(\.label) }

    /// A record's row under the Chinese headers, as an office reads its ledger: the ledger's own
    /// number (`RecordID.ledgerNumber`) and each value as its Chinese label; imported again, it
    /// is the same record with the same values.
    public func chineseRow(id: String, unit: String, values: [String: String]) -> [String] {
        [RecordID.ledgerNumber(id, unit: unit), unit] + fields.map { field in values[field.name].map(field.display) ?? "" }
    }

    /// Checks a whole record (the canonical values of its fields; an absent key is empty):
    /// required fields, and the rules between fields (dates in order, outcome with date).
    public func validate(_ values: [String: String]) -> [FieldProblem] {
        var problems: [FieldProblem] = []
        for field in fields where field.isRequired && (values[field.name] ?? "").isEmpty {
            problems.append(FieldProblem(field: field.name, message: "缺少必填项 \(field.name) (\(field.label))"))
        }
        for rule in KindFields.rules(for: self) {
            if let problem = rule.check(values) { problems.append(problem) }
        }
        return problems
    }
}

/// A rule between two fields of one record.
struct FieldRule: Sendable {
    let check: @Sendable ([String: String]) -> FieldProblem?

    /// `later` may not be before `earlier` when both are set.
    static func notBefore(_ later: String, _ laterLabel: String, _ earlier: String, _ earlierLabel: String) -> FieldRule {
        FieldRule { values in
            guard let late = values[later], let early = values[earlier], late < early else { return nil }
            return FieldProblem(field: later, message: "\(laterLabel) \(late) 早于\(earlierLabel) \(early); 日期顺序不对")
        }
    }

    /// `dependent` is set exactly when `anchor` is set.
    static func together(_ dependent: String, _ dependentLabel: String, _ anchor: String, _ anchorLabel: String) -> [FieldRule] {
        [
            FieldRule { values in
                guard values[dependent] != nil, values[anchor] == nil else { return nil }
                return FieldProblem(field: dependent, message: "有\(dependentLabel)却没有\(anchorLabel); 请填写 \(anchor) (\(anchorLabel))")
            },
            FieldRule { values in
                guard values[anchor] != nil, values[dependent] == nil else { return nil }
                return FieldProblem(field: dependent, message: "已填\(anchorLabel)却没有\(dependentLabel); 请填写 \(dependent) (\(dependentLabel))")
            },
        ]
    }
}
