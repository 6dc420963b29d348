import Records
import ArgumentParser
import Foundation
import Storage
import SyncCore

struct InitCommand: ParsableCommand, ExampleProviding {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "为一个单位新建副本 (村, 或加 --township 为乡镇本身)。不会覆盖已有文件。"
    )

    static let examples = [
        "gongkai init --unit 640522100201 --name 园河村 --parent 640522100000",
        "gongkai init --township --unit 640522100000 --name 海原县西安镇人民政府 --db town.sqlite",
    ]

    @OptionGroup var replica: ReplicaOptions

    @Option(help: ArgumentHelp("单位代码 (如 12 位行政区划代码)", valueName: "CODE"))
    var unit: String?

    @Option(help: ArgumentHelp("单位名称", valueName: "NAME"))
    var name: String?

    @Option(help: ArgumentHelp("上级单位 (乡镇) 的代码", valueName: "CODE"))
    var parent: String?

    @Flag(help: "这是乡镇本身的副本 (可登记并保存下属各村的记录)")
    var township = false

    @Option(help: ArgumentHelp("设备名称, 冲突记录中显示是谁写的; 默认取主机名", valueName: "NAME"))
    var device: String?

    func run() throws {
        let code = try Prompting.require(unit, option: "--unit", label: "单位代码", example: "640522100201")
        let name = try Prompting.require(self.name, option: "--name", label: "单位名称", example: "园河村")
        if township, parent != nil {
            throw CLIError.usage("--township 与 --parent 不能同时使用: 乡镇副本没有上级单位")
        }
        var generator = SystemRandomNumberGenerator()
        if let device, let problem = SyncLimits.deviceNameProblem(device) {
            throw CLIError.usage("--device: \(problem); 请用一个简短的名称, 如 \"村委会笔记本\"")
        }
        let deviceName = device ?? SyncLimits.cleanedDeviceName(ProcessInfo.processInfo.hostName)
        // GONGKAI_SITE fixes the site id, so that a test can replay the same replicas; a site id
        // must never be shared by two replicas, so nothing else sets it.
        let site = Environment.value("GONGKAI_SITE").flatMap(SiteID.init) ?? SiteID.random(using: &generator)
        let created = try Replica.create(
            at: replica.path,
            unit: GovernmentUnit(code: code, name: name, parent: parent, isTownship: township),
            site: site, deviceName: deviceName, now: WallClock.now())
        let identity = try created.units.identity()
        print("已创建\(township ? "乡镇" : "村级")副本 \(created.path)")
        print("单位: \(identity.unit.code) \(identity.unit.name); 站点: \(identity.site)")
    }
}
