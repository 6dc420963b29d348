/// One enumeration as a field sees it: its options, and how typed text maps to a key.
public struct EnumChoice: Sendable {
    public struct Option: Sendable, Equatable {
        public let key: String
        public let label: String
        /// The heading it is listed under (`LabeledEnumeration.groupLabel`).
        public var group: String? = nil
    }

    public let title: String
    public let options: [Option]
    /// Spellings that mean "no value" (尚未审结 for a case result).
    public let emptySpellings: [String]
    /// Every accepted spelling (exact keys, then normalized keys, labels and aliases) → key,
    /// built once so that parsing a value is one or two lookups.
    private let spellings: [String: String]

    public init<E: LabeledEnumeration>(_ type: E.Type, only subset: [E]? = nil, emptySpellings: [String] = []) {
        let allowed = subset ?? Array(E.allCases)
        title = E.title
        options = allowed.map { Option(key: $0.rawValue, label: $0.label, group: $0.groupLabel) }
        self.emptySpellings = emptySpellings
        var spellings: [String: String] = [:]
        for value in allowed {
            spellings[value.rawValue] = value.rawValue
            spellings[LabelNormalizer.normalize(value.rawValue).lowercased()] = value.rawValue
        }
        for value in allowed {
            for text in [value.label] + value.aliases {
                let normalized = LabelNormalizer.normalize(text)
                if spellings[normalized] == nil { spellings[normalized] = value.rawValue }
            }
        }
        self.spellings = spellings
    }

    /// The key for typed text, as `LabeledEnumeration.parse` would find it, restricted to the options.
    public func key(for text: String) -> String? {
        if let key = spellings[text] { return key }
        let normalized = LabelNormalizer.normalize(text)
        return spellings[normalized] ?? spellings[normalized.lowercased()]
    }

    public func label(forKey key: String) -> String? { options.first { $0.key == key }?.label }

    public var choicesDescription: String {
        options.map { "\($0.label) (\($0.key))" }.joined(separator: ", ")
    }

    /// The labels as the official table lists them: values under a heading follow it
    /// (`（三）不予公开: 1.属于国家秘密, 2.…; （四）无法提供: …`).
    public var groupedLabels: String {
        var parts: [String] = []
        var heading: String?
        for option in options {
            if option.group != heading, let group = option.group {
                parts.append("\(group): \(option.label)")
            } else if option.group != nil {
                parts[parts.count - 1] += ", \(option.label)"
            } else {
                parts.append(option.label)
            }
            heading = option.group
        }
        return parts.joined(separator: "; ")
    }
}

/// What a field holds; decides how input is checked and how the value is stored.
public enum FieldType: Sendable {
    case text(maxLength: Int)
    case date
    case money
    case count
    case year
    case choice(EnumChoice)
    /// Several values of one enumeration, written joined by `;`.
    case choices(EnumChoice)
}

/// A problem with one field of one record.
public struct FieldProblem: Error, Sendable, Equatable {
    public let field: String
    public let message: String

    public init(field: String, message: String) {
        self.field = field
        self.message = message
    }
}

/// One field of a record kind: its CSV column, its Chinese name, its type and rules.
public struct FieldSpec: Sendable {
    public let name: String
    public let label: String
    public let type: FieldType
    public let isRequired: Bool

    /// Free text (a title, a name, content), as opposed to dates, amounts and enumerations.
    public var isText: Bool {
        if case .text = type { true } else { false }
    }
    /// Used when a new record leaves the field empty.
    public let defaultValue: String?
    /// Other header spellings accepted on import (Chinese column names).
    public let headerAliases: [String]
    /// Shown when asking for the value at a terminal.
    public let example: String
    /// For an amount: the most one record may plausibly hold. Larger is refused at capture and by
    /// a server taking a push (a misplaced decimal point, fen typed as yuan), and listed by
    /// `report check` when an earlier release took it. Values held already merge as they are.
    public let plausibleMaximum: Yuan?

    public init(_ name: String, _ label: String, _ type: FieldType, required: Bool = false,
                default defaultValue: String? = nil, headers: [String] = [], example: String = "", plausibleMaximum: Yuan? = nil) {
        self.name = name
        self.label = label
        self.type = type
        isRequired = required
        self.defaultValue = defaultValue
        headerAliases = headers
        self.example = example
        self.plausibleMaximum = plausibleMaximum
    }

    public var choice: EnumChoice? {
        switch type {
        case .choice(let choice), .choices(let choice): choice
        default: nil
        }
    }

    /// Checks typed text and returns the canonical stored text, or nil for an empty value.
    /// `plausible`: also hold an amount to `plausibleMaximum` (capture, a server taking a push);
    /// a laptop taking its server's values checks their form only.
    public func normalize(_ raw: String, plausible: Bool = true) -> Result<String?, FieldProblem> {
        var text = raw.trimmingSpaces()
        if text.isEmpty { return .success(nil) }
        switch type {
        case .date, .money, .count, .year: text = text.halfWidthDigits()
        case .text, .choice, .choices: break
        }
        switch type {
        case .text(let maxLength):
            // A character is at least one byte: only a long text needs its characters counted.
            if text.utf8.count > maxLength, text.count > maxLength {
                return failure("太长 (\(text.count) 个字符); 最多 \(maxLength) 个字符")
            }
            if let problem = TextRule.problem(in: text, lineBreaks: true) { return failure(problem) }
            return .success(text)
        case .date:
            switch Day.parse(text) {
            case .success(let day): return .success(day.description)
            case .failure(let problem): return failure("\"\(text)\" \(problem.message)")
            }
        case .money:
            switch Yuan.parse(text) {
            case .success(let amount):
                if plausible, let maximum = plausibleMaximum, amount > maximum {
                    return failure("金额 \(amount) 元超过一条记录的合理上限 \(maximum.chineseDescription); 请检查单位是否为元、小数点是否错位")
                }
                return .success(amount.description)
            case .failure(let problem): return failure("\"\(text)\" \(problem.message)")
            }
        case .count:
            if text.hasPrefix("-"), Int(text) != nil { return failure("数量不能为负数 (\"\(text)\"); 数量至少为 1") }
            guard let value = Int(text) else { return failure("\"\(text)\" 不是整数") }
            guard value >= 1 else { return failure("数量至少为 1 (\"\(text)\")") }
            guard value <= 1_000_000_000 else { return failure("数量 \(value) 过大") }
            return .success(String(value))
        case .year:
            guard let value = Int(text), Day.plausibleYears.contains(value) else {
                return failure("\"\(text)\" 不是合理的年份 (例如 2020)")
            }
            return .success(String(value))
        case .choice(let choice):
            if choice.emptySpellings.contains(where: { $0.lowercased() == text.lowercased() }) { return .success(nil) }
            guard let key = choice.key(for: text) else {
                return failure("未知的\(choice.title) \"\(text)\"; 可用: \(choice.choicesDescription)")
            }
            return .success(key)
        case .choices(let choice):
            var keys = Set<String>()
            for part in FieldSpec.splitList(text) {
                guard let key = choice.key(for: part) else {
                    return failure("未知的\(choice.title) \"\(part)\"; 可用: \(choice.choicesDescription) (多个用 ; 分隔)")
                }
                keys.insert(key)
            }
            if keys.isEmpty { return .success(nil) }
            // Canonical order: the enumeration's own order, so that the same set is the same text.
            return .success(choice.options.map(\.key).filter(keys.contains).joined(separator: ";"))
        }
    }

    /// The label shown for a stored value: enumerations print their Chinese labels.
    public func display(_ stored: String) -> String {
        switch type {
        case .choice(let choice):
            return choice.label(forKey: stored) ?? stored
        case .choices(let choice):
            return stored.split(separator: ";").map { choice.label(forKey: String($0)) ?? String($0) }.joined(separator: "、")
        default:
            return stored
        }
    }

    static func splitList(_ text: String) -> [String] {
        text.split(whereSeparator: { $0 == ";" || $0 == "；" || $0 == "," || $0 == "，" || $0 == "、" || $0 == "|" })
            .map { String($0).trimmingSpaces() }
            .filter { !$0.isEmpty }
    }

    private func failure(_ message: String) -> Result<String?, FieldProblem> {
        .failure(FieldProblem(field: name, message: message))
    }
}
