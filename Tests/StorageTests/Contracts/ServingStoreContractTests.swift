import Foundation
import PostgresStore
import RecordRules
import Records
import Storage
import SyncCore
import Testing
import TestSupport

/// A serving store set up the same way for every implementation: a township with two villages,
/// a valid token for the first village and for the township, a revoked one for the first village.
struct ServingFixture: Sendable {
    let store: any SyncServingStore
    let villageToken = "gk_contract_village"
    /// A second laptop of the same village.
    let secondVillageToken = "gk_contract_village_2"
    let townshipToken = "gk_contract_township"
    let revokedToken = "gk_contract_revoked"
    let otherVillage = GovernmentUnit(code: "640522100202", name: "别村", parent: township.code)
    /// Keeps the implementation's files (or database) until the test ends.
    let scratch: Scratch
    var database: TestDatabase? = nil
    /// Sets a holder's daily push limit (`admin set-quota`), nil for its default.
    var setQuota: @Sendable (PushQuota?, String) throws -> Void = { _, _ in }
}

/// The implementations of `SyncServingStore` the contract is checked against: PostgreSQL when
/// the tests have one (`GONGKAI_TEST_POSTGRES`; `PostgresAvailabilityTests` says when not).
enum ServingStoreImplementation: String, CaseIterable, Sendable {
    case sqlite
    case postgresql

    static var available: [ServingStoreImplementation] { TestPostgres.url == nil ? [.sqlite] : allCases }

    func make() throws -> ServingFixture {
        let scratch = Scratch()
        switch self {
        case .sqlite:
            let server = try Replica.create(at: scratch.path("server.sqlite"), unit: township, site: SiteID("5e5e5e5e5e5e5e5e")!,
                                            deviceName: "乡镇服务器", now: 1_600_000_000)
            var fixture = ServingFixture(store: server.serving, scratch: scratch)
            fixture.setQuota = { quota, holder in try server.devices.setPushQuota(quota, holder: holder) }
            _ = try server.units.addVillage(code: village.code, name: village.name)
            _ = try server.units.addVillage(code: fixture.otherVillage.code, name: fixture.otherVillage.name)
            _ = try server.devices.issueToken(fixture.villageToken, unit: village.code, secret: testServerSecret, now: 1)
            _ = try server.devices.issueToken(fixture.secondVillageToken, unit: village.code, secret: testServerSecret, now: 1)
            _ = try server.devices.issueToken(fixture.townshipToken, unit: township.code, secret: testServerSecret, now: 1)
            _ = try server.devices.issueToken(fixture.revokedToken, unit: village.code, secret: testServerSecret, now: 1)
            _ = try server.devices.revokeToken(fixture.revokedToken, now: 2)
            return fixture
        case .postgresql:
            let database = try TestPostgres.database()
            let server = try PostgresServerStore.create(database.location, unit: township, site: SiteID("5e5e5e5e5e5e5e5e")!,
                                                        deviceName: "乡镇服务器", now: 1_600_000_000)
            var fixture = ServingFixture(store: server.serving, scratch: scratch, database: database)
            fixture.setQuota = { quota, holder in try server.setPushQuota(quota, holder: holder) }
            _ = try server.addVillage(code: village.code, name: village.name)
            _ = try server.addVillage(code: fixture.otherVillage.code, name: fixture.otherVillage.name)
            _ = try server.issueToken(fixture.villageToken, unit: village.code, secret: testServerSecret, now: 1)
            _ = try server.issueToken(fixture.secondVillageToken, unit: village.code, secret: testServerSecret, now: 1)
            _ = try server.issueToken(fixture.townshipToken, unit: township.code, secret: testServerSecret, now: 1)
            _ = try server.issueToken(fixture.revokedToken, unit: village.code, secret: testServerSecret, now: 1)
            _ = try server.revokeToken(fixture.revokedToken, now: 2)
            return fixture
        }
    }
}

/// What the HTTP server and `SyncService` rely on from any serving store: the protocol's
/// comments in `SyncStores.swift`, as behaviour.
@Suite("Serving store contract")
struct ServingStoreContractTests {
    /// Records a village laptop would push: three requests of `village`, from a laptop replica.
    func laptopChanges(_ scratch: Scratch, site: String = "00000000000000a1") throws -> (SiteInfo, [RemoteRecord], counter: UInt64) {
        let laptop = try Replica.create(at: scratch.path("laptop-\(site).sqlite"), unit: village, site: SiteID(site)!,
                                        deviceName: "笔记本", now: 1_600_000_000)
        _ = try importCSV(laptop, .requests, requestsCSV)
        return (try laptop.syncing.siteInfo(), try laptop.syncing.pendingChanges(limit: 100).records, try laptop.syncing.counter())
    }

    func access(_ fixture: ServingFixture, _ token: String) throws -> DeviceAccess {
        guard case .valid(let access) = try fixture.store.access(forToken: token) else {
            Issue.record("token \(token) is not valid")
            throw CancellationError()
        }
        return access
    }

    @Test("a token is valid with its unit's scope, revoked once revoked, unknown otherwise", arguments: ServingStoreImplementation.available)
    func tokens(implementation: ServingStoreImplementation) throws {
        let fixture = try implementation.make()
        // A village token reads and writes only its village
        let villageAccess = try access(fixture, fixture.villageToken)
        #expect(villageAccess.unit.code == village.code)
        #expect(villageAccess.scope.mayWrite(village.code) && villageAccess.scope.mayRead(village.code))
        #expect(!villageAccess.scope.mayRead(fixture.otherVillage.code) && !villageAccess.scope.mayWrite(fixture.otherVillage.code))
        // A township token reads and writes the whole township
        let townshipAccess = try access(fixture, fixture.townshipToken)
        #expect(townshipAccess.scope == .everything)
        // Two tokens are two devices
        #expect(villageAccess.device != townshipAccess.device)
        #expect(try fixture.store.access(forToken: fixture.revokedToken) == .revoked)
        #expect(try fixture.store.access(forToken: "gk_never_issued") == .unknown)
        #expect(try fixture.store.access(forToken: "") == .unknown)
    }

    @Test("the status names the server's unit and its schema, which it accepts", arguments: ServingStoreImplementation.available)
    func status(implementation: ServingStoreImplementation) throws {
        let fixture = try implementation.make()
        let status = try fixture.store.servingStatus()
        #expect(status.unit.code == township.code)
        #expect(status.unit.name == township.name)
        #expect(status.schema == (try fixture.store.schemaVersion()))
        let accepted = try fixture.store.acceptedSchemaVersions()
        #expect(accepted.upperBound == status.schema)
        #expect(accepted.contains(status.schema))
    }

    @Test("the first device to name a site owns it; another device is refused; a counter lower than one stored is a copy",
          arguments: ServingStoreImplementation.available)
    func peers(implementation: ServingStoreImplementation) throws {
        let fixture = try implementation.make()
        let (sender, records, counter) = try laptopChanges(fixture.scratch)
        let owner = try access(fixture, fixture.villageToken).peer
        // Given the site registered and its pushes stored
        try fixture.store.registerPeer(sender, as: owner, counter: 0, now: 10)
        _ = try fixture.store.applyPushed(records, from: sender, as: owner, now: 10)
        // Then the same device registers again; another device is refused the site
        try fixture.store.registerPeer(sender, as: owner, counter: counter, now: 11)
        let other = try access(fixture, fixture.townshipToken).peer
        #expect(throws: SyncRefused.siteTaken(site: sender.site)) {
            try fixture.store.registerPeer(sender, as: other, counter: counter, now: 12)
        }
        // And declaring fewer changes than the server holds of the site is refused as a copy
        #expect(throws: SyncRefused.counterWentBack(site: sender.site, known: counter, declared: 0)) {
            try fixture.store.registerPeer(sender, as: owner, counter: 0, now: 13)
        }
    }

    @Test("a push is merged once; others pull it, the pusher does not get it back; cursors the store issued are known",
          arguments: ServingStoreImplementation.available)
    func pushAndPull(implementation: ServingStoreImplementation) throws {
        let fixture = try implementation.make()
        let (sender, records, _) = try laptopChanges(fixture.scratch)
        let peer = try access(fixture, fixture.villageToken).peer
        try fixture.store.registerPeer(sender, as: peer, counter: 0, now: 10)
        // When the records are pushed twice
        let first = try fixture.store.applyPushed(records, from: sender, as: peer, now: 10)
        let again = try fixture.store.applyPushed(records, from: sender, as: peer, now: 11)
        // Then the first changes them all and the second nothing
        #expect(first.changed == records.count && first.refused.isEmpty)
        #expect(again.changed == 0 && again.refused.isEmpty)
        // Another device pulls exactly them, with their site and unit
        let someone = SiteID("00000000000000b2")!
        let page = try fixture.store.changes(after: nil, for: someone, scope: .everything, limit: 100, now: 12)
        #expect(page.records == records)
        #expect(page.sites.map(\.site) == [sender.site])
        // The records' units and the units above them, so that a replica can place each
        #expect(page.units.map(\.code) == [township.code, village.code])
        #expect(!page.more)
        // The pusher's own pull leaves them out, and ends where the other's did
        let echo = try fixture.store.changes(after: nil, for: sender.site, scope: peer.scope, limit: 100, now: 12)
        #expect(echo.records.isEmpty)
        #expect(echo.next.seq == page.next.seq)
        // A page is at most the limit, and its cursor goes on from there
        let small = try fixture.store.changes(after: nil, for: someone, scope: .everything, limit: 2, now: 12)
        #expect(small.records == Array(records.prefix(2)) && small.more)
        let rest = try fixture.store.changes(after: small.next, for: someone, scope: .everything, limit: 2, now: 12)
        #expect(rest.records == Array(records.dropFirst(2)) && !rest.more)
        // Cursors the store issued are known; one it never issued is not; the start always is
        #expect(try fixture.store.knows(small.next))
        #expect(try fixture.store.knows(page.next))
        #expect(try !fixture.store.knows(SyncCursor(mark: "never-issued", seq: small.next.seq)))
        #expect(try fixture.store.knows(SyncCursor(mark: "anything", seq: 0)))
    }

    @Test("records outside the device's scope, or of a unit the server does not have, are refused one by one and stored not at all",
          arguments: ServingStoreImplementation.available)
    func refusals(implementation: ServingStoreImplementation) throws {
        let fixture = try implementation.make()
        let (sender, records, _) = try laptopChanges(fixture.scratch)
        let before = try fixture.store.digest(scope: .everything)
        // Given a village device pushing one record of its own unit, one of another village, one of no known unit
        let own = records[0]
        let foreign = RemoteRecord(kind: own.kind, id: "640522100202:x1", unit: fixture.otherVillage.code, version: own.version)
        let unknown = RemoteRecord(kind: own.kind, id: "640522100999:x1", unit: "640522100999", version: own.version)
        let townshipPeer = try access(fixture, fixture.townshipToken).peer
        let villagePeer = try access(fixture, fixture.villageToken).peer
        try fixture.store.registerPeer(sender, as: villagePeer, counter: 0, now: 10)
        let response = try fixture.store.applyPushed([own, foreign], from: sender, as: villagePeer, now: 10)
        // Then only its own is stored; the other is refused by id with a reason
        #expect(response.changed == 1)
        #expect(response.refused.map(\.id) == [foreign.id])
        #expect(response.refused.allSatisfy { !$0.reason.isEmpty })
        // And a unit the server does not know is refused even to the township's device
        let townshipSite = SiteInfo(site: SiteID("00000000000000c3")!, deviceName: "乡镇电脑", unit: township.code)
        try fixture.store.registerPeer(townshipSite, as: townshipPeer, counter: 0, now: 11)
        let unknownResponse = try fixture.store.applyPushed([unknown], from: townshipSite, as: townshipPeer, now: 11)
        #expect(unknownResponse.changed == 0 && unknownResponse.refused.map(\.id) == [unknown.id])
        // Nothing of the refused records is listed
        let listed = try fixture.store.changes(after: nil, for: townshipSite.site, scope: .everything, limit: 100, now: 12).records
        #expect(listed.map(\.id) == [own.id])
        #expect(try fixture.store.digest(scope: .everything) != before)
    }

    @Test("after a restore: a version with another laptop's change is held, not stored, until that laptop shows it; a forged one never is",
          arguments: ServingStoreImplementation.available)
    func heldUntilShown(implementation: ServingStoreImplementation) throws {
        let fixture = try implementation.make()
        // Given two laptops of one village, each with its own token, and a server that holds
        // nothing of their records (restored from a backup taken before)
        let (a, records, _) = try laptopChanges(fixture.scratch)
        let b = SiteInfo(site: SiteID("00000000000000b2")!, deviceName: "二号机", unit: village.code)
        let peerA = try access(fixture, fixture.villageToken).peer
        let peerB = try access(fixture, fixture.secondVillageToken).peer
        try fixture.store.registerPeer(a, as: peerA, counter: 0, now: 10)
        try fixture.store.registerPeer(b, as: peerB, counter: 0, now: 10)
        func edited(_ record: RemoteRecord, by site: SiteID, _ counter: UInt64, _ name: String) -> RemoteRecord {
            RemoteRecord(kind: record.kind, id: record.id, unit: record.unit,
                         version: record.version.writing(["applicant_name": name], dot: Dot(site: site, counter: counter), at: 1_600_000_100))
        }
        // Both laptops hold record 0 as a wrote it and b edited it; a alone claims b edited record 1
        let shared = edited(records[0], by: b.site, 1, "乙")
        let claimed = edited(records[1], by: b.site, 7, "冒名")
        let someone = SiteID("00000000000000c3")!
        // When a pushes them
        let first = try fixture.store.applyPushed([shared, claimed], from: a, as: peerA, now: 11)
        // Then both are held: refused as waiting for b, nothing stored, nothing listed
        #expect(first.changed == 0 && first.refused.count == 2 && first.refused.allSatisfy(\.isAwaitingOwner), "\(first.refused)")
        #expect(try fixture.store.changes(after: nil, for: someone, scope: .everything, limit: 100, now: 12).records.isEmpty)
        // When b pushes the record it holds: taken, merged with a's held version
        let second = try fixture.store.applyPushed([shared], from: b, as: peerB, now: 12)
        #expect(second.changed == 1 && second.refused.isEmpty, "\(second.refused)")
        #expect(try fixture.store.changes(after: nil, for: someone, scope: .everything, limit: 100, now: 13).records == [shared])
        // And b altering a's change of record 2 while a holds it is a forgery, refused outright
        let third = edited(records[2], by: b.site, 2, "乙")
        #expect(try fixture.store.applyPushed([third], from: a, as: peerA, now: 13).refused.allSatisfy(\.isAwaitingOwner))
        var altered = third.version
        altered.fields["content"] = FieldRegister([FieldEntry(dot: altered.fields["content"]!.first!.dot, value: "被改的内容", writtenAt: 1)])
        let forged = try fixture.store.applyPushed([RemoteRecord(kind: third.kind, id: third.id, unit: third.unit, version: altered)],
                                                   from: b, as: peerB, now: 14)
        #expect(forged.changed == 0 && forged.refused.count == 1 && !forged.refused[0].isAwaitingOwner && forged.refused[0].reason.contains("伪造"),
                "\(forged.refused)")
        // And a's claim of b's change b never made stays out, however often a sends it
        let again = try fixture.store.applyPushed([shared, claimed], from: a, as: peerA, now: 15)
        #expect(again.changed == 0 && again.refused.map(\.id) == [claimed.id] && again.refused[0].isAwaitingOwner)
        #expect(try fixture.store.changes(after: nil, for: someone, scope: .everything, limit: 100, now: 16).records == [shared])
    }

    @Test("a held version counts against the day's quota once; held again unchanged it costs nothing", arguments: ServingStoreImplementation.available)
    func heldVersionsCharged(implementation: ServingStoreImplementation) throws {
        // Given laptop a's token allowed two records a day
        let fixture = try implementation.make()
        let (a, records, _) = try laptopChanges(fixture.scratch)
        let peerA = try access(fixture, fixture.villageToken).peer
        try fixture.setQuota(PushQuota(records: 2, bytes: 1 << 20), try #require(PushQuota.holders(of: peerA).first).key)
        try fixture.store.registerPeer(a, as: peerA, counter: 0, now: 10)
        let b = SiteID("00000000000000b2")!
        let claims = records.map { record in
            RemoteRecord(kind: record.kind, id: record.id, unit: record.unit,
                         version: record.version.writing(["applicant_name": "乙"], dot: Dot(site: b, counter: 1), at: 1_600_000_100))
        }
        // When it pushes two versions the server must hold back, then the same two again
        #expect(try fixture.store.applyPushed(Array(claims.prefix(2)), from: a, as: peerA, now: 11).refused.allSatisfy(\.isAwaitingOwner))
        #expect(try fixture.store.applyPushed(Array(claims.prefix(2)), from: a, as: peerA, now: 12).refused.count == 2)
        // Then a third held version passes the day's limit: held rows cannot grow without bound
        do {
            _ = try fixture.store.applyPushed([claims[2]], from: a, as: peerA, now: 13)
            Issue.record("a third held version was kept past the token's limit")
        } catch SyncRefused.quotaExceeded {}
    }

    @Test("two laptops give one number to two different records: both kept the same way whichever came first",
          arguments: ServingStoreImplementation.available)
    func numberClash(implementation: ServingStoreImplementation) throws {
        // Given a's request and b's different request under the same id
        let (a, records, _) = try laptopChanges(Scratch())
        let b = SiteInfo(site: SiteID("00000000000000b2")!, deviceName: "二号机", unit: village.code)
        let ours = records[0]
        var values: [String: String?] = [:]
        for field in RecordKind.requests.fields { values[field.name] = ours.version.value(field.name) }
        values["applicant_name"] = "乙公司"
        values["content"] = "路灯采购结果"
        let theirs = RemoteRecord(kind: ours.kind, id: ours.id, unit: ours.unit,
                                  version: RecordVersion.created(values, dot: Dot(site: b.site, counter: 1), at: 1_600_000_100))
        var outcomes: [[RemoteRecord]] = []
        for order in [[("a", ours), ("b", theirs)], [("b", theirs), ("a", ours)]] {
            let fixture = try implementation.make()
            let peers = ["a": (a, try access(fixture, fixture.villageToken).peer), "b": (b, try access(fixture, fixture.secondVillageToken).peer)]
            for (sender, peer) in peers.values { try fixture.store.registerPeer(sender, as: peer, counter: 0, now: 10) }
            // When they are pushed in this order
            for (name, record) in order {
                let response = try fixture.store.applyPushed([record], from: peers[name]!.0, as: peers[name]!.1, now: 11)
                #expect(response.refused.isEmpty && response.changed >= 1, "\(response)")
            }
            let listed = try fixture.store.changes(after: nil, for: SiteID("00000000000000c3")!, scope: .everything, limit: 100, now: 12).records
            outcomes.append(listed.sorted { $0.id < $1.id })
        }
        // Then both are kept, a's (the lowest site) under the id and b's beside it, in either order
        let moved = NumberClash.movedID(ours.id, site: b.site.rawValue)
        #expect(outcomes[0].map(\.id) == [ours.id, moved])
        #expect(outcomes[0].map(\.version) == [ours.version, theirs.version])
        #expect(outcomes[1] == outcomes[0])
    }

    @Test("a push that would pass the token's day limit is refused whole and stores nothing; the next day it is taken",
          arguments: ServingStoreImplementation.available)
    func quota(implementation: ServingStoreImplementation) throws {
        let fixture = try implementation.make()
        let peer = try access(fixture, fixture.villageToken).peer
        let token = try #require(PushQuota.holders(of: peer).first)
        // Given a village token allowed five records a day, which has pushed three today
        try fixture.setQuota(PushQuota(records: 5, bytes: 1 << 20), token.key)
        let (first, firstRecords, _) = try laptopChanges(fixture.scratch)
        try fixture.store.registerPeer(first, as: peer, counter: 0, now: 10)
        #expect(try fixture.store.applyPushed(firstRecords, from: first, as: peer, now: 10).changed == 3)
        // When a second laptop of that token pushes three more the same day
        let (second, secondRecords, _) = try laptopChanges(fixture.scratch, site: "00000000000000a2")
        try fixture.store.registerPeer(second, as: peer, counter: 0, now: 11)
        // Then the batch is refused, naming the token's limit
        do {
            _ = try fixture.store.applyPushed(secondRecords, from: second, as: peer, now: 11)
            Issue.record("a push past the token's limit was taken")
        } catch let SyncRefused.quotaExceeded(message) {
            #expect(message.contains("此设备") && message.contains("5"))
        }
        // And nothing of it is stored
        let someone = SiteID("00000000000000b2")!
        #expect(try fixture.store.changes(after: nil, for: someone, scope: .everything, limit: 100, now: 12).records.map(\.id)
                == firstRecords.map(\.id))
        // While a resend of what was taken costs nothing
        #expect(try fixture.store.applyPushed(firstRecords, from: first, as: peer, now: 12).changed == 0)
        // And the next day (China's) the same batch is taken
        #expect(try fixture.store.applyPushed(secondRecords, from: second, as: peer, now: 11 + 86_400).changed == 3)
        // And lifting the limit lets the token go past five the same day
        try fixture.setQuota(nil, token.key)
        let (third, thirdRecords, _) = try laptopChanges(fixture.scratch, site: "00000000000000a3")
        try fixture.store.registerPeer(third, as: peer, counter: 0, now: 12 + 86_400)
        #expect(try fixture.store.applyPushed(thirdRecords, from: third, as: peer, now: 12 + 86_400).changed == 3)
    }

    @Test("the digest covers what a scope may read: equal for equal content, changed by a push into the scope only",
          arguments: ServingStoreImplementation.available)
    func digests(implementation: ServingStoreImplementation) throws {
        let fixture = try implementation.make()
        let empty = try implementation.make()
        let tree = UnitTree([(township.code, nil), (village.code, township.code),
                             (fixture.otherVillage.code, township.code)])
        let villageScope = SyncScope.of(unit: village.code, in: tree)
        let otherScope = SyncScope.of(unit: fixture.otherVillage.code, in: tree)
        // Two empty stores agree
        #expect(try fixture.store.digest(scope: .everything) == empty.store.digest(scope: .everything))
        let otherBefore = try fixture.store.digest(scope: otherScope)
        let villageBefore = try fixture.store.digest(scope: villageScope)
        // When a village pushes
        let (sender, records, _) = try laptopChanges(fixture.scratch)
        let peer = try access(fixture, fixture.villageToken).peer
        try fixture.store.registerPeer(sender, as: peer, counter: 0, now: 10)
        _ = try fixture.store.applyPushed(records, from: sender, as: peer, now: 10)
        // Then its scope's digest changes, another village's does not
        #expect(try fixture.store.digest(scope: villageScope) != villageBefore)
        #expect(try fixture.store.digest(scope: otherScope) == otherBefore)
        // And a second store given the same records agrees with the first
        try empty.store.registerPeer(sender, as: try access(empty, empty.villageToken).peer, counter: 0, now: 10)
        _ = try empty.store.applyPushed(records, from: sender, as: try access(empty, empty.villageToken).peer, now: 10)
        #expect(try empty.store.digest(scope: .everything) == fixture.store.digest(scope: .everything))
    }
}

/// Says, as a skipped test with the reason, when the PostgreSQL half of the contracts did not
/// run; and fails when CI asked for PostgreSQL (`GONGKAI_REQUIRE_POSTGRES=1`) and has none.
@Suite("PostgreSQL is there for the tests")
struct PostgresAvailabilityTests {
    @Test("the PostgreSQL tests run", .enabled(if: TestPostgres.url != nil || ProcessInfo.processInfo.environment["GONGKAI_REQUIRE_POSTGRES"] == "1", Comment(rawValue: TestPostgres.missing)))
    func postgresIsThere() throws {
        #expect(TestPostgres.url != nil, "GONGKAI_REQUIRE_POSTGRES=1 but GONGKAI_TEST_POSTGRES is not set")
        let database = try TestPostgres.database()
        _ = try PostgresServerStore.create(database.location, unit: township, site: SiteID("5e5e5e5e5e5e5e5e")!, deviceName: "服务器", now: 1)
        #expect(try PostgresServerStore.open(database.location).serving.servingStatus().unit.code == township.code)
    }
}
