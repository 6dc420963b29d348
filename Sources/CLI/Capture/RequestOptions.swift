import ArgumentParser
import Records

struct RequestOptions: RecordFieldOptions {
    static let kind = RecordKind.requests
    static let addExample = "--received-on 2021-03-02 --applicant-type 自然人 --channel 当面提交 --content \"2020年低保户名单\""
    static let editExample = "--applicant-name 张三"
    static let listFields = ["received_on", "applicant_type", "concluded_on", "outcome", "content"]
    static let dateField = "received_on"
    static let extraSubcommands: [ParsableCommand.Type] = [ConcludeRequest.self]

    @Option(name: .customLong("received-on"), help: fieldHelp(kind, "received_on")) var receivedOn: String?
    @Option(help: fieldHelp(kind, "channel")) var channel: String?
    @Option(name: .customLong("applicant-type"), help: fieldHelp(kind, "applicant_type")) var applicantType: String?
    @Option(name: .customLong("applicant-name"), help: fieldHelp(kind, "applicant_name")) var applicantName: String?
    @Option(help: fieldHelp(kind, "content")) var content: String?
    @Option(name: .customLong("concluded-on"), help: fieldHelp(kind, "concluded_on")) var concludedOn: String?
    @Option(help: fieldHelp(kind, "outcome")) var outcome: String?
    @Option(name: .customLong("fee-yuan"), help: fieldHelp(kind, "fee_yuan")) var feeYuan: String?

    var input: [String: String] {
        Self.present(["received_on": receivedOn, "channel": channel, "applicant_type": applicantType,
                      "applicant_name": applicantName, "content": content, "concluded_on": concludedOn,
                      "outcome": outcome, "fee_yuan": feeYuan])
    }
}
