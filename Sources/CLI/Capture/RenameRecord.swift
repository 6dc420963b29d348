import ArgumentParser
import Records
import Storage

/// `gongkai request rename OLD [NEW]`: a record under a new id, the way out when the server
/// refused its id (another unit holds it).
struct RenameRecord<Fields: RecordFieldOptions>: ParsableCommand, ExampleProviding {
    static var configuration: CommandConfiguration {
        CommandConfiguration(commandName: "rename", abstract: "把一条\(Fields.kind.label)改用新的 id (服务器拒收了原 id 时用)。",
                             discussion: """
                             内容原样保留, 作为本机的新记录同步。原 id 若被服务器拒收过 (gongkai status 列出),
                             就从本副本中去掉, 不再同步; 否则原 id 标为删除, 同步到各副本。
                             不写 NEW 则自动生成一个新 id; 手写的 id 按单位区分 (单位代码:编号)。
                             """)
    }

    static var examples: [String] {
        ["gongkai \(Fields.kind.singular) rename 2021-001 2021-001a   # 服务器说 id 已属于别的单位",
         "gongkai \(Fields.kind.singular) rename \(Fields.exampleID)   # 自动生成新 id"]
    }

    @Argument(help: ArgumentHelp("现在的 id", valueName: "OLD")) var old: String
    @Argument(help: ArgumentHelp("新的 id; 不写则自动生成", valueName: "NEW")) var new: String?
    @OptionGroup var replica: ReplicaOptions

    func run() throws {
        let opened = try replica.open()
        let record = try RecordLookup.any(opened, Fields.kind, typed: old)
        var generator = SystemRandomNumberGenerator()
        let outcome = try opened.records.rename(Fields.kind, id: record.id, to: new, using: &generator, now: WallClock.now())
        switch (outcome.newID, outcome.purgedOldID) {
        case (let newID?, true): print("已把\(Fields.kind.label) \(outcome.oldID) 改为 \(newID); 服务器拒收的原 id 已从本副本去掉。请再运行 gongkai sync")
        case (let newID?, false): print("已把\(Fields.kind.label) \(outcome.oldID) 改为 \(newID); 原 id 已标为删除, 下次同步时一并送出")
        case (nil, _): print("已删除的\(Fields.kind.label) \(outcome.oldID) 曾被服务器拒收, 已从本副本去掉, 不再同步")
        }
    }
}
