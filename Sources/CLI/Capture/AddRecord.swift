import ArgumentParser
import Records
import Storage

struct AddRecord<Fields: RecordFieldOptions>: ParsableCommand, ExampleProviding {
    static var configuration: CommandConfiguration {
        CommandConfiguration(commandName: "add",
                             abstract: "新增一条\(Fields.kind.label)。缺少必填项时, 在终端上会逐项询问。")
    }

    static var examples: [String] {
        ["gongkai \(Fields.kind.singular) add \(Fields.addExample)",
         "gongkai \(Fields.kind.singular) add   # 在终端上逐项询问必填项"]
    }

    @OptionGroup var replica: ReplicaOptions
    @Option(help: ArgumentHelp("记录 id (如台账编号 2021-001, 存为 单位代码:2021-001); 不填则自动生成", valueName: "ID")) var id: String?
    @Option(help: ArgumentHelp("单位代码; 默认为本副本的单位 (乡镇副本可填下属村)", valueName: "CODE")) var unit: String?
    @OptionGroup var fields: Fields
    @Flag(help: "已有一条内容相同的记录时, 仍然新增 (确实是另一条时用)") var again = false
    @Flag(help: "允许今天以后的日期 (例如预定发布的公告)") var future = false

    func run() throws {
        var input = fields.input
        let required = Fields.kind.fields.filter { $0.isRequired && $0.defaultValue == nil }
        try Prompting.complete(&input, required: required, command: "gongkai \(Fields.kind.singular) add")
        // What a register of requests always notes, asked at a terminal though the law does not require it.
        let alsoAsked = Fields.kind == .requests ? ["applicant_name", "content", "channel"] : []
        try Prompting.offer(&input, alsoAsked.compactMap(Fields.kind.field(named:)))
        let now = WallClock.now()
        if !future { try Self.refuseFutureDates(input, today: ChinaTime.day(now)) }
        let opened = try replica.open()
        // A number of its own (`--id`) says it is another record; without one, an exact duplicate is asked about.
        if !again && id == nil { try Self.refuseDuplicate(of: input, in: opened, unit: unit) }
        let made: Result<String, ReplicaError> = Result { () throws(ReplicaError) -> String in
            var generator = SystemRandomNumberGenerator()
            if let id { return try opened.records.create(Fields.kind, typedID: id, unit: unit, input: input, now: now).id }
            return try opened.records.create(Fields.kind, id: RecordID.random(for: Fields.kind, using: &generator), unit: unit, input: input, now: now).id
        }
        switch made {
        case .success(let recordID):
            print("已新增\(Fields.kind.label) \(recordID)")
        case .failure(.invalidRecord(let kind, _, let problems)) where id == nil:
            // An id made for a record that was not made is not named: the problems alone.
            throw CLIError.failure("没有新增\(kind.label): " + problems.map(\.message).joined(separator: "; "))
        case .failure(let error):
            throw error
        }
    }

    /// A date after today is most often a typo (2012 for 2021, a month and day swapped).
    static func refuseFutureDates(_ input: [String: String], today: String) throws {
        for field in Fields.kind.fields {
            guard case .date = field.type else { continue }
            guard let value = input[field.name], let day = Day(parsing: value), day.description > today else { continue }
            throw CLIError.failure("\(field.label) \(day) 在今天 (\(today)) 之后; 请检查日期, 确实是以后的日期 (如预定发布) 请加 --future; "
                                   + "若今天的日期显示得不对, 请先改正这台电脑的日期")
        }
    }

    /// An exact duplicate (the same identifying fields as a live record of the unit) is added only with `--again`.
    static func refuseDuplicate(of input: [String: String], in replica: Replica, unit: String?) throws {
        let kind = Fields.kind
        guard !kind.identityFields.isEmpty else { return }
        var wanted: [String: String] = [:]
        for name in kind.identityFields {
            guard let field = kind.field(named: name), let text = input[name], case .success(let value?) = field.normalize(text) else { return }
            wanted[name] = value
        }
        guard let same = try replica.records.sameIdentity(kind, unit: unit, values: wanted) else { return }
        let shown = kind.identityFields.compactMap { name in kind.field(named: name).map { "\($0.label) \($0.display(same.values[name] ?? ""))" } }
        throw CLIError.failure("已有一条相同的\(kind.label): \(same.id) (\(shown.joined(separator: ", "))); 没有新增。"
                               + "确实是另一条时加 --again 再运行; 要修改那一条用 gongkai \(kind.singular) edit \(same.id)")
    }
}
