import ArgumentParser
import Records

/// `gongkai notice …`, `gongkai request …`: the daily capture commands of one record kind.
struct KindCommand<Fields: RecordFieldOptions>: ParsableCommand, ExampleProviding {
    static var configuration: CommandConfiguration {
        CommandConfiguration(
            commandName: Fields.kind.singular,
            abstract: "\(Fields.kind.label): 新增、查看、修改、删除。",
            subcommands: [AddRecord<Fields>.self] + Fields.extraSubcommands
                + [ListRecords<Fields>.self, ShowRecord<Fields>.self, EditRecord<Fields>.self,
                   DeleteRecord<Fields>.self, RestoreRecord<Fields>.self]
        )
    }

    static var examples: [String] {
        ["gongkai \(Fields.kind.singular) add \(Fields.addExample)",
         "gongkai \(Fields.kind.singular) list --year 2020",
         "gongkai \(Fields.kind.singular) show \(Fields.exampleID)"]
    }
}

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
    @Option(help: ArgumentHelp("记录 id; 不填则自动生成", valueName: "ID")) var id: String?
    @Option(help: ArgumentHelp("单位代码; 默认为本副本的单位 (乡镇副本可填下属村)", valueName: "CODE")) var unit: String?
    @OptionGroup var fields: Fields

    func run() throws {
        var input = fields.input
        let required = Fields.kind.fields.filter { $0.isRequired && $0.defaultValue == nil }
        try Prompting.complete(&input, required: required, command: "gongkai \(Fields.kind.singular) add")
        let opened = try replica.open()
        var generator = SystemRandomNumberGenerator()
        let id = id ?? RecordID.random(for: Fields.kind, using: &generator)
        let record = try opened.create(Fields.kind, id: id, unit: unit, input: input, now: WallClock.now())
        print("已新增\(Fields.kind.label) \(record.id)")
    }
}

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
        var records = try replica.open().records(Fields.kind, unit: unit, includeDeleted: deleted)
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

struct ShowRecord<Fields: RecordFieldOptions>: ParsableCommand, ExampleProviding {
    static var configuration: CommandConfiguration {
        CommandConfiguration(commandName: "show", abstract: "显示一条\(Fields.kind.label)的全部内容和修改记录。")
    }

    static var examples: [String] { ["gongkai \(Fields.kind.singular) show \(Fields.exampleID)"] }

    @Argument(help: ArgumentHelp("记录 id", valueName: "ID")) var id: String
    @OptionGroup var replica: ReplicaOptions
    @Flag(help: "输出 JSON") var json = false

    func run() throws {
        guard let record = try replica.open().record(Fields.kind, id: id) else {
            throw CLIError.failure("没有 id 为 \(id) 的\(Fields.kind.label); 用 gongkai \(Fields.kind.singular) list 查看已有记录")
        }
        if json {
            print(Fields.kind.jsonObject(id: record.id, unit: record.unit, values: record.values).rendered())
        } else {
            print(RecordPresenter.detail(record))
        }
    }
}

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
        let (_, result) = try replica.open().update(Fields.kind, id: id, input: input, now: WallClock.now())
        switch result {
        case .updated(let names):
            let labels = names.compactMap { Fields.kind.field(named: $0)?.label }
            print("已修改\(Fields.kind.label) \(id): \(labels.joined(separator: ", "))")
        case .unchanged, .created:
            print("\(Fields.kind.label) \(id) 没有变化 (输入的值与现有的相同)")
        }
    }
}

struct DeleteRecord<Fields: RecordFieldOptions>: ParsableCommand, ExampleProviding {
    static var configuration: CommandConfiguration {
        CommandConfiguration(commandName: "delete",
                             abstract: "删除一条\(Fields.kind.label)。删除也会同步; 可用 restore 恢复。")
    }

    static var examples: [String] {
        ["gongkai \(Fields.kind.singular) delete \(Fields.exampleID)",
         "gongkai \(Fields.kind.singular) delete \(Fields.exampleID) --yes   # 在脚本中不经确认"]
    }

    @Argument(help: ArgumentHelp("记录 id", valueName: "ID")) var id: String
    @OptionGroup var replica: ReplicaOptions
    @Flag(help: "不询问, 直接删除") var yes = false

    func run() throws {
        let opened = try replica.open()
        guard let record = try opened.record(Fields.kind, id: id), !record.isDeleted else {
            throw CLIError.failure("没有 id 为 \(id) 的\(Fields.kind.label); 用 gongkai \(Fields.kind.singular) list 查看已有记录")
        }
        if !yes {
            guard Terminal.stdinIsInteractive else {
                throw CLIError.usage("删除需要确认: 加 --yes 表示确定删除 \(id)")
            }
            print(RecordPresenter.detail(record))
            guard Prompting.confirm("确定删除这条\(Fields.kind.label)?") else {
                print("未删除")
                return
            }
        }
        try opened.delete(Fields.kind, id: id, now: WallClock.now())
        print("已删除\(Fields.kind.label) \(id) (可用 gongkai \(Fields.kind.singular) restore \(id) 恢复)")
    }
}

struct RestoreRecord<Fields: RecordFieldOptions>: ParsableCommand, ExampleProviding {
    static var configuration: CommandConfiguration {
        CommandConfiguration(commandName: "restore", abstract: "恢复一条已删除的\(Fields.kind.label)。")
    }

    static var examples: [String] { ["gongkai \(Fields.kind.singular) restore \(Fields.exampleID)"] }

    @Argument(help: ArgumentHelp("记录 id", valueName: "ID")) var id: String
    @OptionGroup var replica: ReplicaOptions

    func run() throws {
        let record = try replica.open().restore(Fields.kind, id: id, now: WallClock.now())
        print("已恢复\(Fields.kind.label) \(record.id)")
    }
}
