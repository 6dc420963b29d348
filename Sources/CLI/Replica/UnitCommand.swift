import ArgumentParser
import Records
import Storage

struct UnitCommand: ParsableCommand, ExampleProviding {
    static let configuration = CommandConfiguration(
        commandName: "unit",
        abstract: "乡镇副本登记下属的村, 以便保存和导入各村的记录。",
        subcommands: [UnitAdd.self, UnitList.self]
    )

    static let examples = [
        "gongkai unit add 640522100201 园河村 --db town.sqlite",
        "gongkai unit list --db town.sqlite",
    ]
}

struct UnitAdd: ParsableCommand, ExampleProviding {
    static let configuration = CommandConfiguration(commandName: "add", abstract: "登记本镇的一个村。")
    static let examples = ["gongkai unit add 640522100201 园河村 --db town.sqlite"]

    @Argument(help: ArgumentHelp("村的单位代码", valueName: "CODE")) var code: String
    @Argument(help: ArgumentHelp("村的名称", valueName: "NAME")) var name: String
    @OptionGroup var replica: ReplicaOptions

    func run() throws {
        let village = try replica.open().units.addVillage(code: code, name: name)
        print("已登记 \(village.code) \(village.name) (上级 \(village.parent ?? ""))")
    }
}

struct UnitList: ParsableCommand, ExampleProviding {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "列出本副本知道的单位。")
    static let examples = ["gongkai unit list", "gongkai unit list --json"]

    @OptionGroup var replica: ReplicaOptions
    @Flag(help: "输出 JSON: code, name, parent, township") var json = false

    func run() throws {
        let units = try replica.open().units.all()
        if json {
            return print(JSONValue.array(units.map { unit in
                .object([("code", .string(unit.code)), ("name", .string(unit.name)), ("parent", unit.parent.map(JSONValue.string) ?? .null),
                         ("township", .bool(unit.isTownship))])
            }).rendered())
        }
        print(Terminal.table(header: ["代码", "名称", "类型"], rows: units.map {
            [$0.code, $0.name, $0.isTownship ? "乡镇" : "村"]
        }))
    }
}
