import ArgumentParser
import Foundation
import PostgresStore
import Storage

struct AdminMigrate: ParsableCommand, ExampleProviding {
    static let configuration = CommandConfiguration(
        commandName: "migrate",
        abstract: "把乡镇服务器的 SQLite 数据库整体迁移到 PostgreSQL (县级平台): 记录、版本、设备、令牌、已发布的报告, 一条不少。",
        discussion: """
        先停止 gongkai serve。目标须是一个空的数据库 (createdb 建立)。迁移在一个事务中完成: 全部成功, 或什么都不写;
        每个单位的摘要须与源数据库一致, 否则拒绝。迁移后在新数据库上运行 gongkai serve --store 地址,
        各村电脑照常同步, 无需重新上传 (它们的同步位置仍然有效)。
        """)

    static let examples = [
        "gongkai admin migrate --from town.sqlite --to postgresql://gongkai@db.county/gongkai",
        "gongkai admin migrate --from town.sqlite --to \"postgresql:///gongkai?host=/var/run/postgresql\"",
    ]

    @Option(help: ArgumentHelp("乡镇服务器的 SQLite 数据库", valueName: "SERVER.db")) var from: String
    @Option(help: ArgumentHelp("目标 PostgreSQL 数据库 (空的)", valueName: "URL")) var to: String

    func run() throws {
        let location = try PostgresLocation(to)
        guard FileManager.default.fileExists(atPath: from) else { throw CLIError.failure("没有文件 \(from)") }
        let source = try Replica.open(at: from, now: WallClock.now())
        let exporter = source.exporter
        let header = try exporter.header()
        guard header.identity.unit.isTownship else {
            throw CLIError.failure("\(from) 是村级副本, 不是服务器数据库; 迁移的是乡镇服务器的数据库 (gongkai admin add-unit 创建的)")
        }
        // The server's secret goes with it (the devices' bundle keys are sealed with it), beside the store.
        let (secretFrom, secretTo) = (ServerSecretFile.path(forDatabaseAt: from), ServerSecretFile.path(for: location))
        let secret = secretFrom == secretTo ? nil : try ServerSecretFile.load(secretFrom)
        if secret != nil, FileManager.default.fileExists(atPath: secretTo),
           FileManager.default.contents(atPath: secretTo) != FileManager.default.contents(atPath: secretFrom) {
            throw CLIError.failure("\(secretTo) 已有另一个服务器密钥; 请确认后移走它, 再迁移 (迁移会把 \(secretFrom) 复制过去)")
        }
        var reported = 0
        let store = try PostgresServerStore.migrate(into: location, header: header, nextRecords: { seq in
            try exporter.records(after: seq, limit: 5_000)
        }, progress: { moved in
            // A line every 50,000 records on a terminal, or at the end.
            if moved - reported >= 50_000 || moved == header.recordCount {
                reported = moved
                Terminal.error("已迁移 \(moved) / \(header.recordCount) 条记录")
            }
        })
        store.close()
        if secret != nil, !FileManager.default.fileExists(atPath: secretTo) {
            try ServerSecretFile.write(Array(FileManager.default.contents(atPath: secretFrom) ?? Data()), to: secretTo)
            Terminal.error("服务器密钥已复制到 \(secretTo); 在其他运行 serve 的机器上也要放一份 (或用 GONGKAI_SERVER_KEY 指定)")
        }
        print("已迁移到 \(location): \(header.units.count) 个单位, \(header.recordCount) 条记录, \(header.sites.count) 台设备, "
              + "\(header.tokens.count) 个令牌, \(header.published.count) 个已发布报告版本")
        print("下一步: gongkai serve --store \(location)")
    }
}
