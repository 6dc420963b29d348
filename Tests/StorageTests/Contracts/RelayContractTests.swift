import Foundation
import RecordRules
import Records
import Report
import Storage
import SyncCore
import Testing
import TestSupport

/// A township's server syncing up to its county with a relay token, on every serving store: it
/// brings its villages' versions unchanged (their dots keep their sites) and registers the units
/// below it that the county lacks; it speaks for nothing outside its subtree.
@Suite("Relay contract")
struct RelayContractTests {
    typealias F = CountyFixture
    static let relayToken = "gk_tree_relay_xian"
    /// A village the county has not registered: the township brings it up.
    static let newVillage = GovernmentUnit(code: "640522100203", name: "新建村", parent: F.xian.code)

    /// 西安镇's server with its villages 园河村 and 新建村, each laptop's notice synced to it.
    func townshipServer(_ scratch: Scratch) async throws -> Replica {
        let town = try Replica.create(at: scratch.path("xian.sqlite"),
                                      unit: GovernmentUnit(code: F.xian.code, name: F.xian.name, parent: F.county.code, isTownship: true),
                                      site: SiteID("5e5e5e5e5e5e5e5e")!, deviceName: "乡镇服务器", now: 1_600_000_000)
        for (index, village) in [F.yuanhe, Self.newVillage].enumerated() {
            _ = try town.units.addVillage(code: village.code, name: village.name)
            let laptop = try Replica.create(at: scratch.path("laptop\(index).sqlite"), unit: village, site: SiteID(String(format: "%016x", 0xA1 + index))!,
                                            deviceName: "\(village.name)笔记本", now: 1_600_000_000)
            _ = try importCSV(laptop, .notices, "id,title,category,channel,published_on\nn\(index),\(village.name)公示,村务,公开栏,2021-03-0\(index + 1)\n")
            let scope = SyncScope.of(unit: village.code, in: try town.units.tree())
            let report = try await SyncClient(store: laptop.syncing, transport: InProcessTransport(service: SyncService(store: town.serving), scope: scope,
                                                                                                   clock: { 1_700_000_000 }), clock: { 1_700_000_000 }).sync()
            #expect(report.pushed == 1 && report.converged == true)
        }
        return town
    }

    func upstream(_ fixture: CountyFixture, token: String) -> InProcessTransport {
        InProcessTransport(service: SyncService(store: fixture.store), token: token, clock: { 1_700_000_100 })
    }

    @Test("a relay token brings its villages' versions unchanged and the units the county lacks; both sides converge",
          arguments: ServingStoreImplementation.available)
    func relay(implementation: ServingStoreImplementation) async throws {
        let fixture = try F.make(implementation)
        try fixture.issue(Self.relayToken, F.xian.code, true)
        let town = try await townshipServer(fixture.scratch)
        // When the township's server syncs up with its relay token
        let transport = upstream(fixture, token: Self.relayToken)
        #expect(try transport.peer.relays)
        let report = try await SyncClient(store: town.syncing, transport: transport, clock: { 1_700_000_100 }).sync()
        // Then every village's record went up as it was, and both sides agree
        #expect(report.pushed == 2 && report.refused.isEmpty, "\(report.refused)")
        #expect(report.converged == true)
        let countySees = try fixture.store.changes(after: nil, for: SiteID("00000000000000e2")!, scope: .everything, limit: 100, now: 1).records
        let townHolds = try town.records.all(.notices).map { "\($0.id) \($0.version.clock.encoded) \($0.version.fields.count)" }
        #expect(countySees.map { "\($0.id) \($0.version.clock.encoded) \($0.version.fields.count)" }.sorted() == townHolds.sorted())
        #expect(Set(countySees.flatMap { $0.version.clock.counters.keys }) == [SiteID("00000000000000a1")!, SiteID("00000000000000a2")!])
        // And the village the county lacked is now below the township, in its scope and the new village's own
        #expect(try fixture.peer(of: F.xian).scope.mayRead(Self.newVillage.code))
        // A second sync moves nothing
        let again = try await SyncClient(store: town.syncing, transport: upstream(fixture, token: Self.relayToken), clock: { 1_700_000_200 }).sync()
        #expect(again.pushed == 0 && again.pulled == 0 && again.converged == true && again.requests == 1)
    }

    @Test("the same township's ordinary token may not speak for its villages' laptops: their changes are refused as not its own",
          arguments: ServingStoreImplementation.available)
    func ordinaryTokenIsNoRelay(implementation: ServingStoreImplementation) async throws {
        let fixture = try F.make(implementation)
        let town = try await townshipServer(fixture.scratch)
        let report = try await SyncClient(store: town.syncing, transport: upstream(fixture, token: F.token(of: F.xian)), clock: { 1_700_000_100 }).sync()
        #expect(report.pushed == 0)
        #expect(report.refused.count == 2)
        #expect(try fixture.store.changes(after: nil, for: SiteID("00000000000000e2")!, scope: .everything, limit: 100, now: 1).records.isEmpty)
    }

    @Test("a relay registers nothing outside its subtree and speaks for no site the county knows as another unit's",
          arguments: ServingStoreImplementation.available)
    func nothingOutsideTheSubtree(implementation: ServingStoreImplementation) async throws {
        let fixture = try F.make(implementation)
        try fixture.issue(Self.relayToken, F.xian.code, true)
        let relay = try fixture.peer(of: F.xian, token: Self.relayToken)
        let service = SyncService(store: fixture.store)
        let sender = SiteInfo(site: SiteID("5e5e5e5e5e5e5e5e")!, deviceName: "乡镇服务器", unit: F.xian.code)
        // Given a county laptop whose site the county knows as the county's
        let countyLaptop = SiteInfo(site: SiteID("00000000000000c7")!, deviceName: "县电脑", unit: F.county.code)
        try fixture.store.registerPeer(countyLaptop, as: try fixture.peer(of: F.county), counter: 0, now: 1)
        // When the relay offers a unit under the other township, and that laptop's site as one of its villages'
        let intruder = UnitInfo(code: "640522101299", name: "冒名村", parent: F.guanqiao.code)
        let claimed = SiteInfo(site: countyLaptop.site, deviceName: "县电脑", unit: F.yuanhe.code)
        let forged = RemoteRecord(kind: "notices", id: "640522100201:forged", unit: F.yuanhe.code,
                                  version: RecordVersion(clock: VersionVector([countyLaptop.site: 1]), fields: [
                                      "title": FieldRegister(single: FieldEntry(dot: Dot(site: countyLaptop.site, counter: 1), value: "冒名", writtenAt: 1))]))
        let elsewhere = RemoteRecord(kind: "notices", id: "640522101299:x", unit: intruder.code,
                                     version: RecordVersion(clock: VersionVector([sender.site: 1]), fields: [
                                         "title": FieldRegister(single: FieldEntry(dot: Dot(site: sender.site, counter: 1), value: "越界", writtenAt: 1))]))
        let request = PushRequest(schemaVersion: ReplicaSchema.latest, sender: sender, senderCounter: 1, records: [forged, elsewhere],
                                  sites: [claimed], units: [intruder])
        let response = try service.push(request, peer: relay, now: 2)
        // Then both records are refused, the unit is not registered, and the site stays the county's
        #expect(response.changed == 0)
        #expect(response.refused.map(\.id).sorted() == [forged.id, elsewhere.id].sorted())
        #expect(try !fixture.peer(of: F.guanqiao).scope.mayRead(intruder.code))
    }

    @Test("a relay passes on when its villages' laptops last synced; its own syncing up is no device of the township syncing",
          arguments: ServingStoreImplementation.available)
    func relayedSyncTimes(implementation: ServingStoreImplementation) async throws {
        let fixture = try F.make(implementation)
        try fixture.issue(Self.relayToken, F.xian.code, true)
        let town = try await townshipServer(fixture.scratch)
        // Given the township's own figures: each village's laptop synced at 1_700_000_000, the township's office never
        let own = try town.figures.unitFigures(try town.figures.reportFigures(year: 2021)).map { "\($0.unit.code) \($0.lastSync.map(String.init) ?? "—")" }
        #expect(own == ["\(F.xian.code) —", "\(F.yuanhe.code) 1700000000", "\(Self.newVillage.code) 1700000000"])
        // When the township syncs up (at 1_700_000_100)
        _ = try await SyncClient(store: town.syncing, transport: upstream(fixture, token: Self.relayToken), clock: { 1_700_000_100 }).sync()
        // Then the county's figures of the township say the same
        let source = try fixture.report(F.xian.code)
        let county = try source.unitFigures(try source.reportFigures(year: 2021)).map { "\($0.unit.code) \($0.lastSync.map(String.init) ?? "—")" }
        #expect(county.sorted() == own.sorted())
        // And a relay's word on a site outside its subtree changes nothing
        let service = SyncService(store: fixture.store)
        let intruder = SiteInfo(site: SiteID("00000000000000f9")!, deviceName: "别乡电脑", unit: F.guanqiaoVillage.code)
        _ = try service.done(DoneRequest(sender: try town.syncing.siteInfo(), digest: "", pushed: 0, pulled: 0, conflicts: 0,
                                         syncs: [RelayedSync(site: intruder, at: 1_700_000_050)]),
                             peer: try fixture.peer(of: F.xian, token: Self.relayToken), now: 1_700_000_200)
        let other = try fixture.report(F.guanqiao.code)
        #expect(try other.unitFigures(try other.reportFigures(year: 2021)).allSatisfy { $0.lastSync == nil })
    }
}
