import ArgumentParser
import Foundation
import Records
import Storage
import SyncCore
import SyncHTTP
import Synchronization

struct SyncCommand: AsyncParsableCommand, ExampleProviding {
    static let configuration = CommandConfiguration(
        commandName: "sync",
        abstract: "与乡镇服务器同步: 推送本机的修改, 拉取本单位可见的修改, 最后核对双方是否一致。",
        discussion: """
        首次同步用 --server 和 --token-file (或 --token -, 环境变量 GONGKAI_TOKEN, 或在终端上按提示输入) 指定服务器和设备令牌,
        之后会记住, 直接运行 gongkai sync 即可。
        网络中断不会丢失或重复任何记录; 再次运行会从上次完成的批次继续。
        --with 指定另一个副本文件 (例如同一单位另一台电脑的副本), 在本机直接同步, 不需要网络; 服务器数据库及其副本不能这样用,
        没有网络时请用 gongkai bundle (同步文件)。
        """
    )

    static let examples = [
        "gongkai sync --server http://192.168.1.10:8080 --token-file 园河村令牌.txt",
        "gongkai sync --server http://192.168.1.10:8080   # 在终端上输入令牌 (不显示)",
        "gongkai sync   # 使用记住的服务器和令牌",
        "gongkai sync --server https://gongkai.example.gov.cn --token - --cacert 乡镇CA.pem < 园河村令牌.txt",
        "gongkai sync --with /media/usb/园河村-2号机.sqlite   # 同一村另一台电脑的副本",
    ]

    @OptionGroup var replica: ReplicaOptions
    @Option(help: ArgumentHelp("服务器地址, 如 http://192.168.1.10:8080", valueName: "URL")) var server: String?
    @OptionGroup var tokenOptions: TokenOptions
    @Option(help: ArgumentHelp("信任的证书颁发机构 (PEM), 用于乡镇自建的 HTTPS 证书", valueName: "FILE")) var cacert: String?
    @Option(help: ArgumentHelp("另一个副本文件", valueName: "PATH")) var with: String?
    @Option(help: ArgumentHelp("每批记录数 (1 到 \(SyncLimits.maximumBatchRecords), 即服务器的上限; 链路常断时可调小)", valueName: "N"))
    var batchSize: Int = SyncClient.defaultBatchSize
    @Option(help: ArgumentHelp("网络出错时每个请求最多尝试几次", valueName: "N")) var attempts: Int = 5
    @Option(name: .customLong("stall-timeout"), help: ArgumentHelp("传输停滞 (每秒不足 30 字节) 多少秒后断开重试", valueName: "SECONDS"))
    var stallTimeout: Int = 60
    @Flag(help: "不在终端上时, 也逐行输出进度") var progress = false
    @Flag(help: "最后一行改为 JSON (pushed, pulled, conflicts, refused, held, converged), 供脚本读取") var json = false
    @Flag(help: "不记住这次的服务器和令牌") var noRemember = false

    func run() async throws {
        guard (1...SyncLimits.maximumBatchRecords).contains(batchSize) else {
            throw CLIError.usage("--batch-size 应在 1 到 \(SyncLimits.maximumBatchRecords) 之间")
        }
        let local = try replica.open()
        guard let with else {
            try await syncOverHTTP(local)
            return
        }
        let other = try Replica.open(at: with, now: WallClock.now())
        // A server's database (or a copy of it) holds every device token's hash: it never leaves
        // the server, and a village without a network syncs by bundle files instead.
        if try other.devices.servesDevices() {
            throw CLIError.failure("\(with) 是服务器数据库 (或其副本), 含有各设备令牌的摘要, 不应带出服务器, 也不能用来同步; 没有网络时请用同步文件: "
                                   + "在本机 gongkai bundle export --output 文件.gkb, 在乡镇 gongkai bundle import 文件.gkb --reply 回复.gkb, 带回后 gongkai bundle import 回复.gkb")
        }
        let identity = try local.units.identity()
        guard identity.site != (try other.units.identity()).site else {
            throw CLIError.failure("两个文件的站点 id 相同 (\(identity.site)): 一个是另一个的复制品; 请在复制品上运行 gongkai reset-site")
        }
        let scope = SyncScope.of(unit: identity.unit.code, in: try other.units.tree())
        let transport = InProcessTransport(service: SyncService(store: other.serving), scope: scope, clock: { WallClock.now() })
        let report = try await SyncOutcome.run(SyncClient(store: local.syncing, transport: transport, batchSize: batchSize, clock: { WallClock.now() }),
                                               progressLines: progress, toPush: try SyncOutcome.pending(local, shown: progress))
        SyncOutcome.reportConvergence(report)
        print(SyncOutcome.summary(report, json: json))
        try SyncOutcome.failIfRefused(report)
    }
}

extension SyncCommand {
    func syncOverHTTP(_ local: Replica) async throws {
        let remembered = try local.syncing.rememberedServer()
        guard let server = server ?? remembered?.url else {
            throw CLIError.usage("首次同步请指定服务器和令牌: gongkai sync --server 地址 --token-file 令牌文件")
        }
        guard let token = try tokenOptions.given() ?? (server == remembered?.url ? remembered?.token : nil) ?? TokenInput.prompt("设备令牌 (乡镇用 gongkai admin issue-token 发放; 输入时不显示): ") else {
            throw CLIError.usage("请用 --token-file 文件 (或 --token -, 环境变量 GONGKAI_TOKEN) 指定设备令牌 (由乡镇用 gongkai admin issue-token 发放)")
        }
        guard server.hasPrefix("http://") || server.hasPrefix("https://") else {
            throw CLIError.usage("服务器地址应以 http:// 或 https:// 开头, 例如 http://192.168.1.10:8080")
        }
        // A certificate authority named now, or remembered with this server.
        let cacert = cacert.map { URL(fileURLWithPath: $0).standardizedFileURL.path }
            ?? (server == remembered?.url ? remembered?.caCertificate : nil)
        if let cacert, !FileManager.default.fileExists(atPath: cacert) { throw CLIError.failure("找不到证书文件 \(cacert)") }
        var generator = SystemRandomNumberGenerator()
        var configuration = HTTPClientConfiguration(baseURL: server, token: token,
                                                    session: String(generator.next() as UInt64, radix: 36), caCertificatePath: cacert)
        configuration.attempts = max(1, attempts)
        configuration.lowSpeedSeconds = max(1, stallTimeout)
        // Each retry is said, with why and how long it waits: a dead link is never silence.
        configuration.onRetry = { failure, attempt, attempts, wait in
            let why: String = switch failure {
            case .connection(let code, let detail): HTTPFailure.cause(code: code, detail: detail)
            default: failure.description
            }
            Terminal.endProgress()
            Terminal.error("连接服务器失败: \(why); \(Int(wait.rounded(.up))) 秒后第 \(attempt)/\(attempts) 次尝试 …")
        }
        if let delay = Environment.value("GONGKAI_RETRY_DELAY").flatMap(Double.init) { configuration.retryDelay = delay }
        let transport = CurlTransport(configuration: configuration)
        let started = WallClock.monotonicSeconds()
        let report: SyncReport
        do {
            // Remembered as soon as the server has taken a batch: a first sync cut off or
            // stopped after that goes on with a plain `gongkai sync`.
            let remember: (@Sendable () -> Void)? = noRemember ? nil : { @Sendable in _ = try? local.syncing.rememberServer(url: server, token: token, caCertificate: cacert) }
            // A server that has not answered within 2 s is said to be awaited, not left to silence.
            let answered = Atomic(false)
            let connectWait = configuration.connectTimeoutSeconds
            let waiting = Task {
                try await Task.sleep(nanoseconds: 2_000_000_000)
                if !answered.load(ordering: .relaxed) {
                    Terminal.error("正在等待服务器 \(server) 回应 (已等 2 秒; 连接最多等 \(connectWait) 秒, 失败会自动重试) …")
                }
            }
            defer { waiting.cancel() }
            report = try await SyncOutcome.run(SyncClient(store: local.syncing, transport: transport, batchSize: batchSize, clock: { WallClock.now() }),
                                               progressLines: progress, toPush: try SyncOutcome.pending(local, shown: progress),
                                               afterFirstExchange: { answered.store(true, ordering: .relaxed); remember?() })
        } catch let failure as HTTPFailure {
            throw CLIError.failure(failure.description)
        }
        if !noRemember { try local.syncing.rememberServer(url: server, token: token, caCertificate: cacert) }
        let statistics = transport.statistics
        // Tenths of a second by hand: `String(format:)` brings up Foundation's locale machinery,
        // a measurable part of a no-op sync.
        let tenths = Int(((WallClock.monotonicSeconds() - started) * 10).rounded())
        Terminal.error("请求 \(statistics.requests) 次, 发送 \(statistics.bytesSent) 字节, 接收 \(statistics.bytesReceived) 字节, "
                       + "用时 \(tenths / 10).\(tenths % 10) 秒" + (statistics.retries > 0 ? ", 重试 \(statistics.retries) 次" : ""))
        SyncOutcome.reportConvergence(report)
        print(SyncOutcome.summary(report, json: json))
        try SyncOutcome.failIfRefused(report)
    }
}

/// Running a sync and telling the user how it went.
enum SyncOutcome {
    /// `afterFirstExchange` runs once, when the server has taken or given the first batch.
    /// How many changes wait to be pushed, when progress is shown (a total for the percentage).
    static func pending(_ replica: Replica, shown: Bool) throws -> Int? {
        guard shown || Terminal.stderrIsInteractive else { return nil }
        return try replica.syncing.status().pendingChanges
    }

    /// `toPush`: the changes waiting at the start, for a total and a percentage.
    static func run(_ client: SyncClient, progressLines: Bool = false, toPush: Int? = nil,
                    afterFirstExchange: (@Sendable () -> Void)? = nil) async throws -> SyncReport {
        let first = Mutex(afterFirstExchange)
        do {
            let report = try await client.sync { progress in
                first.withLock { action in action?(); action = nil }
                var pushed = "\(progress.pushed)"
                if let toPush, toPush > 0 { pushed += "/\(toPush) (\(min(100, progress.pushed * 100 / toPush))%)" }
                Terminal.progress("同步中: 已推送 \(pushed), 已拉取 \(progress.pulled)", asLines: progressLines)
            }
            Terminal.endProgress()
            let awaiting = report.refused.filter(\.isAwaitingOwner)
            if !awaiting.isEmpty {
                let named = awaiting.prefix(5).map { "\(RecordKind(rawValue: $0.kind)?.label ?? $0.kind) \(TextRule.printable($0.id))" }
                Terminal.error("暂存在服务器上 \(awaiting.count) 条记录 (\(named.joined(separator: ", "))\(awaiting.count > 5 ? " 等" : "")): "
                               + "其中有本单位另一台电脑的修改, 服务器还没有 (服务器可能从备份恢复过)。那台电脑同步后自动合并, 不必做任何事, 也不要改 id")
            }
            for refusal in report.refused where !refusal.isAwaitingOwner {
                Terminal.error("未被接受: \(refusal.kind) \(refusal.id): \(refusal.reason)")
                if let kind = RecordKind(rawValue: refusal.kind) { Terminal.error("  解决: " + wayOut(kind, id: refusal.id, reason: refusal.reason)) }
            }
            if report.conflicts > 0 {
                Terminal.error("这次同步后有 \(report.conflicts) 条记录存在冲突 (两台电脑改了同一处): 运行 gongkai conflicts 查看, 选定一个值解决")
            }
            return report
        } catch let refused as SyncRefused {
            throw CLIError.failure("同步被拒绝: \(refused.description)")
        }
    }

    static func reportConvergence(_ report: SyncReport) {
        if report.restarted { Terminal.error("服务器的数据曾从备份恢复; 已重新核对全部记录") }
        switch report.converged {
        case true?: Terminal.error("已与服务器核对: 一致")
        case false? where !report.refused.isEmpty && report.refused.allSatisfy(\.isAwaitingOwner):
            Terminal.error("与服务器尚不一致: \(report.refused.count) 条记录等本单位另一台电脑同步后合并")
        case false? where !report.refused.isEmpty:
            Terminal.error("与服务器不一致: 有 \(report.refused.filter { !$0.isAwaitingOwner }.count) 条记录被拒收; 按上面的 \"解决\" 处理后再同步")
        case false?: Terminal.error("警告: 同步后与服务器的数据摘要不一致 (可能有人同时在同步); 请再运行一次 gongkai sync")
        case nil: break
        }
    }

    /// What the user can do about a record the server refused.
    /// Renaming is offered only where the id itself is what the server refuses (it belongs to
    /// another unit): anywhere else a renamed record is a second copy the township counts twice.
    static func wayOut(_ kind: RecordKind, id: String, reason: String) -> String {
        if Refusal.isAwaitingOwner(reason: reason) {
            return "不必处理: 本单位另一台电脑同步后, 这条记录自动合并"
        }
        if reason.contains("已属于单位") || reason.contains("不属于本副本") || reason.contains("无权写入") {
            return "gongkai \(kind.singular) rename \(id) [新id]   # 改用新 id, 内容不变"
        }
        if reason.contains("分叉") || reason.contains("reset-site") { return "gongkai reset-site 后再同步" }
        return "gongkai \(kind.singular) edit \(id) … 改正后再同步"
    }

    /// Records the server would not take make the run a failure the user must look at (exit 1);
    /// records it holds until another device syncs are not the user's to fix.
    static func failIfRefused(_ report: SyncReport) throws {
        let refused = report.refused.filter { !$0.isAwaitingOwner }
        guard !refused.isEmpty else { return }
        throw CLIError.failure("服务器拒收了 \(refused.count) 条记录 (原因见上, 也可用 gongkai status 查看); 其余记录已同步")
    }

    /// The final line: for a person at a terminal, in Chinese; for a script (output not a
    /// terminal), the line the CLI contract fixes, `synced: pushed N, pulled M, conflicts K`;
    /// with `--json`, the counts as JSON.
    static func summary(_ report: SyncReport, json: Bool = false) -> String {
        if json {
            return JSONValue.object([
                ("pushed", .integer(report.pushed)), ("pulled", .integer(report.pulled)), ("conflicts", .integer(report.conflicts)),
                ("refused", .integer(report.refused.filter { !$0.isAwaitingOwner }.count)),
                ("held", .integer(report.refused.filter(\.isAwaitingOwner).count)),
                ("converged", report.converged.map(JSONValue.bool) ?? .null), ("restarted", .bool(report.restarted)),
            ]).rendered()
        }
        if Terminal.stdoutIsInteractive {
            return "同步完成: 推送 \(report.pushed) 条, 拉取 \(report.pulled) 条, 冲突 \(report.conflicts) 处"
        }
        return "synced: pushed \(report.pushed), pulled \(report.pulled), conflicts \(report.conflicts)"
    }
}
