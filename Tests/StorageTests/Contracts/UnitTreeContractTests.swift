import Foundation
import PostgresStore
import Records
import Report
import Storage
import SyncCore
import Testing
import TestSupport

/// A county's server, set up alike on every serving store: the county, township 西安镇 with
/// village 园河村, township 关桥乡 with a village of its own; a token for each of them.
struct CountyFixture: Sendable {
    static let county = GovernmentUnit(code: "640522000000", name: "海原县", isTownship: true)
    static let xian = GovernmentUnit(code: "640522100000", name: "西安镇", parent: county.code)
    static let yuanhe = GovernmentUnit(code: "640522100201", name: "园河村", parent: xian.code)
    static let guanqiao = GovernmentUnit(code: "640522101000", name: "关桥乡", parent: county.code)
    static let guanqiaoVillage = GovernmentUnit(code: "640522101201", name: "关桥村", parent: guanqiao.code)
    static let units = [xian, yuanhe, guanqiao, guanqiaoVillage]

    let store: any SyncServingStore
    /// Registers a unit below a registered one (the store's `addVillage`).
    let addUnit: @Sendable (GovernmentUnit) throws -> Void
    /// Issues a token (a relay's when true) for a unit.
    let issue: @Sendable (_ token: String, _ unit: String, _ relays: Bool) throws -> Void
    /// The report source of a unit and the units below it.
    let report: @Sendable (_ unit: String) throws -> any ReportSource
    let scratch: Scratch
    var database: TestDatabase? = nil

    static func token(of unit: GovernmentUnit) -> String { "gk_tree_\(unit.code)" }

    static func make(_ implementation: ServingStoreImplementation) throws -> CountyFixture {
        let scratch = Scratch()
        let fixture: CountyFixture
        switch implementation {
        case .sqlite:
            let server = try Replica.create(at: scratch.path("county.sqlite"), unit: county, site: SiteID("c0c0c0c0c0c0c0c0")!,
                                            deviceName: "县服务器", now: 1_600_000_000)
            fixture = CountyFixture(store: server.serving, addUnit: { unit in
                _ = try server.units.addVillage(code: unit.code, name: unit.name, parent: unit.parent)
            }, issue: { token, unit, relays in _ = try server.devices.issueToken(token, unit: unit, relays: relays, secret: testServerSecret, now: 1) },
               report: { unit in try server.figures.scoped(to: unit) }, scratch: scratch)
        case .postgresql:
            let database = try TestPostgres.database()
            let server = try PostgresServerStore.create(database.location, unit: county, site: SiteID("c0c0c0c0c0c0c0c0")!,
                                                        deviceName: "县服务器", now: 1_600_000_000)
            fixture = CountyFixture(store: server.serving, addUnit: { unit in
                _ = try server.addVillage(code: unit.code, name: unit.name, parent: unit.parent)
            }, issue: { token, unit, relays in _ = try server.issueToken(token, unit: unit, relays: relays, secret: testServerSecret, now: 1) },
               report: { unit in try server.reportSource(unit: unit) }, scratch: scratch, database: database)
        }
        for unit in units { try fixture.addUnit(unit) }
        for unit in [county] + units { try fixture.issue(token(of: unit), unit.code, false) }
        return fixture
    }

    func peer(of unit: GovernmentUnit, token: String? = nil) throws -> SyncPeer {
        guard case .valid(let access) = try store.access(forToken: token ?? CountyFixture.token(of: unit)) else {
            Issue.record("the token of \(unit.code) is not valid")
            throw CancellationError()
        }
        #expect(access.unit.code == unit.code)
        return access.peer
    }
}

/// The one scope rule (`SyncScope.of(unit:in:)`) as every serving store applies it: a unit's
/// token reads and writes that unit's subtree, at any depth.
@Suite("Unit tree contract")
struct UnitTreeContractTests {
    typealias F = CountyFixture

    @Test("a token's scope is its unit's subtree: the county everything, a township itself and its villages, a village itself",
          arguments: ServingStoreImplementation.available)
    func scopes(implementation: ServingStoreImplementation) throws {
        let fixture = try F.make(implementation)
        #expect(try fixture.peer(of: F.county).scope == .everything)
        #expect(try fixture.peer(of: F.xian).scope == SyncScope(readable: [F.xian.code, F.yuanhe.code], writable: [F.xian.code, F.yuanhe.code]))
        #expect(try fixture.peer(of: F.yuanhe).scope == SyncScope(readable: [F.yuanhe.code], writable: [F.yuanhe.code]))
        let guanqiao = try fixture.peer(of: F.guanqiao).scope
        #expect(guanqiao.mayWrite(F.guanqiaoVillage.code) && !guanqiao.mayRead(F.yuanhe.code) && !guanqiao.mayRead(F.county.code))
        // A village registered below a township later is in that township's scope at once
        let newVillage = GovernmentUnit(code: "640522100202", name: "新村", parent: F.xian.code)
        try fixture.addUnit(newVillage)
        #expect(try fixture.peer(of: F.xian).scope.mayWrite(newVillage.code))
    }

    @Test("a unit whose parent the server does not hold is refused, and nothing is registered",
          arguments: ServingStoreImplementation.available)
    func unknownParent(implementation: ServingStoreImplementation) throws {
        let fixture = try F.make(implementation)
        let orphan = GovernmentUnit(code: "640522109201", name: "无主村", parent: "640522109000")
        #expect { try fixture.addUnit(orphan) } throws: { error in
            "\(error)".contains("640522109000") && "\(error)".contains("先登记上级")
        }
        #expect(try fixture.peer(of: F.county).scope == .everything)
        try fixture.addUnit(GovernmentUnit(code: "640522109000", name: "新乡", parent: F.county.code))
        try fixture.addUnit(orphan)
    }

    @Test("a township's device pushes its village's records; the township and the village read them, the other township does not",
          arguments: ServingStoreImplementation.available)
    func subtreePushAndPull(implementation: ServingStoreImplementation) throws {
        let fixture = try F.make(implementation)
        // Given a township office's replica holding a record of its village
        let office = try Replica.create(at: fixture.scratch.path("office.sqlite"),
                                        unit: GovernmentUnit(code: F.xian.code, name: F.xian.name, parent: F.county.code, isTownship: true),
                                        site: SiteID("00000000000000d1")!, deviceName: "镇政务公开办", now: 1_600_000_000)
        _ = try office.units.addVillage(code: F.yuanhe.code, name: F.yuanhe.name)
        _ = try importCSV(office, .notices, "id,unit,title,category,channel,published_on\nn1,\(F.yuanhe.code),村务公开,村务,公开栏,2021-03-01\n")
        let sender = try office.syncing.siteInfo()
        let records = try office.syncing.pendingChanges(limit: 100).records
        // When the township's token pushes it to the county
        let township = try fixture.peer(of: F.xian)
        try fixture.store.registerPeer(sender, as: township, counter: 0, now: 10)
        let response = try fixture.store.applyPushed(records, from: sender, as: township, now: 10)
        #expect(response.changed == 1 && response.refused.isEmpty)
        // Then the village's and the county's devices read it, the other township's does not
        let reader = SiteID("00000000000000e2")!
        for (unit, sees) in [(F.yuanhe, true), (F.county, true), (F.guanqiao, false), (F.guanqiaoVillage, false)] {
            let page = try fixture.store.changes(after: nil, for: reader, scope: try fixture.peer(of: unit).scope, limit: 100, now: 11)
            #expect(page.records.map(\.id) == (sees ? records.map(\.id) : []), "\(unit.name)")
        }
        // And the other township's device may not write it
        let guanqiao = try fixture.peer(of: F.guanqiao)
        let otherSender = SiteInfo(site: SiteID("00000000000000f3")!, deviceName: "关桥乡电脑", unit: F.guanqiao.code)
        try fixture.store.registerPeer(otherSender, as: guanqiao, counter: 0, now: 12)
        #expect(try fixture.store.applyPushed(records, from: otherSender, as: guanqiao, now: 12).refused.map(\.id) == records.map(\.id))
    }
}
