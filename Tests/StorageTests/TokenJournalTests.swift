import RecordRules
@testable import Storage
import SyncCore
import Testing
import TestSupport

/// The token journal beside a server's database, and a restored database made to agree with it.
@Suite("Token journal: revocations and new tokens survive a restore")
struct TokenJournalTests {
    static let hashes = (1...3).map { DeviceToken.hash(of: "gk_journal_\($0)") }

    @Test("lines are read back as written; a line cut by a crash is named, not taken")
    func roundTrip() {
        let entries: [TokenJournal.Entry] = [
            .issued(.init(hash: Self.hashes[0], unit: village.code, relays: false, sealedKey: "abc", at: 10)),
            .issued(.init(hash: Self.hashes[1], unit: township.code, relays: true, sealedKey: nil, at: 11)),
            .revoked(hash: Self.hashes[0], at: 12),
            .restored(from: "/媒体/备份\t.sqlite", at: 13),
        ]
        let text = entries.map(TokenJournal.line).joined(separator: "\n") + "\nrevoked\t" + Self.hashes[1].prefix(20)
        let read = TokenJournal.entries(text)
        #expect(read.entries.count == 4 && read.entries.prefix(3) == entries.prefix(3))
        #expect(read.entries.last == .restored(from: "/媒体/备份 .sqlite", at: 13))
        #expect(read.damaged == [5])
    }

    @Test("a database restored from before: the revocation made again, the token issued since put back, one of a missing unit named")
    func reconcile() throws {
        // Given a server that issued token 0 before its backup
        let scratch = Scratch()
        let server = try Replica.create(at: scratch.path("server.sqlite"), unit: township, site: SiteID("5e5e5e5e5e5e5e5e")!, deviceName: "服务器", now: 1)
        _ = try server.units.addVillage(code: village.code, name: village.name)
        _ = try server.devices.issueToken("gk_journal_1", unit: village.code, secret: testServerSecret, now: 2)
        // and a journal saying that since then token 0 was revoked, and tokens 1 and 2 issued
        let journal: [TokenJournal.Entry] = [
            .issued(.init(hash: Self.hashes[0], unit: village.code, relays: false, sealedKey: nil, at: 2)),
            .revoked(hash: Self.hashes[0], at: 5),
            .issued(.init(hash: Self.hashes[1], unit: village.code, relays: false, sealedKey: nil, at: 6)),
            .issued(.init(hash: Self.hashes[2], unit: "640522100299", relays: false, sealedKey: nil, at: 7)),
        ]
        let plan = TokenJournal.plan(journal, held: try server.devices.tokenStates())
        #expect(plan.revoke.map(\.hash) == [Self.hashes[0]] && plan.reinstate.map(\.hash) == [Self.hashes[1], Self.hashes[2]])
        // When it is applied
        let missing = try server.devices.apply(plan)
        // Then token 0 is revoked, token 1 valid, token 2 (its unit unknown here) named and not added
        #expect(missing.map(\.hash) == [Self.hashes[2]])
        #expect(try server.devices.access(forToken: "gk_journal_1") == .revoked)
        guard case .valid = try server.devices.access(forToken: "gk_journal_2") else { Issue.record("token issued since was not put back"); return }
        // And applying the journal again changes nothing
        #expect(TokenJournal.plan(journal, held: try server.devices.tokenStates()).revoke.isEmpty)
        #expect(TokenJournal.plan(journal, held: try server.devices.tokenStates()).reinstate.map(\.hash) == [Self.hashes[2]])
    }
}
