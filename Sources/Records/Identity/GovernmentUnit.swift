
/// A unit (单位): the township, or one of its villages.
public struct GovernmentUnit: Sendable, Equatable, Hashable {
    public let code: String
    public let name: String
    /// For a village, its township's code.
    public let parent: String?
    public let isTownship: Bool

    public init(code: String, name: String, parent: String? = nil, isTownship: Bool = false) {
        self.code = code
        self.name = name
        self.parent = parent
        self.isTownship = isTownship
    }

    /// Why this unit cannot be recorded, or nil.
    public var problem: String? {
        if let problem = UnitCode.problem(with: code) { return problem }
        if let parent, let problem = UnitCode.problem(with: parent) { return "上级" + problem }
        if name.trimmingSpaces().isEmpty { return "单位名称不能为空" }
        if name.count > 100 { return "单位名称太长; 最多 100 个字符" }
        if let problem = TextRule.problem(in: name, lineBreaks: false) { return "单位名称" + problem }
        if isTownship && parent != nil && parent == code { return "单位不能是自己的上级" }
        return nil
    }
}
