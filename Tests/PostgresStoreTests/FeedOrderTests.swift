@testable import PostgresStore
import Records
import Storage
import SyncCore
import Testing
import TestSupport

/// The change feed on PostgreSQL against transactions that commit out of order: a row that took
/// an earlier number but committed later is still pulled (docs/PROTOCOL.md).
@Suite("PostgreSQL change feed", .enabled(if: TestPostgres.url != nil, Comment(rawValue: TestPostgres.missing)))
struct FeedOrderTests {
    /// A laptop's pending changes: three requests of `unit`, from a replica of its own.
    func changes(of unit: GovernmentUnit, site: String, _ scratch: Scratch) throws -> (SiteInfo, [RemoteRecord]) {
        let laptop = try Replica.create(at: scratch.path("\(site).sqlite"), unit: unit, site: SiteID(site)!, deviceName: "笔记本", now: 1)
        _ = try importCSV(laptop, .requests, requestsCSV)
        return (try laptop.syncing.siteInfo(), try laptop.syncing.pendingChanges(limit: 100).records)
    }

    @Test("a record written by a transaction that commits after a later one is pulled once it commits; a plain sequence cursor loses it")
    func outOfOrderCommit() throws {
        let scratch = Scratch()
        let database = try TestPostgres.database()
        let server = try PostgresServerStore.create(database.location, unit: township, site: SiteID("5e5e5e5e5e5e5e5e")!, deviceName: "县平台", now: 1)
        defer { server.close() }
        _ = try server.addVillage(code: village.code, name: village.name)
        _ = try server.addVillage(code: secondVillage.code, name: secondVillage.name)
        let trusted = SyncPeer(scope: .everything, device: nil)
        let (firstSender, firstRecords) = try changes(of: village, site: "00000000000000a1", scratch)
        let (secondSender, secondRecords) = try changes(of: secondVillage, site: "00000000000000b2", scratch)
        let reader = SiteID("00000000000000c3")!
        let held = PostgresPool(database.location, connections: 1)
        defer { held.close() }

        // Given a push that has written its records (taking the first numbers) and not committed
        let (cursor, naiveCursor): (SyncCursor, Int64) = try held.withSession { first in
            try first.run("BEGIN")
            _ = try PostgresPush(session: first, sender: firstSender, peer: trusted, now: 2).apply(firstRecords)
            // When a later push takes later numbers and commits, and a device pulls
            _ = try server.serving.applyPushed(secondRecords, from: secondSender, as: trusted, now: 3)
            let page = try server.serving.changes(after: nil, for: reader, scope: .everything, limit: 100, now: 4)
            // Then the committed later rows wait behind the open one: nothing is passed over
            #expect(page.records.isEmpty)
            // …where a plain sequence cursor would have read the later rows and moved past the open one's numbers
            let naive = try server.pool.withSession { session in
                try session.rows("SELECT seq FROM records WHERE seq > 0 ORDER BY seq").map { try $0.integer("seq") }
            }
            #expect(naive.count == secondRecords.count)
            try first.run("COMMIT")
            return (page.next, naive.max() ?? 0)
        }

        // When the first transaction has committed, the device pulls from its cursor
        let after = try server.serving.changes(after: cursor, for: reader, scope: .everything, limit: 100, now: 5)
        // Then every record arrives: the early-numbered ones too
        #expect(Set(after.records.map(\.id)) == Set((firstRecords + secondRecords).map(\.id)))
        #expect(!after.more)
        // And a plain sequence cursor, from where it stopped, never sees the first push's records
        let naiveAfter = try server.pool.withSession { session in
            try session.rows("SELECT id FROM records WHERE seq > $1 ORDER BY seq", [.integer(naiveCursor)]).map { try $0.text("id") }
        }
        #expect(naiveAfter.isEmpty, "a plain sequence cursor would have lost \(firstRecords.count) records")
        #expect(Set(firstRecords.map(\.id)).isDisjoint(with: naiveAfter))
        // And pulling on from the new cursor brings nothing twice
        let again = try server.serving.changes(after: after.next, for: reader, scope: .everything, limit: 100, now: 6)
        #expect(again.records.isEmpty)
    }
}
