import Foundation
import RecordRules
import SyncCore
import SyncWire
import Testing
import TestSupport
import TestTiers

/// Issue 27, finding 3: a bundle's signing key was the SHA-256 of the device's token, which is
/// exactly what the server stores; a village holding a copy of the server's database (the
/// README's "whole database on a stick", any backup, a readable file) forged a bundle as another
/// village, the township took it, and that village's real laptop was then told it was a copy.
/// Now a device signs with a key derived from its token, which the server keeps sealed with a
/// secret of its own, apart from the database; the copy on a stick is retired.
@Suite("Trust: a copy of the server's database cannot sign a bundle as any village", .tags(.slow), .fullSuiteOnly)
struct BundleKeyTests {
    static let (villageA, villageB) = (TestSupport.village.code, secondVillage.code)

    /// A township with laptops `a` (village A) and `b` (village B), each synced once by network.
    static func township() throws -> Township {
        let town = try Township(villages: [villageA, villageB])
        try town.laptop("a", unit: villageA, site: "aaaaaaaaaaaaaaa1")
        try town.laptop("b", unit: villageB, site: "bbbbbbbbbbbbbbb1")
        for name in ["a", "b"] {
            #expect(try town.gongkai(name, ["fee", "add", "--id", "fee-\(name)", "--collected-on", "2021-04-01", "--amount-yuan", "5"]).status == 0)
            try town.sync(name)
        }
        return town
    }

    /// A bundle that says it is from village B's laptop: one new fee of B's site, and the end of
    /// a sync, signed as `signing` says.
    static func forgedAsB(_ copy: String, workspace: Workspace, hash chosen: String? = nil, signing: (String) -> BundleFile.Signing) throws -> [UInt8] {
        func sql(_ query: String) throws -> String {
            try GongkaiProcess.runTool(URL(fileURLWithPath: "/usr/bin/sqlite3"), [copy, query]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        }
        // What the copy tells: B's token hash, B's site, its device name and the schema
        let hash = try chosen ?? sql("SELECT hash FROM device_tokens WHERE unit = '\(villageB)'")
        let device = try sql("SELECT device_name FROM sites WHERE site = 'bbbbbbbbbbbbbbb1'")
        let counter = Int(try sql("SELECT counter FROM sites WHERE site = 'bbbbbbbbbbbbbbb1'")) ?? 0
        #expect(hash.count == 64 && !device.isEmpty)
        let sender = "{\"device\":\(TrustTown.quoted(device)),\"site\":\"bbbbbbbbbbbbbbb1\",\"unit\":\"\(villageB)\"}"
        let fee = TrustTown.fee("forged-b", dot: "bbbbbbbbbbbbbbb1:\(counter + 1):1700000000", amount: "99999", unit: villageB)
        let push = try Wire.pushRequest(Array("{\"counter\":\(counter + 1),\"protocolVersion\":2,\"records\":[\(fee)],\"schemaVersion\":12,\"sender\":\(sender)}".utf8))
        let pull = try Wire.pullRequest(Array("{\"counter\":\(counter + 1),\"limit\":2000,\"protocolVersion\":2,\"schemaVersion\":12,\"sender\":\(sender)}".utf8))
        let done = try Wire.doneRequest(Array("{\"conflicts\":0,\"digest\":\"\(String(repeating: "0", count: 64))\",\"protocolVersion\":2,\"pulled\":0,\"pushed\":1,\"sender\":\(sender)}".utf8))
        let header = BundleFile.Header(direction: .up, sender: push.sender, recipient: nil, device: DeviceToken.bundleName(ofHash: hash), created: 1_700_000_000)
        return BundleFile.write(UpBundle(pushes: [BundledPush(request: push, through: Int64(counter + 1))], pull: pull, done: done), header: header,
                                signing: signing(hash))
    }

    @Test("a bundle forged as village B from a copy of the server's database is refused, signed in every way the copy allows; B's laptop syncs on")
    func forgedFromACopy() throws {
        // Given a township server, and village A's official holding a copy of its database
        let town = try Self.township()
        let w = town.workspace
        #expect(try w.gongkai(["backup", "--to", w.path("copy.sqlite")], db: "town.sqlite").status == 0)
        let before = try w.dump("town.sqlite")
        // When A writes bundles as village B, signed with what the copy holds: as the first format
        // was (B's token hash), the hash's MAC alone in the new format, and a key made from the hash
        let forgeries: [(String, (String) -> BundleFile.Signing)] = [
            ("format 1", { .version1(hash: $0) }),
            ("hash only", { .hashOnly($0) }),
            ("key from the hash", { .both(key: BundleKey.derive(token: $0), hash: $0) }),
        ]
        for (name, signing) in forgeries {
            let path = w.write("forged.gkb", "")
            try Data(try Self.forgedAsB(w.path("copy.sqlite"), workspace: w, signing: signing)).write(to: URL(fileURLWithPath: path))
            let imported = try w.gongkai(["bundle", "import", path, "--reply", w.path("reply-\(name).gkb")], db: "town.sqlite")
            // Then the township refuses it, says why, changes nothing and writes no reply
            #expect(imported.status == 1, "\(name): \(imported.status) \(imported.stdout) \(imported.stderr)")
            #expect(imported.stderr.contains("签名"), "\(name): \(imported.stderr)")
            #expect(try w.dump("town.sqlite") == before, "\(name)")
            #expect(!FileManager.default.fileExists(atPath: w.path("reply-\(name).gkb")), "\(name)")
        }
        // And village B's real laptop goes on syncing, by network and by file
        #expect(try town.gongkai("b", ["fee", "add", "--id", "fee-b2", "--collected-on", "2021-05-01", "--amount-yuan", "6"]).status == 0)
        let synced = try town.sync("b")
        #expect(synced.status == 0 && synced.stderr.contains("一致"), "\(synced.stderr)")
        #expect(try town.gongkai("b", ["fee", "add", "--id", "fee-b3", "--collected-on", "2021-05-02", "--amount-yuan", "7"]).status == 0)
        #expect(try town.gongkai("b", ["bundle", "export", "--output", w.path("b.gkb"), "--token", town.tokens["b"]!]).status == 0)
        let genuine = try w.gongkai(["bundle", "import", w.path("b.gkb"), "--reply", w.path("b-reply.gkb")], db: "town.sqlite")
        #expect(genuine.status == 0 && genuine.stdout.contains("合并 1, 拒收 0") && !genuine.stderr.contains("旧版"), "\(genuine.stderr)")
        #expect(try town.gongkai("b", ["bundle", "import", w.path("b-reply.gkb")]).stderr.contains("一致"))
        #expect(try town.records("town.sqlite", kind: "fees", unit: Self.villageB).count == 3)
    }

    @Test("the server's secret is apart from its database: 0600, not in a backup; without it a file is refused with the way out, with it taken")
    func secretApart() throws {
        // Given a township that issued tokens (which made its secret), and a laptop's file
        let town = try Self.township()
        let w = town.workspace
        let secret = w.path("town.sqlite.key")
        let attributes = try FileManager.default.attributesOfItem(atPath: secret)
        #expect((attributes[.posixPermissions] as? Int) == 0o600)
        #expect((attributes[.size] as? Int) == 32)
        #expect(try town.gongkai("a", ["bundle", "export", "--output", w.path("a.gkb"), "--token", town.tokens["a"]!]).status == 0)
        // When the database is backed up, the backup holds no secret beside it
        #expect(try w.gongkai(["backup", "--to", w.path("backup.sqlite")], db: "town.sqlite").status == 0)
        #expect(!FileManager.default.fileExists(atPath: w.path("backup.sqlite.key")))
        // And when the secret is missing, the file is refused, saying where the secret should be
        try FileManager.default.moveItem(atPath: secret, toPath: w.path("kept-apart.key"))
        let before = try w.dump("town.sqlite")
        let missing = try w.gongkai(["bundle", "import", w.path("a.gkb")], db: "town.sqlite")
        #expect(missing.status == 1 && missing.stderr.contains("找不到服务器密钥文件") && missing.stderr.contains("town.sqlite.key"), "\(missing.stderr)")
        #expect(try w.dump("town.sqlite") == before)
        // And another server's secret does not open the keys
        #expect(try w.gongkai(["admin", "add-unit", "--unit", "640522101000", "--name", "别镇"], db: "other.sqlite").status == 0)
        #expect(try w.gongkai(["admin", "issue-token", "--unit", "640522101000"], db: "other.sqlite").status == 0)
        try FileManager.default.copyItem(atPath: w.path("other.sqlite.key"), toPath: secret)
        let wrong = try w.gongkai(["bundle", "import", w.path("a.gkb")], db: "town.sqlite")
        #expect(wrong.status == 1 && wrong.stderr.contains("与数据库不符"), "\(wrong.stderr)")
        #expect(try w.dump("town.sqlite") == before)
        // Then with its own secret back, the same file is taken
        try FileManager.default.removeItem(atPath: secret)
        try FileManager.default.moveItem(atPath: w.path("kept-apart.key"), toPath: secret)
        let taken = try w.gongkai(["bundle", "import", w.path("a.gkb")], db: "town.sqlite")
        #expect(taken.status == 0, "\(taken.stderr)")
    }

    @Test("a token of the previous release (no key held): its laptop's files are taken on the hash, with a warning; a new token closes the gap")
    func tokenOfThePreviousRelease() throws {
        // Given village B's token as the previous release stored it (its hash and no key)
        let town = try Self.township()
        let w = town.workspace
        town.server.kill()
        let cleared = try GongkaiProcess.runTool(URL(fileURLWithPath: "/usr/bin/sqlite3"),
                                                 [w.path("town.sqlite"), "UPDATE device_tokens SET bundle_key = NULL WHERE unit = '\(Self.villageB)'"])
        #expect(cleared.status == 0)
        let listed = try w.gongkai(["admin", "list-tokens", "--json"], db: "town.sqlite")
        let tokens = try JSONSerialization.jsonObject(with: Data(listed.stdout.utf8)) as? [[String: Any]] ?? []
        #expect(tokens.first { $0["unit"] as? String == Self.villageB }?["bundle_key"] as? Bool == false, "\(listed.stdout)")
        #expect(tokens.first { $0["unit"] as? String == Self.villageA }?["bundle_key"] as? Bool == true, "\(listed.stdout)")
        // When B's laptop sends a file, it is taken on the hash, and the township is told to re-issue
        #expect(try town.gongkai("b", ["fee", "add", "--id", "fee-b2", "--collected-on", "2021-05-01", "--amount-yuan", "6"]).status == 0)
        #expect(try town.gongkai("b", ["bundle", "export", "--output", w.path("b.gkb"), "--token", town.tokens["b"]!]).status == 0)
        let old = try w.gongkai(["bundle", "import", w.path("b.gkb"), "--reply", w.path("b-reply.gkb")], db: "town.sqlite")
        #expect(old.status == 0 && old.stderr.contains("旧版") && old.stderr.contains("gongkai admin issue-token --unit \(Self.villageB)"), "\(old.stderr)")
        let reply = try town.gongkai("b", ["bundle", "import", w.path("b-reply.gkb")])
        #expect(reply.status == 0 && reply.stderr.contains("一致"), "\(reply.stderr)")
        // And once B's laptop has a new token and the old one is revoked, a file signed with any hash is refused
        let issued = try w.gongkai(["admin", "issue-token", "--unit", Self.villageB], db: "town.sqlite")
        let newToken = issued.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let oldID = tokens.first { $0["unit"] as? String == Self.villageB }?["id"] as? String ?? ""
        #expect(try w.gongkai(["admin", "revoke-token", "--id", oldID], db: "town.sqlite").status == 0)
        #expect(try w.gongkai(["backup", "--to", w.path("copy.sqlite")], db: "town.sqlite").status == 0)
        // (the copy now holds both of B's token hashes: the forger signs with the new one's)
        try Data(try Self.forgedAsB(w.path("copy.sqlite"), workspace: w, hash: DeviceToken.hash(of: newToken)) { .version1(hash: $0) })
            .write(to: URL(fileURLWithPath: w.path("forged.gkb")))
        let forged = try w.gongkai(["bundle", "import", w.path("forged.gkb")], db: "town.sqlite")
        #expect(forged.status == 1, "\(forged.stderr)")
        #expect(try town.gongkai("b", ["fee", "add", "--id", "fee-b3", "--collected-on", "2021-05-02", "--amount-yuan", "7"]).status == 0)
        #expect(try town.gongkai("b", ["bundle", "export", "--output", w.path("b2.gkb"), "--token", newToken]).status == 0)
        let genuine = try w.gongkai(["bundle", "import", w.path("b2.gkb")], db: "town.sqlite")
        #expect(genuine.status == 0 && !genuine.stderr.contains("旧版"), "\(genuine.stderr)")
    }

    @Test("the whole server database on a stick is retired: syncing with a copy that holds device tokens is refused, naming the bundle way")
    func copyOnAStickRetired() throws {
        // Given a township server and a copy of it made as the README once said
        let town = try Self.township()
        let w = town.workspace
        #expect(try w.gongkai(["backup", "--to", w.path("usb.sqlite")], db: "town.sqlite").status == 0)
        #expect(try w.gongkai(["reset-site", "--yes"], db: "usb.sqlite").status == 0)
        let before = try w.dump("a.sqlite")
        // When a village laptop syncs with the copy
        let atVillage = try town.gongkai("a", ["sync", "--with", w.path("usb.sqlite")])
        // Then it is refused, saying why and what to do instead, and the laptop is unchanged
        #expect(atVillage.status == 1, "\(atVillage.stderr)")
        #expect(atVillage.stderr.contains("设备令牌") && atVillage.stderr.contains("gongkai bundle export"), "\(atVillage.stderr)")
        #expect(try w.dump("a.sqlite") == before)
    }

    @Test("admin migrate carries the server's secret to the PostgreSQL store: a laptop's file is taken there, checked on its key",
          .enabled(if: TestPostgres.url != nil, Comment(rawValue: TestPostgres.missing)))
    func secretMovesWithTheStore() throws {
        // Given a township server moved to PostgreSQL
        let town = try Self.township()
        let w = town.workspace
        town.server.kill()
        let database = try TestPostgres.database()
        let url = database.location.url
        let moved = try GongkaiProcess.run(["admin", "migrate", "--from", w.path("town.sqlite"), "--to", url])
        #expect(moved.status == 0 && moved.stderr.contains("服务器密钥已复制到"), "\(moved.stderr)")
        // When village A's laptop brings a file to the store
        #expect(try town.gongkai("a", ["fee", "add", "--id", "fee-a2", "--collected-on", "2021-05-01", "--amount-yuan", "6"]).status == 0)
        #expect(try town.gongkai("a", ["bundle", "export", "--output", w.path("a.gkb"), "--token", town.tokens["a"]!]).status == 0)
        let taken = try GongkaiProcess.run(["bundle", "import", "--store", url, w.path("a.gkb")])
        // Then it is taken, checked on the device's key (no warning of an old token)
        #expect(taken.status == 0 && taken.stdout.contains("合并 1") && !taken.stderr.contains("旧版"), "\(taken.stderr)")
    }
}
