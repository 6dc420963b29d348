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
        """
    )

    static let examples = [
        "gongkai serve --db town.sqlite --host 0.0.0.0 --port 8080",
        "gongkai serve --db town.sqlite --port 8443 --tls-cert server.pem --tls-key server.key",
        "gongkai serve --store postgresql://gongkai@db.county/gongkai --port 8801   # 县级平台: 可在同一数据库上运行多个",
    ]

    @OptionGroup var server: ServerStoreOptions
    @Option(help: ArgumentHelp("监听的地址", valueName: "HOST")) var host = "127.0.0.1"
    @Option(help: ArgumentHelp("监听的端口; 0 表示任选一个空闲端口", valueName: "PORT")) var port = 8080
    @Option(name: .customLong("tls-cert"), help: ArgumentHelp("HTTPS 证书链 (PEM)", valueName: "FILE")) var tlsCert: String?
    @Option(name: .customLong("tls-key"), help: ArgumentHelp("HTTPS 私钥 (PEM)", valueName: "FILE")) var tlsKey: String?

    func run() async throws {
        guard (tlsCert == nil) == (tlsKey == nil) else { throw CLIError.usage("--tls-cert 和 --tls-key 要一起使用") }
        let opened = try server.open()
        let unit = try opened.servedUnit()
        guard unit.isTownship else {
            throw CLIError.failure("\(opened.location) 是村级副本; 服务器数据库请用 gongkai admin add-unit 创建")
        }
        LoggingSystem.bootstrap(StreamLogHandler.standardError)
        var logger = Logger(label: "gongkai")
        logger.logLevel = .info
        var configuration = ServerConfiguration()
        configuration.host = host
        configuration.port = port
        configuration.tlsCertificatePath = tlsCert
        configuration.tlsKeyPath = tlsKey
        let scheme = tlsCert == nil ? "http" : "https"
        let host = host
        gongkai_log_fatal_signals("gongkai serve: 致命错误, 进程退出 (信号 ")
        do {
            let app = try SyncServer.buildApplication(store: opened.serving, configuration: configuration, logger: logger) { bound in
                let line = "gongkai serve: \(unit.name) (\(unit.code)) 正在监听 \(scheme)://\(host):\(bound)\n"
                FileHandle.standardOutput.write(Data(line.utf8))
            }
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
}
