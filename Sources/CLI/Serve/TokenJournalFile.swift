import Foundation
import PostgresStore
import RecordRules
import Records

/// The file of a server's token journal (`TokenJournal`): beside a SQLite database
/// (`town.sqlite.tokens`), or beside a PostgreSQL store's key file. A restore puts back the
/// database, never this file, so the database is made to agree with it whenever a server or an
/// administrator opens it (`reconcile`).
enum TokenJournalFile {
    static func path(for database: ServerDatabase) -> String {
        switch database {
        case .sqlite(let replica): replica.path + ".tokens"
        case .postgres(let store):
            // Beside the store's key file: `DATABASE@HOST.key` → `DATABASE@HOST.tokens`.
            ((ServerSecretFile.path(for: store.location) as NSString).deletingPathExtension) + ".tokens"
        }
    }

    static func append(_ entry: TokenJournal.Entry, for database: ServerDatabase) throws {
        let path = path(for: database)
        try PrivateFile.makeFolder((path as NSString).deletingLastPathComponent)
        try PrivateFile.append(path, line: TokenJournal.line(entry))
    }

    static func entries(for database: ServerDatabase) throws -> [TokenJournal.Entry] {
        let path = path(for: database)
        guard FileManager.default.fileExists(atPath: path) else { return [] }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw CLIError.failure("无法读取令牌记录文件 \(path) (权限?); 请以运行服务器的用户执行")
        }
        let read = TokenJournal.entries(String(decoding: data, as: UTF8.self))
        if !read.damaged.isEmpty {
            Terminal.error("注意: 令牌记录文件 \(path) 第 \(read.damaged.map(String.init).joined(separator: ", ")) 行不完整 (写入时中断?), 已略过")
        }
        return read.entries
    }

    struct Reconciled {
        var reinstated: [TokenJournal.Issued] = []
        var revoked: [String] = []
        var missingUnit: [TokenJournal.Issued] = []
        var restored: (from: String, at: Int64)?
    }

    /// Makes the database agree with the journal: revocations a restore undid are made again,
    /// tokens issued after the backup was taken are put back. Says what it did, and whether the
    /// database is a restored copy.
    static func reconcile(_ database: ServerDatabase, restoredFrom: String? = nil, now: Int64) throws -> Reconciled {
        var entries = try entries(for: database)
        let plan = TokenJournal.plan(entries, held: try database.tokenStates())
        var outcome = Reconciled()
        if !plan.isEmpty {
            outcome.missingUnit = try database.apply(plan)
            outcome.reinstated = plan.reinstate.filter { token in !outcome.missingUnit.contains(token) }
            outcome.revoked = plan.revoke.map(\.hash)
        }
        // Marked once: by `admin restore`, or when a database put back by hand is found.
        if restoredFrom != nil || !outcome.reinstated.isEmpty || !outcome.revoked.isEmpty {
            let restore = TokenJournal.Entry.restored(from: restoredFrom ?? "(直接替换了数据库文件, 启动时发现)", at: now)
            try append(restore, for: database)
            entries.append(restore)
        }
        outcome.restored = TokenJournal.lastRestore(entries)
        return outcome
    }

    /// What `reconcile` did, in lines for the administrator.
    static func lines(_ outcome: Reconciled) -> [String] {
        var lines: [String] = []
        if let restored = outcome.restored {
            lines.append("注意: 此数据库是从备份恢复的副本 (\(WallClock.format(restored.at)) 恢复, 来自 \(TextRule.printable(restored.from))); "
                         + "备份之后各村的修改会在它们下次同步时重新提交")
        }
        if !outcome.revoked.isEmpty {
            lines.append("已重新吊销 \(outcome.revoked.count) 个令牌 (备份之后吊销的): "
                         + outcome.revoked.map { String($0.prefix(DeviceToken.idLength)) }.joined(separator: ", "))
        }
        if !outcome.reinstated.isEmpty {
            lines.append("已恢复 \(outcome.reinstated.count) 个备份之后发放的令牌, 持有它们的电脑照常同步: "
                         + outcome.reinstated.map { "\($0.hash.prefix(DeviceToken.idLength)) (\($0.unit), 发放于 \(WallClock.format($0.at)))" }.joined(separator: ", "))
        }
        for token in outcome.missingUnit {
            lines.append("令牌 \(token.hash.prefix(DeviceToken.idLength)) 的单位 \(token.unit) 不在恢复的数据库中 (备份之后登记的); "
                         + "请先 gongkai admin add-unit --db 服务器数据库 --unit \(token.unit) --name 名称 --parent 上级, 再运行 gongkai admin list-tokens 恢复它")
        }
        return lines
    }
}
