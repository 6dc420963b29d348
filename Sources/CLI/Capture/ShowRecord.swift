import ArgumentParser
import Records
import Storage

struct ShowRecord<Fields: RecordFieldOptions>: ParsableCommand, ExampleProviding {
    static var configuration: CommandConfiguration {
        CommandConfiguration(commandName: "show", abstract: "显示一条\(Fields.kind.label)的全部内容和修改记录。")
    }

    static var examples: [String] { ["gongkai \(Fields.kind.singular) show \(Fields.exampleID)"] }

    @Argument(help: ArgumentHelp("记录 id", valueName: "ID")) var id: String
    @OptionGroup var replica: ReplicaOptions
    @Flag(help: "输出 JSON") var json = false

    func run() throws {
        let record = try RecordLookup.any(try replica.open(), Fields.kind, typed: id)
        if json {
            print(Fields.kind.jsonObject(id: record.id, unit: record.unit, values: record.values).rendered())
        } else {
            print(RecordPresenter.detail(record))
        }
    }
}
