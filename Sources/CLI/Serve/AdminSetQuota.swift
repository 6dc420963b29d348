import ArgumentParser
import Foundation
import RecordRules
import Records

/// `admin set-quota`: how much a device token, or all the devices of a unit, may push in a day.
struct AdminSetQuota: ParsableCommand, ExampleProviding {
    static let configuration = CommandConfiguration(
        commandName: "set-quota",
        abstract: "设定某个设备令牌或某个单位每天最多推送多少条记录、多少 MB (默认: 每台设备 100000 条 256 MB, 每个单位 200000 条 512 MB, 中继令牌 2000000 条 4096 MB)。",
        discussion: "不带 --records-per-day 和 --megabytes-per-day 时, 只显示今天已推送的数量和上限; --default 恢复默认上限。")

    static let examples = [
        "gongkai admin set-quota --db town.sqlite --unit 640522100201 --records-per-day 500000   # 某村要一次导入多年的台账",
        "gongkai admin set-quota --db town.sqlite --token-id 3f2a9c01b7de --records-per-day 1000 --megabytes-per-day 10",
        "gongkai admin set-quota --db town.sqlite --unit 640522100201 --default",
    ]

    @OptionGroup var server: ServerStoreOptions
    @Option(help: ArgumentHelp("单位代码: 该单位全部设备合计的上限", valueName: "CODE")) var unit: String?
    @Option(name: .customLong("token-id"), help: ArgumentHelp("设备令牌的编号 (gongkai admin list-tokens)", valueName: "ID")) var tokenID: String?
    @Option(name: .customLong("records-per-day"), help: ArgumentHelp("每天最多推送 (新增或修改) 的记录数", valueName: "N")) var records: Int?
    @Option(name: .customLong("megabytes-per-day"), help: ArgumentHelp("每天最多推送的记录内容 (MB)", valueName: "N")) var megabytes: Int?
    @Flag(name: .customLong("default"), help: "恢复默认上限") var restoreDefault = false

    func run() throws {
        guard (unit == nil) != (tokenID == nil) else { throw CLIError.usage("请用 --unit 或 --token-id 指定对谁设定 (二选一)") }
        for (value, option) in [(records, "--records-per-day"), (megabytes, "--megabytes-per-day")] {
            if let value, !(1...1_000_000_000).contains(value) { throw CLIError.usage("\(option) 应在 1 到 1000000000 之间, 收到 \(value)") }
        }
        if restoreDefault && (records != nil || megabytes != nil) { throw CLIError.usage("--default 不能与 --records-per-day 或 --megabytes-per-day 一起使用") }
        let opened = try server.open()
        defer { try? opened.close() }
        let holder = try unit.map { "unit:\($0)" } ?? "token:\(try opened.tokenHash(id: tokenID!))"
        let name = unit.map { "单位 \($0)" } ?? "令牌 \(tokenID!)"
        let today = PushQuota.day(of: WallClock.now())
        let (used, stored) = try opened.pushUsage(holder: holder, day: today)
        var limit = stored
        let defaults = unit != nil ? PushQuota.unit : PushQuota.device
        if restoreDefault {
            try opened.setPushQuota(nil, holder: holder)
            limit = nil
        } else if records != nil || megabytes != nil {
            let current = limit ?? defaults
            let quota = PushQuota(records: records ?? current.records, bytes: megabytes.map { $0 << 20 } ?? current.bytes)
            try opened.setPushQuota(quota, holder: holder)
            limit = quota
        }
        let shown = limit.map { "每天最多 \($0.records) 条记录、\($0.bytes >> 20) MB" }
            ?? (unit != nil ? "默认上限 (每天 \(defaults.records) 条、\(defaults.bytes >> 20) MB; 中继令牌的单位 \(PushQuota.relay.records) 条)"
                            : "默认上限 (每天 \(defaults.records) 条、\(defaults.bytes >> 20) MB; 中继令牌 \(PushQuota.relay.records) 条、\(PushQuota.relay.bytes >> 20) MB)")
        print("\(name): \(shown); 今天 (\(today)) 已推送 \(used.records) 条、\(used.bytes >> 20) MB")
    }
}
