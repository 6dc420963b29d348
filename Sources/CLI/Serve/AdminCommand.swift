import Codecs
import Records
import ArgumentParser
import Foundation
import PostgresStore
import RecordRules
import Storage
import SyncCore

struct AdminCommand: ParsableCommand, ExampleProviding {
    static let configuration = CommandConfiguration(
        commandName: "admin",
        abstract: "管理乡镇服务器的数据库: 登记、列出、移动、删除单位, 发放、列出、吊销设备令牌, 从备份恢复。",
        subcommands: [AdminAddUnit.self, AdminListUnits.self, AdminMoveUnit.self, AdminRemoveUnit.self, AdminIssueToken.self, AdminListTokens.self,
                      AdminRevokeToken.self, AdminSetQuota.self, AdminMigrate.self, AdminRestore.self]
    )

    static let examples = [
        "gongkai admin add-unit --db town.sqlite --unit 640522100000 --name 海原县西安镇人民政府",
        "gongkai admin add-unit --db town.sqlite --unit 640522100201 --name 园河村 --parent 640522100000",
        "gongkai admin issue-token --db town.sqlite --unit 640522100201",
        "gongkai admin add-unit --store postgresql://gongkai@db.county/gongkai --unit 640522000000 --name 海原县   # 县级平台 (PostgreSQL)",
    ]
}

struct AdminAddUnit: ParsableCommand, ExampleProviding {
    static let configuration = CommandConfiguration(
        commandName: "add-unit",
        abstract: "登记单位。不带 --parent 的是本服务器服务的单位 (乡镇或县, 每个服务器一个, 数据库不存在时创建); 其余单位以它或已登记的单位为上级, 层级不限 (县 → 乡镇 → 村)。")

    static let examples = [
        "gongkai admin add-unit --db town.sqlite --unit 640522100000 --name 海原县西安镇人民政府",
        "gongkai admin add-unit --db town.sqlite --unit 640522100201 --name 园河村 --parent 640522100000",
    ]

    @OptionGroup var server: ServerStoreOptions
    @Option(help: ArgumentHelp("单位代码", valueName: "CODE")) var unit: String
    @Option(help: ArgumentHelp("单位名称", valueName: "NAME")) var name: String
    @Option(help: ArgumentHelp("上级的代码: 本服务器的单位或已登记的单位", valueName: "CODE")) var parent: String?
    @Flag(help: "代码的位数不像行政区划代码 (6、9 或 12 位数字) 时也登记, 不再询问") var yes = false

    func run() throws {
        // A division code has 6 (county), 9 (township) or 12 (village) digits: another length of
        // digits alone is most often a digit typed twice or left out.
        if unit.allSatisfy(\.isASCII), unit.allSatisfy(\.isNumber), ![6, 9, 12].contains(unit.count), !yes {
            let question = "单位代码 \(unit) 有 \(unit.count) 位数字, 而行政区划代码是 6 位 (县)、9 位 (乡镇) 或 12 位 (村): 是不是多打或漏打了一位?"
            guard Prompting.confirm(question + " 确实要登记吗") else {
                throw CLIError.failure(question + " 没有登记; 确实如此请加 --yes 再运行")
            }
        }
        let served = GovernmentUnit(code: unit, name: name, isTownship: true)
        guard let opened = try openIfThere() else {
            guard parent == nil else {
                throw CLIError.failure("服务器数据库 \(server.store ?? server.replica.path) 还不存在; 请先不带 --parent 添加本服务器服务的乡镇")
            }
            var generator = SystemRandomNumberGenerator()
            // GONGKAI_SITE fixes the site id, as for `init`, so that a test can replay a server exactly.
            let site = Environment.value("GONGKAI_SITE").flatMap(SiteID.init) ?? SiteID.random(using: &generator)
            if let location = try server.postgresLocation() {
                let created = try PostgresServerStore.create(location, unit: served, site: site, deviceName: "服务器", now: WallClock.now())
                created.close()
                print("已在 \(location) 建立服务器数据库, 服务 \(unit) \(name)")
            } else {
                let created = try Replica.create(at: server.replica.path, unit: served, site: site, deviceName: "乡镇服务器", now: WallClock.now())
                print("已创建服务器数据库 \(created.path), 服务乡镇 \(unit) \(name)")
            }
            return
        }
        defer { try? opened.close() }
        let township = try opened.servedUnit()
        guard let parent else {
            throw CLIError.failure("服务器已服务乡镇 \(township.code) \(township.name); 一个服务器只服务一个乡镇。添加村请加 --parent \(township.code)")
        }
        let village = try opened.addVillage(code: unit, name: name, parent: parent)
        print("已登记 \(village.code) \(village.name) (上级 \(village.parent ?? township.code))")
    }

    /// The server database, or nil when there is none yet (no file; a PostgreSQL database that
    /// is not yet a store).
    private func openIfThere() throws -> ServerDatabase? {
        if server.store == nil { return FileManager.default.fileExists(atPath: server.replica.path) ? try server.open() : nil }
        do {
            return try server.open()
        } catch PostgresStoreError.notAStore {
            return nil
        }
    }
}

struct AdminIssueToken: ParsableCommand, ExampleProviding {
    static let configuration = CommandConfiguration(
        commandName: "issue-token",
        abstract: "为某单位的一台电脑发放设备令牌 (只显示这一次; 服务器只保存其摘要)。")

    static let examples = [
        "gongkai admin issue-token --db town.sqlite --unit 640522100201",
        "gongkai admin issue-token --db county.sqlite --unit 640522100000 --relay   # 乡镇服务器向县同步用",
    ]

    @OptionGroup var server: ServerStoreOptions
    @Option(help: ArgumentHelp("单位代码", valueName: "CODE")) var unit: String
    @Flag(help: "中继令牌: 给下级服务器 (乡镇服务器向县同步), 可代其下所有村的电脑提交修改; 不要发给个人电脑")
    var relay = false

    func run() throws {
        var generator = SystemRandomNumberGenerator()
        let token = "gk_" + (0..<3).map { _ in Hex.string(generator.next() as UInt64) }.joined()
        let opened = try server.open()
        defer { try? opened.close() }
        let secret = try ServerSecretFile.loadOrCreate(ServerSecretFile.path(for: opened))
        let now = WallClock.now()
        let owner = try opened.issueToken(token, unit: unit, relays: relay, secret: secret, now: now)
        let hash = DeviceToken.hash(of: token)
        // Also in the journal beside the database, so that a restore from an older backup keeps it.
        try TokenJournalFile.append(.issued(.init(hash: hash, unit: owner.code, relays: relay,
                                                  sealedKey: BundleKey.seal(BundleKey.derive(token: token), tokenHash: hash, secret: secret), at: now)),
                                    for: opened)
        print(token)
        if relay {
            Terminal.error("以上是 \(owner.code) \(owner.name) 的中继令牌, 只显示这一次; 在该单位的服务器上运行 "
                           + "gongkai sync --db 服务器数据库 --server 地址 --token-file 令牌文件, 或写进它的 /etc/gongkai/serve.conf (GONGKAI_UPSTREAM_TOKEN)")
        } else {
            Terminal.error("以上是 \(owner.code) \(owner.name) 的设备令牌, 只显示这一次; 把它存成一个文件带到那台电脑上, 新电脑运行 "
                           + "gongkai init --server 本服务器地址 --token-file 令牌文件 (已有副本的电脑运行 gongkai sync --server 本服务器地址 --token-file 令牌文件)")
        }
    }
}

struct AdminRevokeToken: ParsableCommand, ExampleProviding {
    static let configuration = CommandConfiguration(
        commandName: "revoke-token",
        abstract: "吊销设备令牌: 持有它的电脑不能再同步; 它用过的站点可由同单位的新令牌接管。")
    static let examples = [
        "gongkai admin revoke-token --db town.sqlite --token gk_0123456789abcdef0123456789abcdef0123456789abcdef",
        "gongkai admin revoke-token --db town.sqlite --id 3f2a9c01b7de   # 编号见 gongkai admin list-tokens",
    ]

    @OptionGroup var server: ServerStoreOptions
    @Option(help: ArgumentHelp("要吊销的令牌", valueName: "TOKEN")) var token: String?
    @Option(help: ArgumentHelp("要吊销的令牌的编号 (gongkai admin list-tokens 列出)", valueName: "TOKEN_ID")) var id: String?

    func run() throws {
        let opened = try server.open()
        defer { try? opened.close() }
        let unit: String
        let hash: String
        let now = WallClock.now()
        switch (token, id) {
        case (let token?, nil): (unit, hash) = (try opened.revokeToken(token, now: now), DeviceToken.hash(of: token))
        case (nil, let id?): (unit, hash) = (try opened.revokeToken(id: id, now: now), try opened.tokenHash(id: id))
        default: throw CLIError.usage("请用 --token 令牌 或 --id 编号 (二者选一) 指定要吊销的令牌")
        }
        // Also in the journal beside the database: a restore from an older backup cannot undo it.
        do {
            try TokenJournalFile.append(.revoked(hash: hash, at: now), for: opened)
        } catch {
            throw CLIError.failure("已在数据库中吊销, 但写不进令牌记录文件 \(TokenJournalFile.path(for: opened)) (\(error)); "
                                   + "若以后从备份恢复, 请再吊销一次这个令牌")
        }
        print("已吊销单位 \(unit) 的一个设备令牌")
    }
}
