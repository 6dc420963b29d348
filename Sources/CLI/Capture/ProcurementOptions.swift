import ArgumentParser
import Records

struct ProcurementOptions: RecordFieldOptions {
    static let kind = RecordKind.procurement
    static let addExample = "--title \"村委会办公设备采购\" --contracted-on 2020-08-01 --amount-yuan 35000"
    static let editExample = "--amount-yuan 34800"
    static let listFields = ["contracted_on", "amount_yuan", "title"]
    static let dateField = "contracted_on"

    @Option(help: fieldHelp(kind, "title")) var title: String?
    @Option(name: .customLong("contracted-on"), help: fieldHelp(kind, "contracted_on")) var contractedOn: String?
    @Option(name: .customLong("amount-yuan"), help: fieldHelp(kind, "amount_yuan")) var amountYuan: String?

    var input: [String: String] {
        Self.present(["title": title, "contracted_on": contractedOn, "amount_yuan": amountYuan])
    }
}
