import Foundation
import RecordRules
import SyncCore
import SyncWire
import Testing
import TestSupport
import TestTiers

/// Issue 27, finding 5: the bundle path skipped the unit check the HTTP routes made. A village's
/// own token signed a bundle whose sender was a site of another village; the township took it,
/// registered the site, and that village's `report check` DATA-SYNC warning turned to pass. The
/// check is now the sync service's, which both transports call.
@Suite("Trust: a village's token speaks only for its own unit, by file as by network", .tags(.slow), .fullSuiteOnly)
struct BundleSenderTests {
    static let (villageA, villageB) = (TestSupport.village.code, secondVillage.code)

    @Test("a bundle signed with village A's token but sent as a site of village B is refused; B still shows as never synced")
    func anotherVillagesSender() throws {
        // Given a township whose village B has never synced, and village A's laptop with its own token
        let town = try Township(villages: [Self.villageA, Self.villageB])
        try town.laptop("a", unit: Self.villageA, site: "aaaaaaaaaaaaaaa1")
        try town.sync("a")
        let w = town.workspace
        func villageBNeverSynced() throws -> Bool {
            let check = try w.gongkai(["report", "check", "--year", "2021", "--json"], db: "town.sqlite")
            let checks = try JSONSerialization.jsonObject(with: Data(check.stdout.utf8)) as? [[String: Any]] ?? []
            let sync = checks.first { $0["id"] as? String == "DATA-SYNC" }
            return sync?["ok"] as? Bool == false && (sync?["detail"] as? String)?.contains(Self.villageB) == true
        }
        #expect(try villageBNeverSynced())
        let before = try w.dump("town.sqlite")
        // When A writes a file signed with its own token whose sender is a new site of village B
        let token = town.tokens["a"]!
        let hash = DeviceToken.hash(of: token)
        let sender = "{\"device\":\"B的电脑\",\"site\":\"dddddddddddddd01\",\"unit\":\"\(Self.villageB)\"}"
        let pull = try Wire.pullRequest(Array("{\"counter\":0,\"limit\":2000,\"protocolVersion\":2,\"schemaVersion\":12,\"sender\":\(sender)}".utf8))
        let done = try Wire.doneRequest(Array("{\"conflicts\":0,\"digest\":\"\(String(repeating: "0", count: 64))\",\"protocolVersion\":2,\"pulled\":0,\"pushed\":0,\"sender\":\(sender)}".utf8))
        let header = BundleFile.Header(direction: .up, sender: pull.sender, recipient: nil, device: DeviceToken.bundleName(ofHash: hash), created: 1_700_000_000)
        let bytes = BundleFile.write(UpBundle(pushes: [], pull: pull, done: done), header: header,
                                     signing: .both(key: BundleKey.derive(token: token), hash: hash))
        try Data(bytes).write(to: URL(fileURLWithPath: w.path("as-b.gkb")))
        let imported = try w.gongkai(["bundle", "import", w.path("as-b.gkb"), "--reply", w.path("reply.gkb")], db: "town.sqlite")
        // Then the township refuses it, as the network does, naming both units; nothing is registered
        #expect(imported.status == 1, "\(imported.stdout) \(imported.stderr)")
        #expect(imported.stderr.contains("此令牌属于单位 \(Self.villageA)") && imported.stderr.contains(Self.villageB), "\(imported.stderr)")
        #expect(try w.dump("town.sqlite") == before)
        #expect(!FileManager.default.fileExists(atPath: w.path("reply.gkb")))
        // And village B is still reported as never synced
        #expect(try villageBNeverSynced())
        // And the same sender over the network is refused with the same words (403 wrong_unit)
        let answer = try RawHTTPConnection(port: town.server.port).request(
            "POST", "/v1/pull", headers: ["Authorization": "Bearer \(token)", "Content-Type": "application/json"],
            body: Array("{\"counter\":0,\"limit\":10,\"protocolVersion\":2,\"schemaVersion\":12,\"sender\":\(sender)}".utf8))
        #expect(answer.status == 403 && answer.errorCode == "wrong_unit" && answer.errorMessage?.contains("此令牌属于单位 \(Self.villageA)") == true,
                "\(answer.status) \(answer.text)")
    }
}
