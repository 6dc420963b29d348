import ArgumentParser
import Foundation
import RecordRules
import Storage

/// `gongkai admin restore --from BACKUP --db town.sqlite`: a server database put back from a
/// backup without undoing what a rollback must not undo (revoked tokens stay revoked, tokens
/// issued since keep working), the database it replaces kept beside it.
struct AdminRestore: ParsableCommand, ExampleProviding {
    static let configuration = CommandConfiguration(
        commandName: "restore",
        abstract: "从备份恢复服务器数据库: 备份之后吊销的令牌重新吊销, 备份之后发放的令牌继续有效, 原数据库另存一份。",
        discussion: """
        先停止 gongkai serve, 恢复后再启动。备份之后各村的修改不会丢: 各村下次同步时自动重新提交
        (同一村几台电脑互相带着对方修改的记录, 会暂存到那台电脑同步后合并)。
        令牌的发放和吊销另记在数据库旁的 .tokens 文件里 (恢复不会覆盖它); 不经本命令直接替换数据库文件时,
        gongkai serve 启动时也会据此重新吊销、恢复令牌。
        县级平台 (PostgreSQL) 先用 pg_restore 恢复数据库, 再运行 gongkai admin restore --store URL。
        """
    )

    static let examples = [
        "gongkai admin restore --from /media/usb/town-2021-12-31.sqlite --db town.sqlite",
        "gongkai admin restore --store postgresql://gongkai@db.county/gongkai   # pg_restore 之后",
    ]

    @OptionGroup var server: ServerStoreOptions
    @Option(help: ArgumentHelp("备份文件 (gongkai backup 做的)", valueName: "BACKUP")) var from: String?

    func run() throws {
        if server.store != nil {
            guard from == nil else { throw CLIError.usage("PostgreSQL 数据库请先用 pg_restore 恢复, 再不带 --from 运行 gongkai admin restore --store URL") }
            try report(try server.open(), from: "pg_restore")
            return
        }
        guard let from else { throw CLIError.usage("请用 --from 指定备份文件, 例如 gongkai admin restore --from town-备份.sqlite --db town.sqlite") }
        let target = server.replica.path
        let incoming = target + ".restoring-\(ProcessInfo.processInfo.processIdentifier)"
        defer { for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: incoming + suffix) } }
        _ = try Database.backup(from: from, to: incoming)
        try check(incoming, against: target, backup: from)
        if FileManager.default.fileExists(atPath: target) {
            let stamp = target + ".before-restore-" + WallClock.fileStamp(WallClock.now())
            let kept = ([stamp] + (2...99).map { "\(stamp)-\($0)" }).first { !FileManager.default.fileExists(atPath: $0) } ?? stamp
            do {
                _ = try Database.backup(from: target, to: kept)
                for suffix in ["-wal", "-shm", ""] { try? FileManager.default.removeItem(atPath: target + suffix) }
            } catch {
                // A damaged database (often why a backup is restored) cannot be copied: its files
                // are moved aside as they are, nothing deleted.
                for suffix in ["", "-wal", "-shm"] where FileManager.default.fileExists(atPath: target + suffix) {
                    try FileManager.default.moveItem(atPath: target + suffix, toPath: kept + suffix)
                }
            }
            print("原数据库已另存为 \(kept)")
        }
        try FileManager.default.moveItem(atPath: incoming, toPath: target)
        try report(.sqlite(try Replica.open(at: target, now: WallClock.now())), from: from)
        print("已从 \(from) 恢复 \(target); 启动服务: gongkai serve --db \(target)")
    }

    /// The backup is a server database of the same server (the same unit) as the one it replaces.
    private func check(_ incoming: String, against target: String, backup: String) throws {
        let copy = try Replica.open(at: incoming, now: WallClock.now())
        let unit = try copy.units.identity().unit
        guard unit.isTownship, try copy.devices.servesDevices() else {
            throw CLIError.failure("\(backup) 不是服务器数据库 (是村里电脑的副本?); 请选乡镇服务器的备份")
        }
        try copy.database.checkpoint()
        guard FileManager.default.fileExists(atPath: target), let current = try? Replica.open(at: target, now: WallClock.now()),
              let served = try? current.units.identity().unit else { return }
        guard served.code == unit.code else {
            throw CLIError.failure("\(backup) 是 \(unit.code) \(unit.name) 的服务器备份, 而 \(target) 服务 \(served.code) \(served.name); 没有恢复任何东西")
        }
    }

    private func report(_ opened: ServerDatabase, from: String) throws {
        defer { try? opened.close() }
        let outcome = try TokenJournalFile.reconcile(opened, restoredFrom: from, now: WallClock.now())
        for line in TokenJournalFile.lines(outcome) { print(line) }
        if outcome.revoked.isEmpty && outcome.reinstated.isEmpty { print("令牌与备份时一致, 没有需要重新吊销或恢复的令牌") }
    }
}
