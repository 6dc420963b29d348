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

    func run() throws {
        var input = fields.input
        let required = Fields.kind.fields.filter { $0.isRequired && $0.defaultValue == nil }
        try Prompting.complete(&input, required: required, command: "gongkai \(Fields.kind.singular) add")
        let opened = try replica.open()
        var generator = SystemRandomNumberGenerator()
        let record = if let id {
            try opened.records.create(Fields.kind, typedID: id, unit: unit, input: input, now: WallClock.now())
        } else {
            try opened.records.create(Fields.kind, id: RecordID.random(for: Fields.kind, using: &generator), unit: unit, input: input, now: WallClock.now())
        }
        print("已新增\(Fields.kind.label) \(record.id)")
    }
}
