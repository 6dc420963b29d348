import Records
import ArgumentParser
import Foundation
import Storage
import SyncCore
import SyncHTTP
import SyncWire

struct InitCommand: AsyncParsableCommand, ExampleProviding {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "为一个单位新建副本 (村, 或加 --township 为乡镇本身)。不会覆盖已有文件。",
        discussion: """
        有乡镇发的设备令牌时, 用 --server 地址 和令牌 (--token-file 文件, --token -, 或环境变量 GONGKAI_TOKEN):
        单位代码、名称和上级从服务器取得, 不用手填, 服务器和令牌也一并记住, 之后直接 gongkai sync。
        """
    )

    static let examples = [
        "gongkai init --server http://192.168.1.10:8080 --token-file 园河村令牌.txt   # 单位代码和名称从服务器取得",
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

    @Option(help: ArgumentHelp("乡镇服务器的地址: 从它取得本单位的代码和名称 (需要设备令牌)", valueName: "URL"))
    var server: String?
    @OptionGroup var tokenOptions: TokenOptions
    @Option(help: ArgumentHelp("信任的证书颁发机构 (PEM), 用于乡镇自建的 HTTPS 证书", valueName: "FILE")) var cacert: String?

    func run() async throws {
        if FileManager.default.fileExists(atPath: replica.path) { throw InitCommand.exists(replica.path) }
        var unit = self.unit, given = self.name, parent = self.parent, township = self.township
        var remembered: (url: String, token: String)?
        if let server {
            guard let token = try tokenOptions.given() ?? TokenInput.prompt("设备令牌 (乡镇用 gongkai admin issue-token 发放; 输入时不显示): ") else {
                throw CLIError.usage("请用 --token-file 文件 (或 --token -, 环境变量 GONGKAI_TOKEN) 给出乡镇发放的设备令牌")
            }
            let identity = try await InitCommand.identity(server: server, token: token, cacert: cacert)
            if let unit, unit != identity.unit.code {
                throw CLIError.failure("这个令牌是单位 \(identity.unit.code) \(TextRule.printable(identity.unit.name)) 的, 而 --unit 写的是 \(unit); "
                                       + "不写 --unit 即可, 或向乡镇要本单位的令牌")
            }
            (unit, given, parent) = (identity.unit.code, identity.unit.name, identity.unit.parent)
            township = identity.unit.code == identity.server.code
            if township { parent = nil }
            remembered = (server, token)
        }
        let code = try Prompting.require(unit, option: "--unit", label: "单位代码", example: "640522100201")
        let name = try Prompting.require(given, option: "--name", label: "单位名称", example: "园河村")
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
        if let remembered { try created.syncing.rememberServer(url: remembered.url, token: remembered.token, caCertificate: cacert) }
        print("已创建\(township ? "乡镇" : "村级")副本 \(created.path)")
        print("单位: \(identity.unit.code) \(identity.unit.name); 站点: \(identity.site)")
        if remembered != nil { print("已记住服务器和令牌; 同步: gongkai sync") }
    }

    /// The token's unit, asked of the server.
    static func identity(server: String, token: String, cacert: String?) async throws -> TokenIdentity {
        guard server.hasPrefix("http://") || server.hasPrefix("https://") else {
            throw CLIError.usage("服务器地址应以 http:// 或 https:// 开头, 例如 http://192.168.1.10:8080")
        }
        var generator = SystemRandomNumberGenerator()
        var configuration = HTTPClientConfiguration(baseURL: server, token: token, session: String(generator.next() as UInt64, radix: 36),
                                                    caCertificatePath: cacert.map { URL(fileURLWithPath: $0).standardizedFileURL.path })
        configuration.attempts = 2
        do {
            return try await CurlTransport(configuration: configuration).identity()
        } catch HTTPFailure.status(code: 404, _) {
            throw CLIError.failure("服务器 \(server) 是旧版本的 gongkai, 不能告知令牌的单位; 请先升级服务器, "
                                   + "或用 gongkai init --unit 单位代码 --name 名称 --parent 乡镇代码 新建, 再 gongkai sync --server \(server)")
        } catch let failure as HTTPFailure {
            throw CLIError.failure(failure.description)
        } catch let refused as SyncRefused {
            throw CLIError.failure("服务器拒绝了这个令牌: \(refused.description)")
        }
    }

    /// An existing file is never overwritten; one that holds nothing yet may be deleted by hand.
    static func exists(_ path: String) -> CLIError {
        if let opened = try? Replica.open(at: path, now: WallClock.now()), let status = try? opened.syncing.status(),
           status.records.values.reduce(0, +) == 0, status.lastSync == nil {
            let identity = try? opened.units.identity()
            return .failure("\(path) 已存在 (单位 \(identity.map { "\($0.unit.code) \(TextRule.printable($0.unit.name))" } ?? "?"), 还没有任何记录, 从未同步); "
                            + "若是建错了, 删除这个文件 (rm \(path)) 后重新运行 gongkai init; 要另建一个副本请用 --db 指定另一个路径")
        }
        return .failure("\(path) 已存在; gongkai init 不会覆盖已有的文件。要新建副本请用 --db 指定另一个路径")
    }
}
