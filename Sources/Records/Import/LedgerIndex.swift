/// The records a spreadsheet row without an id may stand for: found by the kind's identifying
/// fields (`RecordKind.identityFields`), exactly or nearly. A ledger re-imported after its other
/// cells were filled in finds its records exactly; one with a typo fixed in an identifying field
/// finds them nearly, and the import asks the user what the row is rather than guessing.
public struct LedgerIndex: Sendable {
    public struct Entry: Sendable, Equatable {
        public let id: String
        public let unit: String
        public let isDeleted: Bool
        /// The identifying fields' values, in `identityFields` order ("" for empty).
        public let identity: [String]
    }

    /// A record that differs from a row in one identifying field, with both values.
    public struct NearMatch: Sendable, Equatable {
        public let entry: Entry
        public let field: String
        public let standing: String
        public let given: String
    }

    public let kind: RecordKind
    private let fields: [FieldSpec]
    private var exact: [[String]: [Entry]] = [:]
    /// Keyed by unit, the index of the field left out, and the other fields' values.
    private var allButOne: [[String]: [Entry]] = [:]

    public init(kind: RecordKind) {
        self.kind = kind
        fields = kind.identityFields.map { kind.field(named: $0)! }
    }

    public var isEmpty: Bool { exact.isEmpty }

    /// The identifying values of a record or row ("" for an empty field).
    public static func identity(of kind: RecordKind, _ values: [String: String?]) -> [String] {
        kind.identityFields.map { (values[$0] ?? nil) ?? "" }
    }

    public mutating func add(id: String, unit: String, isDeleted: Bool, values: [String: String?]) {
        let entry = Entry(id: id, unit: unit, isDeleted: isDeleted, identity: LedgerIndex.identity(of: kind, values))
        exact[[unit] + entry.identity, default: []].append(entry)
        for index in fields.indices {
            allButOne[nearKey(unit: unit, identity: entry.identity, leaving: index), default: []].append(entry)
        }
    }

    /// Records of `unit` with exactly these identifying values: live ones first, each in the
    /// order they were added.
    public func exactly(unit: String, identity: [String]) -> [Entry] {
        let found = exact[[unit] + identity] ?? []
        return found.filter { !$0.isDeleted } + found.filter(\.isDeleted)
    }

    /// Records of `unit` that differ from `identity` in one identifying field, where that looks
    /// like a correction: a text field that is similar, or any other field when the text fields
    /// that agree say something (two fees of a day differ in amount and are two fees).
    public func nearly(unit: String, identity: [String]) -> [NearMatch] {
        var matches: [NearMatch] = []
        for (index, field) in fields.enumerated() {
            for entry in allButOne[nearKey(unit: unit, identity: identity, leaving: index)] ?? [] {
                let standing = entry.identity[index], given = identity[index]
                guard standing != given else { continue }
                let agreeingText = fields.indices.contains { $0 != index && fields[$0].isText && !identity[$0].isEmpty }
                let near: Bool = if field.isText {
                    // A name filled in later, or a slip corrected.
                    standing.isEmpty || given.isEmpty ? agreeingText : LedgerIndex.similar(standing, given)
                } else {
                    agreeingText
                }
                if near { matches.append(NearMatch(entry: entry, field: field.name, standing: standing, given: given)) }
            }
        }
        return matches
    }

    private func nearKey(unit: String, identity: [String], leaving index: Int) -> [String] {
        var key = [unit, String(index)]
        for (position, value) in identity.enumerated() where position != index { key.append(value) }
        return key
    }

    /// Whether two texts read as one with a slip: at most a third of the longer one's characters
    /// changed (edit distance), after spaces are set aside. Very long texts are compared around
    /// their common start and end only.
    public static func similar(_ a: String, _ b: String) -> Bool {
        let x = Array(a.filter { !$0.isWhitespace }), y = Array(b.filter { !$0.isWhitespace })
        if x == y { return true }
        let longer = max(x.count, y.count)
        let allowed = max(1, longer / 3)
        guard abs(x.count - y.count) <= allowed else { return false }
        var start = 0
        while start < min(x.count, y.count), x[start] == y[start] { start += 1 }
        var end = 0
        while end < min(x.count, y.count) - start, x[x.count - 1 - end] == y[y.count - 1 - end] { end += 1 }
        let middleX = x[start..<(x.count - end)], middleY = y[start..<(y.count - end)]
        guard middleX.count <= 2_000, middleY.count <= 2_000 else { return false }
        return editDistance(Array(middleX), Array(middleY)) <= allowed
    }

    static func editDistance(_ x: [Character], _ y: [Character]) -> Int {
        if x.isEmpty { return y.count }
        if y.isEmpty { return x.count }
        var previous = Array(0...y.count)
        var current = Array(repeating: 0, count: y.count + 1)
        for i in 1...x.count {
            current[0] = i
            for j in 1...y.count {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (x[i - 1] == y[j - 1] ? 0 : 1))
            }
            swap(&previous, &current)
        }
        return previous[y.count]
    }
}
