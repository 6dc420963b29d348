import ArgumentParser
import Foundation
import PostgresStore
import RecordRules
import Storage
import SyncCore
import SyncWire

struct BundleCommand: ParsableCommand, ExampleProviding {
    static let configuration = CommandConfiguration(
        commandName: "bundle",
        abstract: "用 U 盘等拷贝的文件同步 (没有网络时): 村导出, 乡镇导入并写回复, 村导入回复; 乡镇与县之间同样。",
        discussion: """
        导出的文件 (.gkb) 含有对方还没有的全部修改, 带有校验和签名; 不含令牌, 也不含其他单位的记录。
        同一个文件导入两次、晚到或先后颠倒都不会出错; 不完整或被改动的文件整份拒绝。
        """,
        subcommands: [BundleExport.self, BundleImport.self]
    )

    static let examples = [
        "gongkai bundle export --output 园河村-1201.gkb --token-file 园河村令牌.txt   # 村: 第一次导出时给出乡镇发的令牌, 之后会记住",
        "gongkai bundle import --db town.sqlite 园河村-1201.gkb --reply 园河村-回复.gkb   # 乡镇服务器: 导入并写回复",
        "gongkai bundle import 园河村-回复.gkb   # 村: 导入乡镇的回复",
        "gongkai bundle export --db town.sqlite --output 西安镇-1201.gkb   # 乡镇服务器向县 (用中继令牌)",
    ]
}

/// The device token that signs a bundle: given now (and remembered, for `sync` too), or
/// remembered by `sync` or an earlier export.
private func bundleToken(_ replica: Replica, given options: TokenOptions) throws -> String {
    if let given = try options.given() {
        guard given.hasPrefix("gk_"), given.count > 10 else { throw CLIError.usage("--token 应是上级发放的设备令牌 (以 gk_ 开头)") }
        // Remembered, replacing one before (a laptop given a new token uses it from now on).
        try replica.syncing.rememberToken(given)
        return given
    }
    guard let token = try replica.syncing.rememberedToken() else {
        throw CLIError.usage("这份副本还没有令牌: 第一次请用 --token-file 文件 (或 --token -, 环境变量 GONGKAI_TOKEN) 给出上级发给这台电脑的令牌 (gongkai admin issue-token 发放的), 之后会记住")
    }
    return token
}

struct BundleExport: ParsableCommand, ExampleProviding {
    static let configuration = CommandConfiguration(
        commandName: "export", abstract: "写出同步文件: 上级还没有的全部修改, 以及本机已收到的位置。")

    static let examples = ["gongkai bundle export --output 园河村-1201.gkb"]

    @OptionGroup var replica: ReplicaOptions
    @Option(help: ArgumentHelp("写出的文件 (.gkb)", valueName: "FILE")) var output: String
    @Flag(help: "覆盖已经存在的文件 (数据库文件永远不会被覆盖)") var force = false
    @OptionGroup var token: TokenOptions

    func run() throws {
        try OutputFile.checkWritable(output, force: force)
        let local = try replica.open()
        let token = try bundleToken(local, given: token)
        let hash = DeviceToken.hash(of: token)
        let (bundle, bytes) = try BundleFile.export(BundleClient(store: local.syncing, clock: { WallClock.now() }),
                                                    signing: .both(key: BundleKey.derive(token: token), hash: hash),
                                                    device: DeviceToken.bundleName(ofHash: hash), now: WallClock.now())
        try OutputFile.write(Data(bytes), to: output, force: force)
        print("bundle: \(bundle.done.pushed) 条修改待上级导入")
        Terminal.error("把 \(output) 带到上级, 在那里运行 gongkai bundle import \((output as NSString).lastPathComponent) --reply 回复.gkb; 再把回复带回来导入")
    }
}

struct BundleImport: ParsableCommand, ExampleProviding {
    static let configuration = CommandConfiguration(
        commandName: "import", abstract: "导入同步文件: 在上级导入下级的文件 (可写回复), 或在下级导入上级的回复。全部导入或全部不导入。")

    static let examples = [
        "gongkai bundle import --db town.sqlite 园河村-1201.gkb --reply 园河村-回复.gkb",
        "gongkai bundle import 园河村-回复.gkb",
        "gongkai bundle import --store postgresql://gongkai@db.county/gongkai 西安镇-1201.gkb --reply 西安镇-回复.gkb   # 县级平台",
    ]

    @OptionGroup var replica: ReplicaOptions
    @Option(help: ArgumentHelp("PostgreSQL 服务器数据库 (县级平台), 代替 --db: 在那里导入下级的文件", valueName: "URL")) var store: String?
    @Argument(help: ArgumentHelp("要导入的文件 (.gkb)", valueName: "FILE")) var file: String
    @Option(help: ArgumentHelp("在上级导入时, 把对方缺少的修改写成回复文件", valueName: "FILE")) var reply: String?
    @Flag(help: "覆盖已经存在的文件 (数据库文件永远不会被覆盖)") var force = false
    @OptionGroup var token: TokenOptions

    func run() throws {
        try OutputFile.checkWritable(reply, force: force)
        guard let data = FileManager.default.contents(atPath: file) else { throw CLIError.failure("找不到或无法读取文件 \(file)") }
        let bytes = Array(data)
        do {
            if let store {
                guard replica.db == nil else { throw CLIError.usage("--db 和 --store 只能选一个") }
                guard try BundleFile.header(of: bytes).direction == .up else {
                    throw CLIError.failure("\(file): 这是上级的回复文件, 应在写出原文件的电脑上导入, 不是在县级平台上")
                }
                let location = try PostgresLocation(store)
                let opened = try PostgresServerStore.open(location)
                defer { opened.close() }
                try answer(bytes, Answering(serving: opened.serving, bundleToken: opened.serving.bundleToken(named:), site: opened.serving.siteInfo,
                                            secretPath: ServerSecretFile.path(for: location)))
                return
            }
            let local = try replica.open()
            switch try BundleFile.header(of: bytes).direction {
            case .up:
                try answer(bytes, Answering(serving: local.serving, bundleToken: { try local.devices.bundleToken(named: $0) }, site: local.syncing.siteInfo,
                                            secretPath: ServerSecretFile.path(forDatabaseAt: local.path)))
            case .reply:
                guard reply == nil else { throw CLIError.usage("--reply 只在上级导入下级的文件时使用; 这是上级的回复") }
                try take(bytes, local)
            }
        } catch let problem as BundleFile.Problem {
            throw CLIError.failure("\(file): \(problem.description)")
        } catch let refused as SyncRefused {
            throw CLIError.failure("\(file): 同步被拒绝: \(refused.description)")
        }
    }

    /// The server a file is answered on: a SQLite file or a county's PostgreSQL store.
    private struct Answering {
        let serving: any SyncServingStore
        let bundleToken: (String) throws -> BundleToken?
        let site: () throws -> SiteInfo
        /// Where the server's secret is, which opens the devices' bundle keys.
        let secretPath: String

        /// The keys of the token a file names: its bundle key opened with the server's secret.
        func keys(named name: String) throws -> BundleKeys? {
            guard let token = try bundleToken(name) else { return nil }
            let secret = try ServerSecretFile.forBundles(secretPath, holdsKeys: token.sealedKey != nil)
            guard let keys = token.keys(secret: secret) else {
                throw CLIError.failure("服务器密钥文件 \(secretPath) 与数据库不符 (是另一台服务器的?), 无法核对同步文件的签名; 请找回这个数据库的密钥文件, "
                                       + "或为该设备重新发放令牌")
            }
            return keys
        }
    }

    /// On the server: the lower side's bundle merged, and the reply written.
    private func answer(_ bytes: [UInt8], _ server: Answering) throws {
        let (header, answer, replyBytes, signedWithKey) = try BundleFile.answer(bytes, service: SyncService(store: server.serving), server: try server.site(),
                                                                                now: WallClock.now(), token: server.keys(named:))
        if !signedWithKey {
            Terminal.error("注意: 这台设备的令牌发放于旧版, 服务器没有它的签名密钥, 文件只能按令牌摘要核对 (数据库的副本也能伪造这种签名); "
                           + "请为它重新发放令牌 (gongkai admin issue-token --unit \(header.sender.unit)) 并吊销旧的")
        }
        let merged = answer.acks.reduce(0) { $0 + $1.response.changed }
        let refused = answer.acks.flatMap(\.response.refused)
        for refusal in refused { Terminal.error("未接受: \(refusal.kind) \(refusal.id): \(refusal.reason)") }
        print("bundle: 来自 \(header.sender.unit) \(header.sender.deviceName): 合并 \(merged), 拒收 \(refused.count)")
        guard let reply else {
            Terminal.error("未写回复 (加 --reply 文件 可把对方缺少的修改带回去); 对方下次的文件会重新带上未确认的修改")
            return
        }
        try OutputFile.write(Data(replyBytes), to: reply, force: force)
        let records = answer.pages.reduce(0) { $0 + $1.records.count }
        Terminal.error("回复含 \(records) 条对方缺少的记录; 带回去后在那台电脑上运行 gongkai bundle import \((reply as NSString).lastPathComponent)")
    }

    /// On the lower side: the server's reply taken.
    private func take(_ bytes: [UInt8], _ local: Replica) throws {
        let token = try bundleToken(local, given: token)
        let report = try BundleFile.take(bytes, BundleClient(store: local.syncing, clock: { WallClock.now() }),
                                         key: BundleKey.derive(token: token), hash: DeviceToken.hash(of: token))
        for refusal in report.refused {
            Terminal.error("未被接受: \(refusal.kind) \(refusal.id): \(refusal.reason)")
        }
        if report.restarted { Terminal.error("上级的数据曾从备份恢复; 下次导出的文件会重新带上全部记录") }
        Terminal.error(report.converged == true ? "已与上级核对: 一致" : "与上级尚不一致 (之后本机又有修改, 或上级另有更新); 再交换一次文件即可")
        print("bundle: 确认推送 \(report.pushed), 拉取 \(report.pulled), 冲突 \(report.conflicts)")
    }
}
