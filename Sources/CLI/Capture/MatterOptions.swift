import ArgumentParser
import Records

struct MatterOptions: RecordFieldOptions {
    static let kind = RecordKind.matters
    static let addExample = "--kind 行政许可 --name \"农村宅基地审批\" --established-on 2019-01-01"
    static let editExample = "--abolished-on 2021-06-30"
    static let listFields = ["kind", "name", "established_on", "abolished_on"]
    static let dateField = "established_on"

    @Option(help: fieldHelp(Self.kind, "kind")) var kind: String?
    @Option(help: fieldHelp(Self.kind, "name")) var name: String?
    @Option(name: .customLong("established-on"), help: fieldHelp(Self.kind, "established_on")) var establishedOn: String?
    @Option(name: .customLong("abolished-on"), help: fieldHelp(Self.kind, "abolished_on")) var abolishedOn: String?

    var input: [String: String] {
        Self.present(["kind": kind, "name": name, "established_on": establishedOn, "abolished_on": abolishedOn])
    }
}
