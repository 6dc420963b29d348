import ArgumentParser
import Records

struct DecisionOptions: RecordFieldOptions {
    static let kind = RecordKind.decisions
    static let addExample = "--kind 行政许可 --decided-on 2020-05-20 --count 3"
    static let editExample = "--count 4"
    static let listFields = ["decided_on", "kind", "count"]
    static let dateField = "decided_on"

    @Option(help: fieldHelp(Self.kind, "kind")) var kind: String?
    @Option(name: .customLong("decided-on"), help: fieldHelp(Self.kind, "decided_on")) var decidedOn: String?
    @Option(help: fieldHelp(Self.kind, "count")) var count: String?

    var input: [String: String] {
        Self.present(["kind": kind, "decided_on": decidedOn, "count": count])
    }
}
