import ArgumentParser
import Records

/// The command-line options of one record kind's fields, shared by `add` and `edit`, and
/// what the kind's commands need to know to present it.
protocol RecordFieldOptions: ParsableArguments {
    static var kind: RecordKind { get }
    /// The values typed on the command line, keyed by field name; options not given are absent.
    var input: [String: String] { get }
    /// The arguments after `gongkai KIND add` in the help's example.
    static var addExample: String { get }
    /// The arguments after `gongkai KIND edit ID` in the help's example.
    static var editExample: String { get }
    /// The fields `list` shows, after the id.
    static var listFields: [String] { get }
    /// The date that places a record in a year (`list --year`).
    static var dateField: String { get }
    /// Commands beyond add, list, show, edit, delete and restore (`request conclude`).
    static var extraSubcommands: [ParsableCommand.Type] { get }
}

extension RecordFieldOptions {
    static var extraSubcommands: [ParsableCommand.Type] { [] }

    /// Drops the options that were not given.
    static func present(_ values: [String: String?]) -> [String: String] {
        values.compactMapValues { $0 }
    }

    /// An example id of this kind, for help texts.
    static var exampleID: String { "\(kind.idPrefix)-0123456789abcdef" }
}

/// The help of a field's option: its Chinese name, whether it is required, and the choices.
func fieldHelp(_ kind: RecordKind, _ name: String) -> ArgumentHelp {
    guard let field = kind.field(named: name) else { return ArgumentHelp(name) }
    var text = field.label
    if field.isRequired && field.defaultValue == nil { text += " (必填)" }
    if let defaultValue = field.defaultValue { text += " (默认 \(defaultValue))" }
    switch field.type {
    case .date: text += "; 格式 YYYY-MM-DD"
    case .money: text += "; 以元为单位, 最多两位小数"
    case .choice(let choice): text += "; 可用: " + choice.groupedLabels
    case .choices(let choice): text += "; 多个用 ; 分隔; 可用: " + choice.options.map(\.label).joined(separator: ", ")
    default: break
    }
    if !field.example.isEmpty, field.choice == nil { text += "; 例如 \(field.example)" }
    return ArgumentHelp(text, valueName: field.name.uppercased())
}
