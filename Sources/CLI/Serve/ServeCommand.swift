import ArgumentParser
import CFatalSignal
import Foundation
import Logging
import Server
import Storage

struct ServeCommand: AsyncParsableCommand, ExampleProviding {
    /// Whether binding failed because the port is taken (NIO reports errno EADDRINUSE).
    static func isAddressInUse(_ error: any Error) -> Bool {
        let text = String(describing: error)
        return text.contains("Address already in use") || text.contains("EADDRINUSE") || text.contains("errno: 98")
    }

    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "运行乡镇的同步服务器 (数据库由 gongkai admin add-unit 创建)。",
        discussion: """
        每次同步会话记一行日志 (单位、站点、推送、拉取、冲突、字节数、用时)。收到 SIGTERM 或 Ctrl-C
        时先处理完进行中的请求再退出。用 --tls-cert/--tls-key 直接提供 HTTPS, 或放在 nginx 等反向代理之后。
        每个选项也可由环境变量给出 (GONGKAI_DB 或 GONGKAI_STORE, GONGKAI_SERVE_HOST, GONGKAI_SERVE_PORT, GONGKAI_UPSTREAM,
        GONGKAI_UPSTREAM_TOKEN 或 GONGKAI_UPSTREAM_TOKEN_FILE, GONGKAI_UPSTREAM_EVERY …): 安装包里的 systemd 服务
        (gongkai-serve.service) 从 /etc/gongkai/serve.conf 读取它们, 令牌不出现在命令行上。
        """
    )

    static let examples = [
        "gongkai serve --db town.sqlite --host 0.0.0.0 --port 8080",
        "gongkai serve --db town.sqlite --port 8443 --tls-cert server.pem --tls-key server.key",
        "gongkai serve --store postgresql://gongkai@db.county/gongkai --port 8801   # 县级平台: 可在同一数据库上运行多个",
        "gongkai serve --db town.sqlite --upstream https://county.example.cn --upstream-token-file 中继令牌.txt --every 10m   # 乡镇服务器定时向县同步",
    ]

    @OptionGroup var server: ServerStoreOptions
    @Option(help: ArgumentHelp("监听的地址; 默认取环境变量 GONGKAI_SERVE_HOST, 否则 127.0.0.1 (只有本机能连)", valueName: "HOST"))
    var host = Environment.value("GONGKAI_SERVE_HOST") ?? "127.0.0.1"
    @Option(help: ArgumentHelp("监听的端口; 0 表示任选一个空闲端口; 默认取 GONGKAI_SERVE_PORT, 否则 8080", valueName: "PORT"))
    var port = Environment.value("GONGKAI_SERVE_PORT").flatMap(Int.init) ?? 8080
    @Option(name: .customLong("tls-cert"), help: ArgumentHelp("HTTPS 证书链 (PEM); 默认取 GONGKAI_TLS_CERT", valueName: "FILE"))
    var tlsCert: String? = Environment.value("GONGKAI_TLS_CERT")
    @Option(name: .customLong("tls-key"), help: ArgumentHelp("HTTPS 私钥 (PEM); 默认取 GONGKAI_TLS_KEY", valueName: "FILE"))
    var tlsKey: String? = Environment.value("GONGKAI_TLS_KEY")
    @Option(help: ArgumentHelp("上级 (县) 服务器的地址: 本服务器启动时及此后每隔 --every 向它同步一次; 默认取 GONGKAI_UPSTREAM", valueName: "URL"))
    var upstream: String? = Environment.value("GONGKAI_UPSTREAM")
    @Option(name: .customLong("upstream-token"), help: ArgumentHelp("上级发给本单位的中继令牌 (gongkai admin issue-token --relay); 写 - 从标准输入读取。"
                                                                     + "写在命令行上时本机其他用户可以看到, 建议用 --upstream-token-file 或环境变量 GONGKAI_UPSTREAM_TOKEN",
                                                                     valueName: "TOKEN"))
    var upstreamToken: String?
    @Option(name: .customLong("upstream-token-file"), help: ArgumentHelp("从文件读取中继令牌; 默认取 GONGKAI_UPSTREAM_TOKEN_FILE", valueName: "FILE"))
    var upstreamTokenFile: String? = Environment.value("GONGKAI_UPSTREAM_TOKEN_FILE")
    @Option(name: .customLong("upstream-cacert"), help: ArgumentHelp("上级服务器自签证书的 CA (PEM); 默认取 GONGKAI_UPSTREAM_CACERT", valueName: "FILE"))
    var upstreamCacert: String? = Environment.value("GONGKAI_UPSTREAM_CACERT")
    @Option(help: ArgumentHelp("向上级同步的间隔: 秒数, 或 30s、10m、1h (至少 10 秒); 默认取 GONGKAI_UPSTREAM_EVERY, 否则 10m", valueName: "INTERVAL"))
    var every = Environment.value("GONGKAI_UPSTREAM_EVERY") ?? "10m"
    @Option(name: .customLong("max-connections-per-address"),
            help: ArgumentHelp("同一客户端地址最多同时打开的连接数 (许多村经同一路由器或政务外网出口同步时调大)", valueName: "N"))
    var maxConnectionsPerAddress = ServerConfiguration().maximumConnectionsPerAddress

    func run() async throws {
        guard (tlsCert == nil) == (tlsKey == nil) else { throw CLIError.usage("--tls-cert 和 --tls-key 要一起使用") }
        guard (8...100_000).contains(maxConnectionsPerAddress) else {
            throw CLIError.usage("--max-connections-per-address 应在 8 到 100000 之间, 收到 \(maxConnectionsPerAddress)")
        }
        if try server.postgresLocation() == nil, !FileManager.default.fileExists(atPath: server.replica.path) {
            throw CLIError.failure("服务器数据库 \(server.replica.path) 不存在; 先创建它: gongkai admin add-unit \(server.naming) --unit 乡镇代码 --name 乡镇名称, "
                                   + "再登记各村 (add-unit … --parent 乡镇代码) 并发放令牌 (issue-token)")
        }
        let opened = try server.open()
        let unit = try opened.servedUnit()
        guard unit.isTownship else {
            throw CLIError.failure("\(opened.location) 是村级副本; 服务器数据库请用 gongkai admin add-unit --db 服务器数据库 --unit 乡镇代码 --name 名称 创建")
        }
        let upstream = try upstreamSchedule(opened)
        LoggingSystem.bootstrap(StreamLogHandler.standardError)
        var logger = Logger(label: "gongkai")
        logger.logLevel = .info
        // A database put back from a backup: revocations it lost made again, tokens issued since
        // put back, and said in the log, before any device is answered.
        for line in TokenJournalFile.lines(try TokenJournalFile.reconcile(opened, now: WallClock.now())) { logger.notice("\(line)") }
        var configuration = ServerConfiguration()
        configuration.host = host
        configuration.port = port
        configuration.tlsCertificatePath = tlsCert
        configuration.tlsKeyPath = tlsKey
        configuration.maximumConnectionsPerAddress = maxConnectionsPerAddress
        let scheme = tlsCert == nil ? "http" : "https"
        let host = host
        gongkai_log_fatal_signals("gongkai serve: 致命错误, 进程退出 (信号 ")
        do {
            let localOnly = ["127.0.0.1", "localhost", "::1"].contains(host)
            let app = try SyncServer.buildApplication(store: opened.serving, configuration: configuration, logger: logger) { bound in
                let line = "gongkai serve: \(unit.name) (\(unit.code)) 正在监听 \(scheme)://\(host):\(bound)\n"
                FileHandle.standardOutput.write(Data(line.utf8))
                if localOnly {
                    Terminal.error("注意: 只监听 \(host), 只有这台电脑自己能连; 要让各村连进来, 用 --host 0.0.0.0 "
                                   + "(或在 /etc/gongkai/serve.conf 中写 GONGKAI_SERVE_HOST=0.0.0.0), 并在防火墙上打开端口 \(bound)")
                }
            }
            let upstreamLogger = logger
            let syncingUp = upstream.map { schedule in Task { await schedule.run(logger: upstreamLogger) } }
            defer { syncingUp?.cancel() }
            try await app.runService()
            // Every committed write into the database file itself: a copy of the file alone
            // made after `serve` stopped holds everything.
            try opened.close()
            logger.info("服务器已停止; 数据已全部写入 \(opened.location)")
        } catch let error as CLIError {
            throw error
        } catch where ServeCommand.isAddressInUse(error) {
            let message = "端口 \(port) 已被占用 (另一个 gongkai serve 或其他程序正在使用); 请先停止它, 或用 --port 换一个端口"
            logger.critical("服务器未能启动: \(message)")
            throw CLIError.failure(message)
        } catch {
            // Whatever stops the server is in its log, not only on a terminal that may be gone.
            logger.critical("服务器停止: \(error)")
            throw error
        }
    }

    /// The upstream sync `--upstream` asks for, checked before anything is served.
    private func upstreamSchedule(_ opened: ServerDatabase) throws -> UpstreamSchedule? {
        guard let upstream else {
            guard upstreamToken == nil, upstreamTokenFile == nil, upstreamCacert == nil else {
                throw CLIError.usage("--upstream-token 和 --upstream-cacert 要与 --upstream 一起使用")
            }
            return nil
        }
        guard upstream.hasPrefix("http://") || upstream.hasPrefix("https://") else {
            throw CLIError.usage("--upstream 应以 http:// 或 https:// 开头, 例如 https://county.example.cn")
        }
        guard let seconds = UpstreamSchedule.seconds(of: every), seconds >= UpstreamSchedule.shortest else {
            throw CLIError.usage("--every \(every) 不是有效的间隔: 写秒数或 30s、10m、1h, 至少 \(UpstreamSchedule.shortest) 秒")
        }
        guard case .sqlite(let replica) = opened else {
            throw CLIError.usage("--upstream 只用于乡镇服务器的 SQLite 数据库 (--db); 县级平台 (PostgreSQL) 不向上同步")
        }
        let remembered = try replica.syncing.rememberedServer()
        let given = try TokenInput.read(value: upstreamToken, file: upstreamTokenFile, environment: "GONGKAI_UPSTREAM_TOKEN", option: "--upstream-token")
        guard let token = given ?? (remembered?.url == upstream ? remembered?.token : nil) else {
            throw CLIError.usage("请用 --upstream-token 指定上级发给本单位的中继令牌 (上级运行 gongkai admin issue-token --unit 本单位代码 --relay)")
        }
        let cacert = upstreamCacert.map { URL(fileURLWithPath: $0).standardizedFileURL.path } ?? (remembered?.url == upstream ? remembered?.caCertificate : nil)
        if let cacert, !FileManager.default.fileExists(atPath: cacert) { throw CLIError.failure("找不到证书文件 \(cacert)") }
        return UpstreamSchedule(replica: replica, url: upstream, token: token, caCertificate: cacert, seconds: seconds)
    }
}
