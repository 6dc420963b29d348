import ArgumentParser
import Records

struct CaseOptions: RecordFieldOptions {
    static let kind = RecordKind.cases
    static let addExample = "--group 行政复议 --filed-on 2021-05-10"
    static let editExample = "--filed-on 2021-05-11"
    static let listFields = ["filed_on", "group", "result", "concluded_on"]
    static let dateField = "filed_on"
    static let extraSubcommands: [ParsableCommand.Type] = [ConcludeCase.self]

    @Option(help: fieldHelp(kind, "group")) var group: String?
    @Option(name: .customLong("filed-on"), help: fieldHelp(kind, "filed_on")) var filedOn: String?
    @Option(help: fieldHelp(kind, "result")) var result: String?
    @Option(name: .customLong("concluded-on"), help: fieldHelp(kind, "concluded_on")) var concludedOn: String?

    var input: [String: String] {
        Self.present(["group": group, "filed_on": filedOn, "result": result, "concluded_on": concludedOn])
    }
}
