import Foundation
import Testing

/// A restore puts back an older database: it must not bring back a token revoked since, nor
/// stop the tokens issued since from working, and the server must say it is a restored copy.
@Suite("Faults: device tokens across a restore from backup")
struct TokenRestoreTests {
    static let village = "640522100201"

    /// A township whose backup was taken after laptop a got its token; since then a's token was
    /// revoked (the laptop was stolen) and laptop c was given one and synced.
    static func townAfterBackup() throws -> Township {
        let town = try Township(villages: [village])
        try town.laptop("a", unit: village)
        try town.sync("a")
        let backup = try town.workspace.gongkai(["backup", "--to", town.workspace.path("backup.sqlite")], db: "town.sqlite")
        #expect(backup.status == 0, "\(backup.stderr)")
        let revoked = try town.workspace.gongkai(["admin", "revoke-token", "--token", town.tokens["a"]!], db: "town.sqlite")
        #expect(revoked.status == 0, "\(revoked.stderr)")
        #expect(try town.sync("a", expectSuccess: false).status != 0)
        try town.laptop("c", unit: village)
        try town.sync("c")
        return town
    }

    static func tokenID(_ town: Township, _ laptop: String) throws -> String {
        let listed = try town.workspace.gongkai(["admin", "list-tokens", "--json"], db: "town.sqlite")
        let tokens = try JSONSerialization.jsonObject(with: Data(listed.stdout.utf8)) as? [[String: Any]] ?? []
        // Each laptop synced once, under its device name.
        let id = tokens.first { ($0["device"] as? [String]) == [laptop] }?["id"] as? String
        return try #require(id, "\(listed.stdout)")
    }

    @Test("admin restore: the revoked token stays revoked, the token issued since keeps working, both named, the old database kept")
    func restoreCommand() throws {
        let town = try Self.townAfterBackup()
        let (a, c) = (try Self.tokenID(town, "a"), try Self.tokenID(town, "c"))
        // When the township stops the server and restores the backup
        town.server.kill()
        let restored = try town.workspace.gongkai(["admin", "restore", "--from", town.workspace.path("backup.sqlite")], db: "town.sqlite")
        // Then it says what it did again, by token id
        #expect(restored.status == 0, "\(restored.stderr)")
        #expect(restored.stdout.contains("已重新吊销 1 个令牌") && restored.stdout.contains(a), "\(restored.stdout)")
        #expect(restored.stdout.contains("已恢复 1 个备份之后发放的令牌") && restored.stdout.contains(c), "\(restored.stdout)")
        #expect(restored.stdout.contains("原数据库已另存为"), "\(restored.stdout)")
        let kept = try FileManager.default.contentsOfDirectory(atPath: town.workspace.url.path).filter { $0.hasPrefix("town.sqlite.before-restore-") }
        #expect(kept.count == 1)
        // And once serving again, the revoked laptop is refused and the new one syncs
        town.server = try ServerProcess(workspace: town.workspace)
        let stolen = try town.sync("a", expectSuccess: false)
        #expect(stolen.status != 0 && stolen.stderr.contains("吊销"), "\(stolen.stderr)")
        try town.sync("c")
        // And the server and list-tokens say the database is a restored copy
        #expect(town.server.log.contains("从备份恢复的副本"), "\(town.server.log)")
        let listed = try town.workspace.gongkai(["admin", "list-tokens"], db: "town.sqlite")
        #expect(listed.stderr.contains("从备份恢复的副本"), "\(listed.stderr)")
        #expect(listed.stdout.split(separator: "\n").contains { $0.hasPrefix(Substring(a)) && $0.contains("已吊销") }, "\(listed.stdout)")
    }

    @Test("the backup copied over the database by hand: serve makes the revocation again and keeps the new token, and says so")
    func restoredByHand() throws {
        let town = try Self.townAfterBackup()
        let a = try Self.tokenID(town, "a")
        town.server.kill()
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: town.workspace.path("town.sqlite") + suffix) }
        try FileManager.default.copyItem(atPath: town.workspace.path("backup.sqlite"), toPath: town.workspace.path("town.sqlite"))
        town.server = try ServerProcess(workspace: town.workspace)
        #expect(try town.sync("a", expectSuccess: false).status != 0)
        try town.sync("c")
        let log = town.server.log
        #expect(log.contains("已重新吊销 1 个令牌") && log.contains(a) && log.contains("已恢复 1 个备份之后发放的令牌"), "\(log)")
    }
}
