import ArgumentParser
import Records
import Storage

/// `gongkai request conclude ID --on DATE --outcome X`: records how a request was concluded.
struct ConcludeRequest: ParsableCommand, ExampleProviding {
    static let configuration = CommandConfiguration(
        commandName: "conclude", abstract: "办结一件依申请公开: 办结日期和办理结果 (表三中的一项)。")

    static let examples = [
        "gongkai request conclude req-0123456789abcdef --on 2021-03-20 --outcome 予以公开",
        "gongkai request conclude req-0123456789abcdef --on 2021-03-20 --outcome withheld_third_party_rights",
        "gongkai request conclude req-0123456789abcdef   # 在终端上询问日期和结果 (结果可填编号)",
    ]

    @Argument(help: ArgumentHelp("申请的 id", valueName: "ID")) var typedID: String
    @OptionGroup var replica: ReplicaOptions
    @Option(help: fieldHelp(.requests, "concluded_on")) var on: String?
    @Option(help: fieldHelp(.requests, "outcome")) var outcome: String?
    @Option(name: .customLong("fee-yuan"), help: fieldHelp(.requests, "fee_yuan")) var feeYuan: String?

    func run() throws {
        let opened = try replica.open()
        let id = try RecordLookup.live(opened, .requests, typed: typedID).id
        var input = RequestOptions.present(["concluded_on": on, "outcome": outcome, "fee_yuan": feeYuan])
        let fields = ["concluded_on", "outcome"].compactMap { RecordKind.requests.field(named: $0) }
        try Prompting.complete(&input, required: fields, command: "gongkai request conclude \(typedID)", flags: ["concluded_on": "--on"])
        _ = try opened.records.update(.requests, id: id, input: input, now: WallClock.now())
        let label = input["outcome"].flatMap(RequestOutcome.parse)?.qualifiedLabel ?? ""
        print("已办结 \(id): \(label)")
    }
}

/// `gongkai case conclude ID --on DATE --result X`.
struct ConcludeCase: ParsableCommand, ExampleProviding {
    static let configuration = CommandConfiguration(
        commandName: "conclude", abstract: "审结一件行政复议或行政诉讼: 审结日期和结果。")

    static let examples = [
        "gongkai case conclude cas-0123456789abcdef --on 2021-08-01 --result 结果维持",
    ]

    @Argument(help: ArgumentHelp("案件的 id", valueName: "ID")) var typedID: String
    @OptionGroup var replica: ReplicaOptions
    @Option(help: fieldHelp(.cases, "concluded_on")) var on: String?
    @Option(help: fieldHelp(.cases, "result")) var result: String?

    func run() throws {
        let opened = try replica.open()
        let id = try RecordLookup.live(opened, .cases, typed: typedID).id
        var input = CaseOptions.present(["concluded_on": on, "result": result])
        let fields = ["concluded_on", "result"].compactMap { RecordKind.cases.field(named: $0) }
        try Prompting.complete(&input, required: fields, command: "gongkai case conclude \(typedID)", flags: ["concluded_on": "--on"])
        _ = try opened.records.update(.cases, id: id, input: input, now: WallClock.now())
        print("已审结 \(id)")
    }
}
