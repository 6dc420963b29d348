import Foundation
import PostgresStore
import RecordRules

/// The file of a server's secret (`ServerSecret`), which seals its devices' bundle keys: kept
/// apart from the database, so that a copy of the database alone (a backup, a file taken away)
/// signs nothing. `gongkai backup` does not copy it; `admin migrate` carries it to the store.
enum ServerSecretFile {
    /// `GONGKAI_SERVER_KEY` when set; else beside a SQLite database (`town.sqlite.key`); else, for
    /// a PostgreSQL store, `$XDG_CONFIG_HOME/gongkai/server-keys/DATABASE@HOST.key` (copy it to
    /// each machine that runs `serve`, `bundle import` or `admin issue-token` on that store).
    static func path(forDatabaseAt path: String) -> String {
        Environment.value("GONGKAI_SERVER_KEY") ?? path + ".key"
    }

    static func path(for location: PostgresLocation) -> String {
        if let path = Environment.value("GONGKAI_SERVER_KEY") { return path }
        let config = Environment.value("XDG_CONFIG_HOME") ?? (NSHomeDirectory() + "/.config")
        let host = location.description.split(separator: "@").last.map { String($0.prefix { $0 != "/" && $0 != ":" }) } ?? "localhost"
        return "\(config)/gongkai/server-keys/\(location.database)@\(host).key"
    }

    static func path(for database: ServerDatabase) -> String {
        switch database {
        case .sqlite(let replica): path(forDatabaseAt: replica.path)
        case .postgres(let store): path(for: store.location)
        }
    }

    /// The secret in `path`; nil when there is no such file.
    static func load(_ path: String) throws -> ServerSecret? {
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw CLIError.failure("无法读取服务器密钥文件 \(path) (权限?); 请以运行服务器的用户执行")
        }
        guard let secret = ServerSecret(bytes: Array(data)) else {
            throw CLIError.failure("服务器密钥文件 \(path) 已损坏 (应为 \(ServerSecret.byteCount) 字节); 请从备份恢复它")
        }
        return secret
    }

    /// The secret in `path`, made (readable by this user only) when there is none yet.
    static func loadOrCreate(_ path: String) throws -> ServerSecret {
        if let secret = try load(path) { return secret }
        let (secret, bytes) = ServerSecret.generate()
        try write(bytes, to: path)
        Terminal.error("已生成服务器密钥 \(path) (只有本用户可读): 它与数据库分开保存, 备份数据库时请另行妥善保存它")
        return secret
    }

    /// Writes a secret's bytes, readable by this user only, never over another file.
    static func write(_ bytes: [UInt8], to path: String) throws {
        try PrivateFile.makeFolder((path as NSString).deletingLastPathComponent)
        try PrivateFile.create(path, bytes: bytes)
    }

    /// The secret that opens the bundle keys a store holds: required once it holds any.
    static func forBundles(_ path: String, holdsKeys: Bool) throws -> ServerSecret? {
        if let secret = try load(path) { return secret }
        guard !holdsKeys else {
            throw CLIError.failure("找不到服务器密钥文件 \(path): 设备的同步文件签名密钥由它封存, 没有它无法核对 (它不随数据库备份, 需另行恢复); "
                                   + "或为这些设备重新发放令牌 (gongkai admin issue-token), 吊销旧的")
        }
        return nil
    }
}
