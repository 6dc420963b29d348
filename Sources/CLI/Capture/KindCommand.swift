import ArgumentParser
import Records
import Storage

/// `gongkai notice …`, `gongkai request …`: the daily capture commands of one record kind.
struct KindCommand<Fields: RecordFieldOptions>: ParsableCommand, ExampleProviding {
    static var configuration: CommandConfiguration {
        CommandConfiguration(
            commandName: Fields.kind.singular,
            abstract: "\(Fields.kind.label): 新增、查看、修改、删除。",
            subcommands: [AddRecord<Fields>.self] + Fields.extraSubcommands
                + [ListRecords<Fields>.self, ShowRecord<Fields>.self, EditRecord<Fields>.self,
                   DeleteRecord<Fields>.self, RestoreRecord<Fields>.self, RenameRecord<Fields>.self]
        )
    }

    static var examples: [String] {
        ["gongkai \(Fields.kind.singular) add \(Fields.addExample)",
         "gongkai \(Fields.kind.singular) list --year 2020",
         "gongkai \(Fields.kind.singular) show \(Fields.exampleID)"]
    }
}
