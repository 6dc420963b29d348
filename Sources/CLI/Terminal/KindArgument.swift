import Records

/// Record kinds named on the command line.
enum KindArgument {
    /// Any record kind, by plural, singular or Chinese name.
    static func any(_ text: String) throws -> RecordKind {
        guard let kind = RecordKind.parse(text) else {
            throw CLIError.usage("未知的记录类别 \"\(text)\"; 可用: \(RecordKind.allCases.map(\.singular).joined(separator: ", "))")
        }
        return kind
    }

    static func importable(_ text: String) throws -> RecordKind {
        guard let kind = RecordKind.parse(text), RecordKind.importable.contains(kind) else {
            throw CLIError.usage("未知的记录类别 \"\(text)\"; 可用: \(RecordKind.importable.map(\.rawValue).joined(separator: ", "))")
        }
        return kind
    }
}
