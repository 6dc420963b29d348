import Foundation
import Records
@testable import Storage
import SyncCore
import Testing
import TestSupport

@Suite("Sites bound to device tokens")
struct SiteBindingTests {
    func peer(_ server: Replica, token: String) throws -> SyncPeer {
        guard case .valid(let access) = try server.devices.access(forToken: token) else { throw CancellationError() }
        return access.peer
    }

    @Test("the first token to name a site owns it; another is refused until the owner's token is revoked, and only within its unit")
    func binding() throws {
        // Given a server with two villages and a token each, two of them for village A
        let harness = try SyncHarness(laptops: 0)
        _ = try harness.server.units.addVillage(code: "640522100202", name: "别村")
        for (token, unit) in [("gk_a1", village.code), ("gk_a2", village.code), ("gk_b", "640522100202")] {
            _ = try harness.server.devices.issueToken(token, unit: unit, secret: testServerSecret, now: 1)
        }
        let site = SiteID("00000000000000a1")!
        let laptop = SiteInfo(site: site, deviceName: "笔记本", unit: village.code)
        // When the first token names the site, it owns it
        try harness.server.serving.registerPeer(laptop, as: try peer(harness.server, token: "gk_a1"), counter: 0, now: 2)
        // Then another token of the same unit, or of another unit, is refused
        #expect(throws: SyncRefused.siteTaken(site: site)) {
            try harness.server.serving.registerPeer(laptop, as: try peer(harness.server, token: "gk_a2"), counter: 0, now: 3)
        }
        let elsewhere = SiteInfo(site: site, deviceName: "笔记本", unit: "640522100202")
        #expect(throws: SyncRefused.siteTaken(site: site)) {
            try harness.server.serving.registerPeer(elsewhere, as: try peer(harness.server, token: "gk_b"), counter: 0, now: 3)
        }
        // And nobody may name the server's own site
        let own = SiteInfo(site: SiteID("5e5e5e5e5e5e5e5e")!, deviceName: "x", unit: township.code)
        _ = try harness.server.devices.issueToken("gk_town", unit: township.code, secret: testServerSecret, now: 1)
        #expect(throws: SyncRefused.siteTaken(site: own.site)) {
            try harness.server.serving.registerPeer(own, as: try peer(harness.server, token: "gk_town"), counter: 0, now: 3)
        }
        // When the owner's token is revoked (the laptop was given a new one), a token of its unit takes the site over
        let a2 = try peer(harness.server, token: "gk_a2")
        _ = try harness.server.devices.revokeToken("gk_a1", now: 4)
        try harness.server.serving.registerPeer(laptop, as: a2, counter: 0, now: 5)
        #expect(throws: SyncRefused.siteTaken(site: site)) {
            try harness.server.serving.registerPeer(elsewhere, as: try peer(harness.server, token: "gk_b"), counter: 0, now: 6)
        }
        // And a replica opened in process (no token) is served as it says, leaving the owner as it was
        try harness.server.serving.registerPeer(laptop, as: SyncPeer(scope: harness.villageScope, device: nil), counter: 0, now: 7)
        let owner = try harness.server.database.withConnection { connection in try connection.scalar("SELECT owner FROM sites WHERE site = ?", [.text(site.rawValue)]).text }
        #expect(owner == a2.device)
    }
}
