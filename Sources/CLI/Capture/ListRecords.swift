import ArgumentParser
import Records
import Storage

struct ListRecords<Fields: RecordFieldOptions>: ParsableCommand, ExampleProviding {
    static var configuration: CommandConfiguration {
        CommandConfiguration(commandName: "list", abstract: "列出\(Fields.kind.label), 按 id 排序。")
    }

    static var examples: [String] {
        ["gongkai \(Fields.kind.singular) list",
         "gongkai \(Fields.kind.singular) list --year 2020 --json",
         "gongkai \(Fields.kind.singular) list --deleted   # 含已删除的记录"]
    }

    @OptionGroup var replica: ReplicaOptions
    @Option(help: ArgumentHelp("只列出这一年的 (按\(Fields.kind.field(named: Fields.dateField)?.label ?? "日期"))", valueName: "YEAR")) var year: Int?
    @Option(help: ArgumentHelp("只列出这个单位的", valueName: "CODE")) var unit: String?
    @Flag(help: "包括已删除的记录") var deleted = false
    @Flag(help: "输出 JSON") var json = false

    func run() throws {
        var records = try replica.open().records.all(Fields.kind, unit: unit, includeDeleted: deleted)
        if let year {
            let prefix = "\(year)-"
            records = records.filter { $0.values[Fields.dateField]?.hasPrefix(prefix) ?? false }
        }
        if json {
            print(JSONValue.array(records.map { Fields.kind.jsonObject(id: $0.id, unit: $0.unit, values: $0.values) }).rendered())
            return
        }
        print(RecordPresenter.table(records, fields: Fields.listFields))
        print("共 \(records.count) 条")
    }
}
