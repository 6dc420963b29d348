import ArgumentParser
import Records

struct FeeOptions: RecordFieldOptions {
    static let kind = RecordKind.fees
    static let addExample = "--collected-on 2021-04-01 --amount-yuan 120.50"
    static let editExample = "--amount-yuan 125"
    static let listFields = ["collected_on", "amount_yuan"]
    static let dateField = "collected_on"

    @Option(name: .customLong("collected-on"), help: fieldHelp(kind, "collected_on")) var collectedOn: String?
    @Option(name: .customLong("amount-yuan"), help: fieldHelp(kind, "amount_yuan")) var amountYuan: String?

    var input: [String: String] {
        Self.present(["collected_on": collectedOn, "amount_yuan": amountYuan])
    }
}
