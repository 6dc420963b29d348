import ArgumentParser
import Records
import Storage

struct RestoreRecord<Fields: RecordFieldOptions>: ParsableCommand, ExampleProviding {
    static var configuration: CommandConfiguration {
        CommandConfiguration(commandName: "restore", abstract: "恢复一条已删除的\(Fields.kind.label)。")
    }

    static var examples: [String] { ["gongkai \(Fields.kind.singular) restore \(Fields.exampleID)"] }

    @Argument(help: ArgumentHelp("记录 id", valueName: "ID")) var id: String
    @OptionGroup var replica: ReplicaOptions

    func run() throws {
        let opened = try replica.open()
        let found = try RecordLookup.any(opened, Fields.kind, typed: id)
        guard found.isDeleted else {
            print("\(Fields.kind.label) \(found.id) 没有删除, 无需恢复")
            return
        }
        let record = try opened.records.restore(Fields.kind, id: found.id, now: WallClock.now())
        print("已恢复\(Fields.kind.label) \(record.id)")
    }
}
