import Foundation
import Testing
import TestSupport
import TestTiers

/// Issue 27, finding 4: there was no quota: one token pushed 286,000 records in 21 s (615 MB;
/// 107 GB an hour) and every push was taken. Now each token and each unit may push so much a
/// day (`PushQuota`); a push past it is refused whole with 429 `quota_exceeded` and a message that
/// says how it is raised (`admin set-quota`); `/v1/health` reports the free disk.
@Suite("Trust: one token cannot fill the server's disk", .tags(.slow), .fullSuiteOnly)
struct QuotaTests {
    /// A push of `count` new fees of the attacker's site, its dots from `first`.
    static func batch(_ trust: TrustTown, first: Int, count: Int) -> String {
        let records = (first..<(first + count)).map { TrustTown.fee("flood-\($0)", dot: "\(TrustTown.attackerSite):\($0):1700000000", amount: "\($0 % 900 + 1)") }
        return trust.push(counter: String(first + count - 1), records: records)
    }

    @Test("a token floods 102,000 records: the first 100,000 are taken, the rest refused 429 with the way out; a resend is free; an override lets it go on")
    func tokenQuota() throws {
        // Given a township server, its honest laptops, and an attacker holding a token of village A
        let trust = try TrustTown()
        let w = trust.town.workspace
        // When the attacker pushes batches of 2,000 new records
        var accepted = 0, refusal: RawHTTPConnection.Response?
        for index in 0..<51 {
            let answer = try trust.post("/v1/push", Self.batch(trust, first: index * 2_000 + 1, count: 2_000))
            if answer.status == 200 { accepted += 1 } else { refusal = answer; break }
        }
        // Then 50 batches (100,000 records) are taken and the 51st is refused, saying the limit and how it is raised
        #expect(accepted == 50, "\(accepted) batches taken")
        #expect(refusal?.status == 429 && refusal?.errorCode == "quota_exceeded", "\(refusal?.status ?? 0) \(refusal?.text.prefix(300) ?? "")")
        #expect(refusal?.errorMessage?.contains("超过每日上限 100000 条") == true && refusal?.errorMessage?.contains("gongkai admin set-quota") == true,
                "\(refusal?.errorMessage ?? "")")
        #expect(try trust.sql("SELECT count(*) FROM fees WHERE id LIKE '%flood-%'") == "100000")
        // And the last batch sent again (a lost answer) is taken, costing nothing
        #expect(try trust.post("/v1/push", Self.batch(trust, first: 98_001, count: 2_000)).status == 200)
        // And the honest laptops of the same village and the others sync as before
        try trust.honestLaptopsKeepSyncing("quota")
        // When the township raises the attacker's token's limit
        let tokens = try JSONSerialization.jsonObject(with: Data(try w.gongkai(["admin", "list-tokens", "--json"], db: "town.sqlite").stdout.utf8))
            as? [[String: Any]] ?? []
        let id = tokens.first { ($0["device"] as? [String])?.contains("attacker") == true }?["id"] as? String ?? ""
        // (today by the real clock, as the serving process counts it)
        let raised = try w.gongkai(["admin", "set-quota", "--token-id", id, "--records-per-day", "150000"], db: "town.sqlite",
                                   now: Int(Date().timeIntervalSince1970))
        #expect(raised.status == 0 && raised.stdout.contains("每天最多 150000 条记录") && raised.stdout.contains("已推送 100000 条"), "\(raised.stdout) \(raised.stderr)")
        // Then its next batch is taken
        #expect(try trust.post("/v1/push", Self.batch(trust, first: 100_001, count: 2_000)).status == 200)
        // And /v1/health reports the free disk
        let health = try JSONSerialization.jsonObject(with: Data(try trust.connection().request("GET", "/v1/health").body)) as? [String: Any]
        #expect((health?["free_disk_bytes"] as? Int ?? 0) > 0, "\(String(describing: health))")
    }

    @Test("a unit's limit holds all its devices together: a laptop's sync past it stops at once with the message, and so does its file")
    func unitQuota() throws {
        // Given village A's limit set to 3 records a day, and its laptop with 5 new fees
        let trust = try TrustTown()
        let w = trust.town.workspace
        #expect(try w.gongkai(["admin", "set-quota", "--unit", TrustTown.villageA, "--records-per-day", "3"], db: "town.sqlite").status == 0)
        for index in 0..<5 {
            #expect(try trust.town.gongkai("a", ["fee", "add", "--id", "q\(index)", "--collected-on", "2021-04-01", "--amount-yuan", "3"]).status == 0)
        }
        // When it syncs
        let started = Date()
        let synced = try trust.town.sync("a", expectSuccess: false)
        // Then the push is refused at once (not tried again and again), naming the unit's limit
        #expect(synced.status == 1 && synced.stderr.contains("单位 \(TrustTown.villageA) 的全部设备") && synced.stderr.contains("超过每日上限 3 条"),
                "\(synced.stderr)")
        #expect(Date().timeIntervalSince(started) < 10)
        #expect(try trust.sql("SELECT count(*) FROM fees WHERE id LIKE '%:q%'") == "0")
        // And a file of the same changes is refused too, with nothing changed
        let before = try w.dump("town.sqlite")
        #expect(try trust.town.gongkai("a", ["bundle", "export", "--output", w.path("a.gkb")]).status == 0)
        let imported = try w.gongkai(["bundle", "import", w.path("a.gkb")], db: "town.sqlite")
        #expect(imported.status == 1 && imported.stderr.contains("超过每日上限 3 条"), "\(imported.stderr)")
        #expect(try w.dump("town.sqlite") == before)
        // And village B is not held by A's limit
        #expect(try trust.town.gongkai("b", ["fee", "add", "--id", "b-q", "--collected-on", "2021-04-01", "--amount-yuan", "3"]).status == 0)
        #expect(try trust.town.sync("b").status == 0)
    }
}
