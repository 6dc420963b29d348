import ArgumentParser
import Records
import Storage

struct DeleteRecord<Fields: RecordFieldOptions>: ParsableCommand, ExampleProviding {
    static var configuration: CommandConfiguration {
        CommandConfiguration(commandName: "delete",
                             abstract: "删除一条\(Fields.kind.label)。删除也会同步; 可用 restore 恢复。")
    }

    static var examples: [String] {
        ["gongkai \(Fields.kind.singular) delete \(Fields.exampleID)",
         "gongkai \(Fields.kind.singular) delete \(Fields.exampleID) --yes   # 在脚本中不经确认"]
    }

    @Argument(help: ArgumentHelp("记录 id", valueName: "ID")) var typedID: String
    @OptionGroup var replica: ReplicaOptions
    @Flag(help: "不询问, 直接删除") var yes = false

    func run() throws {
        let opened = try replica.open()
        let record = try RecordLookup.live(opened, Fields.kind, typed: typedID)
        let id = record.id
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
        try opened.records.delete(Fields.kind, id: id, now: WallClock.now())
        print("已删除\(Fields.kind.label) \(id) (可用 gongkai \(Fields.kind.singular) restore \(id) 恢复)")
    }
}
