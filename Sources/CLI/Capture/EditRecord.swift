import ArgumentParser
import Records
import Storage

struct EditRecord<Fields: RecordFieldOptions>: ParsableCommand, ExampleProviding {
    static var configuration: CommandConfiguration {
        CommandConfiguration(commandName: "edit",
                             abstract: "修改一条\(Fields.kind.label)的字段; 只写入值有变化的字段。空字符串清除选填字段。")
    }

    static var examples: [String] {
        ["gongkai \(Fields.kind.singular) edit \(Fields.exampleID) \(Fields.editExample)"]
    }

    @Argument(help: ArgumentHelp("记录 id", valueName: "ID")) var id: String
    @OptionGroup var replica: ReplicaOptions
    @OptionGroup var fields: Fields

    func run() throws {
        let input = fields.input
        guard !input.isEmpty else {
            throw CLIError.usage("没有指定要修改的字段; 例如: gongkai \(Fields.kind.singular) edit \(id) \(Fields.editExample)")
        }
        let opened = try replica.open()
        let id = try RecordLookup.live(opened, Fields.kind, typed: self.id).id
        let (_, result) = try opened.records.update(Fields.kind, id: id, input: input, now: WallClock.now())
        switch result {
        case .updated(let names):
            let labels = names.compactMap { Fields.kind.field(named: $0)?.label }
            print("已修改\(Fields.kind.label) \(id): \(labels.joined(separator: ", "))")
        case .unchanged, .created:
            print("\(Fields.kind.label) \(id) 没有变化 (输入的值与现有的相同)")
        }
    }
}
