import ArgumentParser
import RecordRules
import Records
import Storage

struct AdminListTokens: ParsableCommand, ExampleProviding {
    static let configuration = CommandConfiguration(
        commandName: "list-tokens",
        abstract: "列出服务器发放的设备令牌: 编号 (不是令牌本身)、单位、使用它的电脑、发放时间、最近同步。",
        discussion: "某台电脑同步时提示“站点已属于另一台设备”, 可在这里找到原来的令牌编号, 用 revoke-token --id 吊销。")

    static let examples = [
        "gongkai admin list-tokens --db town.sqlite",
        "gongkai admin list-tokens --db town.sqlite --json",
    ]

    @OptionGroup var server: ServerStoreOptions
    @Flag(help: "以 JSON 输出, 供脚本读取") var json = false

    func run() throws {
        let opened = try server.open()
        defer { try? opened.close() }
        // A database restored from a backup is first made to agree with the token journal.
        for line in TokenJournalFile.lines(try TokenJournalFile.reconcile(opened, now: WallClock.now())) { Terminal.error(line) }
        let tokens = try opened.deviceTokens()
        if json {
            print(JSONValue.array(tokens.map(Self.json)).rendered())
            return
        }
        guard !tokens.isEmpty else {
            print("还没有发放令牌; 用 gongkai admin issue-token \(server.naming) --unit 单位代码 发放")
            return
        }
        print(Terminal.table(header: ["编号", "单位", "电脑", "发放", "最近同步", "状态"], rows: tokens.map { token in
            [token.id, token.unit, token.devices.isEmpty ? "(尚未同步)" : token.devices.joined(separator: ", "),
             WallClock.format(token.issuedAt), token.lastSync.map(WallClock.format) ?? "从未同步",
             (token.revokedAt.map { "已吊销 \(WallClock.format($0))" } ?? "有效") + (token.signsBundlesWithKey ? "" : "; 旧版令牌: 同步文件只能按摘要核对, 建议重新发放")]
        }))
    }

    static func json(_ token: DeviceToken) -> JSONValue {
        .object([
            ("id", .string(token.id)),
            ("unit", .string(token.unit)),
            ("device", .array(token.devices.map(JSONValue.string))),
            ("created", .string(WallClock.iso(token.issuedAt))),
            ("last_used", token.lastSync.map { .string(WallClock.iso($0)) } ?? .null),
            ("revoked", token.revokedAt.map { .string(WallClock.iso($0)) } ?? .null),
            ("bundle_key", .bool(token.signsBundlesWithKey)),
        ])
    }
}
