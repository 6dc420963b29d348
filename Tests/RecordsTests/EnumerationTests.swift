import Records
import Testing

/// Every value of every enumeration, as (enumeration, key, label).
let everyEnumerationValue: [(String, String, String)] =
    values(NoticeCategory.self) + values(PublicationChannel.self) + values(ApplicantType.self)
    + values(RequestOutcome.self) + values(RequestChannel.self) + values(CaseGroup.self)
    + values(CaseResult.self) + values(DocumentKind.self) + values(MatterKind.self) + values(NarrativeSection.self)

func values<E: LabeledEnumeration>(_ type: E.Type) -> [(String, String, String)] {
    E.allCases.map { (String(describing: E.self), $0.rawValue, $0.label) }
}

func parse(_ enumeration: String, _ text: String) -> String? {
    switch enumeration {
    case "NoticeCategory": NoticeCategory.parse(text)?.rawValue
    case "PublicationChannel": PublicationChannel.parse(text)?.rawValue
    case "ApplicantType": ApplicantType.parse(text)?.rawValue
    case "RequestOutcome": RequestOutcome.parse(text)?.rawValue
    case "RequestChannel": RequestChannel.parse(text)?.rawValue
    case "CaseGroup": CaseGroup.parse(text)?.rawValue
    case "CaseResult": CaseResult.parse(text)?.rawValue
    case "DocumentKind": DocumentKind.parse(text)?.rawValue
    case "MatterKind": MatterKind.parse(text)?.rawValue
    case "NarrativeSection": NarrativeSection.parse(text)?.rawValue
    default: nil
    }
}

@Suite("Enumerations accept the Chinese label or the ASCII key")
struct EnumerationTests {
    @Test("every value parses from its key, its upper-cased key and its label", arguments: everyEnumerationValue.indices)
    func keyAndLabel(index: Int) {
        let (enumeration, key, label) = everyEnumerationValue[index]
        #expect(parse(enumeration, key) == key)
        #expect(parse(enumeration, key.uppercased()) == key)
        #expect(parse(enumeration, label) == key)
        #expect(parse(enumeration, " \(label)\u{3000}") == key)
    }

    @Test("labels are unique within each enumeration, so a label names one value")
    func labelsUnique() {
        let grouped = Dictionary(grouping: everyEnumerationValue, by: \.0)
        for (enumeration, entries) in grouped {
            let normalized = entries.map { LabelNormalizer.normalize($0.2) }
            #expect(Set(normalized).count == normalized.count, "\(enumeration) has two values with one label")
        }
    }

    @Test("outcome labels are found however the numbering and brackets were typed", arguments: [
        ("（一）予以公开", "granted"), ("(一)予以公开", "granted"), ("予以公开", "granted"),
        ("部分公开", "partially_granted"), ("1.属于国家秘密", "withheld_state_secret"),
        ("属于国家秘密", "withheld_state_secret"), ("1．属于国家秘密", "withheld_state_secret"),
        ("危及\"三安全一稳定\"", "withheld_three_security_one_stability"),
        ("本机关不掌握相关政府信息", "unavailable_not_held"), ("重复申请", "not_processed_duplicate"),
        ("其他处理", "other_processing"), ("OTHER_OTHER", "other_other"),
    ])
    func outcomeSpellings(text: String, key: String) {
        #expect(RequestOutcome.parse(text)?.rawValue == key)
    }

    @Test("unknown or near-miss values are refused", arguments: ["个人", "", "   ", "grant", "予以", "natural person 1"])
    func unknown(text: String) {
        #expect(ApplicantType.parse(text) == nil)
        #expect(RequestOutcome.parse(text) == nil)
    }

    @Test("the 2019 format's （六）其他处理 and the three 2021 leaves sit under the same heading")
    func outcomeGroups() {
        let other = RequestOutcome.allCases.filter { $0.group == .other }.map(\.rawValue)
        #expect(other == ["other_no_correction", "other_fee_unpaid", "other_other", "other_processing"])
        #expect(RequestOutcome.allCases.filter { $0.group == .withheld }.count == 8)
        #expect(RequestOutcome.allCases.filter { $0.group == .unavailable }.count == 3)
        #expect(RequestOutcome.allCases.filter { $0.group == .notProcessed }.count == 5)
    }

    @Test("decisions take the four decision kinds of 事项, not 行政事业性收费")
    func decisionKinds() {
        let field = RecordKind.decisions.field(named: "kind")!
        #expect(field.choice?.options.map(\.key) == ["licensing", "other_services", "penalty", "coercion"])
        guard case .failure(let problem) = field.normalize("行政事业性收费") else {
            Issue.record("a fee kind was accepted for a decision")
            return
        }
        #expect(problem.message.contains("可用: 行政许可 (licensing)"))
    }
}


@Suite("Field choices")
struct FieldChoiceTests {
    static let choiceFields: [(RecordKind, FieldSpec)] = RecordKind.allCases.flatMap { kind in
        kind.fields.filter { $0.choice != nil }.map { (kind, $0) }
    }

    @Test("every option of every choice field is found by its key, its label and sloppy spellings of both")
    func optionsFound() throws {
        for (kind, field) in Self.choiceFields {
            let choice = try #require(field.choice)
            for option in choice.options {
                #expect(choice.key(for: option.key) == option.key, "\(kind).\(field.name) \(option.key)")
                #expect(choice.key(for: option.key.uppercased()) == option.key)
                #expect(choice.key(for: option.label) == option.key, "\(kind).\(field.name) \(option.label)")
                #expect(choice.key(for: "\u{3000}" + option.label + " ") == option.key)
            }
            #expect(choice.key(for: "不存在的值") == nil)
        }
    }
}
