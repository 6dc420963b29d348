import Foundation
import Testing
import TestSupport
import TestTiers

/// The findings of the security trial (issue 12), each against the real `gongkai serve` on
/// loopback with a valid village token: the server stays up, the honest laptops keep syncing,
/// nothing forged is stored, and the file passes `integrity_check`.
@Suite("Trust: a village device can neither crash the server, nor write in another's name", .tags(.slow), .fullSuiteOnly)
struct TrustTests {
    static let limit = "9007199254740991"

    @Test("1. counters of 2^63 and more anywhere in a pull or a push are refused with 400, naming the field and the limit")
    func overflow() throws {
        // Given a township with three honest laptops, and a village token in an attacker's hands
        let trust = try TrustTown()
        let before = try trust.serverRecords()
        let site = TrustTown.attackerSite
        let huge = ["9223372036854775808", "18446744073709551615", "9223372036854775807", "9007199254740992"]
        var cases: [(String, String, String, String)] = []
        for number in huge {
            cases += [
                ("pull counter \(number)", "/v1/pull", trust.pull(counter: number), "counter"),
                ("push counter \(number)", "/v1/push", trust.push(counter: number, records: []), "counter"),
                ("dot \(number)", "/v1/push", trust.push(records: [TrustTown.fee("x1", dot: "\(site):\(number):1700000000")]), "records[0]"),
                ("vv \(number)", "/v1/push", trust.push(records: [TrustTown.fee("x2", vv: "\(site):\(number)",
                                                                                 clock: "\(site):\(number):1700000000=_deleted,amount_yuan,collected_on", amount: "1")]), "records[0]"),
            ]
        }
        // A cursor's sequence number is any 64-bit count the server issued: only what overflows is refused.
        for number in huge where UInt64(number).map({ $0 > UInt64(Int64.max) }) ?? true {
            cases.append(("cursor seq \(number)", "/v1/pull", trust.pull(cursor: "{\"mark\":\"m\",\"seq\":\(number)}"), "cursor.seq"))
        }
        cases.append(("negative limit", "/v1/pull", trust.pull(limit: "-9223372036854775808"), "limit"))
        // When each is sent
        for (name, path, body, field) in cases {
            let answer = try trust.post(path, body)
            // Then each is refused as bad input that names the field and the limit, and the server lives on
            #expect(answer.status == 400, "\(name): \(answer.status) \(answer.text)")
            #expect(answer.errorCode == "bad_request", "\(name)")
            let message = answer.errorMessage ?? ""
            #expect(message.contains(field), "\(name): \(message)")
            #expect(message.contains(Self.limit) || field == "limit" || field == "cursor.seq", "\(name): \(message)")
            #expect(trust.isUp(), "\(name) took the server down")
        }
        #expect(try trust.serverRecords() == before)
        #expect(try trust.integrity() == "ok")
        try trust.honestLaptopsKeepSyncing("overflow")
    }

    @Test("2. a dot counter far beyond what the server holds is refused: no replica's counter is poisoned, every laptop keeps writing")
    func poisoning() throws {
        let trust = try TrustTown()
        let site = TrustTown.attackerSite
        let serverCounter = try trust.sql("SELECT counter FROM replica")
        // When the attacker pushes its own record with the largest counter the wire allows
        let answer = try trust.post("/v1/push", trust.push(records: [TrustTown.fee("poison", dot: "\(site):\(Self.limit):1700000000")]))
        // Then the record is refused (named, with why), nothing is stored, no counter rises
        #expect(answer.status == 200, "\(answer.text)")
        #expect(answer.text.contains("poison") && answer.text.contains("计数"), "\(answer.text)")
        #expect(try trust.sql("SELECT count(*) FROM fees WHERE id = 'poison'") == "0")
        #expect(try trust.sql("SELECT counter FROM replica") == serverCounter)
        #expect(try trust.sql("SELECT max(counter) FROM sites") != Self.limit)
        // And Int64.max itself is refused as bad input
        let max = try trust.post("/v1/push", trust.push(records: [TrustTown.fee("poison2", dot: "\(site):9223372036854775807:1700000000")]))
        #expect(max.status == 400)
        // And every laptop pulls, writes and syncs as before
        try trust.honestLaptopsKeepSyncing("poisoning")
        for name in ["a", "b", "t"] {
            #expect(try trust.town.gongkai(name, ["notice", "add", "--title", "通知", "--category", "民生", "--channel", "公开栏",
                                                  "--published-on", "2021-06-01"]).status == 0)
        }
        #expect(try trust.integrity() == "ok")
    }

    @Test("3. a token naming another device's site is refused with 403 and that site's row is unchanged")
    func siteHijack() throws {
        let trust = try TrustTown()
        let victim = TrustTown.sites["b"]!
        let row = try trust.siteRow(victim)
        // When village A's token names village B's laptop as the sender, with a huge counter
        for path in ["/v1/push", "/v1/pull"] {
            let body = path == "/v1/push"
                ? trust.push(sender: trust.sender(site: victim, unit: TrustTown.villageA, device: "hijack"), counter: Self.limit, records: [])
                : trust.pull(sender: trust.sender(site: victim, unit: TrustTown.villageA, device: "hijack"), counter: Self.limit)
            let answer = try trust.post(path, body)
            // Then it is refused: the site belongs to another device
            #expect(answer.status == 403, "\(path): \(answer.text)")
            #expect(answer.errorCode == "site_taken", "\(path): \(answer.text)")
        }
        // And B's row is as it was, and B's honest laptop syncs as before
        #expect(try trust.siteRow(victim) == row)
        try trust.honestLaptopsKeepSyncing("hijack")
        #expect(try trust.integrity() == "ok")
    }

    @Test("4. a version carrying a dot of another device that the server never saw is refused as forged; that device's next edit syncs")
    func forgedAuthorship() throws {
        let trust = try TrustTown()
        let (a, t) = (TrustTown.sites["a"]!, TrustTown.sites["t"]!)
        let stored = try trust.sql("SELECT vv || '|' || amount_yuan FROM fees WHERE id = 'fee-aaaaaaaaaaaaaaaa'")
        // When A pushes its own record as if the township laptop had changed it (a change it never made)
        let forged = [
            TrustTown.fee("fee-aaaaaaaaaaaaaaaa", dot: "\(t):999:1700000000", amount: "666"),
            TrustTown.fee("fee-aaaaaaaaaaaaaaaa", vv: "\(a):1,\(t):999", clock: "\(t):999:1700000000=amount_yuan;\(a):1:1700000000=_deleted,collected_on", amount: "666"),
        ]
        for record in forged {
            let answer = try trust.post("/v1/push", trust.push(sender: trust.sender(site: a, device: "a"), records: [record]),
                                        token: trust.town.tokens["a"])
            // Then the record is refused, named, as forged, and nothing of it is stored
            #expect(answer.status == 200, "\(answer.text)")
            #expect(answer.text.contains("fee-aaaaaaaaaaaaaaaa") && answer.text.contains(t), "\(answer.text)")
            #expect(try trust.sql("SELECT vv || '|' || amount_yuan FROM fees WHERE id = 'fee-aaaaaaaaaaaaaaaa'") == stored)
        }
        // And the township laptop's honest edit of that record syncs
        #expect(try trust.town.gongkai("t", ["fee", "edit", "fee-aaaaaaaaaaaaaaaa", "--amount-yuan", "7"]).status == 0)
        let sync = try trust.town.sync("t")
        #expect(!sync.stderr.contains("分叉"), "\(sync.stderr)")
        #expect(try trust.sql("SELECT amount_yuan FROM fees WHERE id = 'fee-aaaaaaaaaaaaaaaa'") == "700")
        try trust.honestLaptopsKeepSyncing("forged")
        #expect(try trust.integrity() == "ok")
    }

    @Test("5. a push naming the township laptop as its sender is refused, so nothing can be hidden from where the report is built")
    func concealment() throws {
        let trust = try TrustTown()
        let t = TrustTown.sites["t"]!
        let row = try trust.siteRow(t)
        // When A pushes a new record of its village claiming to be the township's laptop
        let answer = try trust.post("/v1/push", trust.push(sender: trust.sender(site: t, unit: TrustTown.villageA),
                                                            records: [TrustTown.fee("hidden", dot: "\(t):50:1700000000")]))
        // Then it is refused and nothing is stored
        #expect(answer.status == 403, "\(answer.text)")
        #expect(try trust.sql("SELECT count(*) FROM fees WHERE id = 'hidden'") == "0")
        #expect(try trust.siteRow(t) == row)
        // And what A pushes honestly reaches the township laptop: it holds every record of A the server holds
        #expect(try trust.town.gongkai("a", ["fee", "add", "--id", "honest", "--collected-on", "2021-04-02", "--amount-yuan", "3"]).status == 0)
        try trust.town.sync("a")
        try trust.town.sync("t")
        let onServer = try trust.town.records("town.sqlite", kind: "fees", unit: TrustTown.villageA)
        #expect(onServer.count == 2)
        #expect(try trust.town.records("t.sqlite", kind: "fees", unit: TrustTown.villageA) == onServer)
        try trust.honestLaptopsKeepSyncing("concealment")
        #expect(try trust.integrity() == "ok")
    }

    @Test("6. device names are bounded and free of control characters, log lines cannot be forged, sessions are the token's own")
    func unboundedFields() throws {
        let trust = try TrustTown()
        let sitesBefore = try trust.sql("SELECT count(*), sum(length(device_name)) FROM sites")
        // When the attacker sends a 30 MiB device name (gzip-compressed: a few tens of KB on the wire)
        let huge = trust.pull(sender: trust.sender(device: String(repeating: "x", count: 30 << 20)))
        let bomb = try trust.connection().request("POST", "/v1/pull", headers: trust.headers(gzip: true), body: gzip(Array(huge.utf8)))
        #expect(bomb.status == 400, "\(bomb.status) \(bomb.text.prefix(300))")
        #expect((bomb.errorMessage ?? "").contains("sender.device") && (bomb.errorMessage ?? "").contains("64"), "\(bomb.text.prefix(300))")
        // And device names and units with line breaks meant to forge log lines
        let forgedLine = "x\nsync unit=640522100202 site=bbbbbbbbbbbbbbb1 device=FORGED converged"
        for sender in [trust.sender(device: forgedLine), trust.sender(unit: "640522100201\nFORGED unit")] {
            let answer = try trust.post("/v1/pull", trust.pull(sender: sender))
            #expect(answer.status == 400, "\(answer.text)")
        }
        #expect(try trust.sql("SELECT count(*), sum(length(device_name)) FROM sites") == sitesBefore)
        // And one village closes another's session by naming it
        let a = trust.sender(site: TrustTown.sites["a"]!, device: "raw")
        #expect(try trust.post("/v1/pull", trust.pull(sender: a), token: trust.town.tokens["a"], session: "shared-session").status == 200)
        let b = trust.sender(site: TrustTown.sites["b"]!, unit: TrustTown.villageB, device: "b")
        #expect(try trust.post("/v1/done", trust.done(sender: b), token: trust.town.tokens["b"], session: "shared-session").status == 200)
        #expect(try trust.post("/v1/done", trust.done(sender: a), token: trust.town.tokens["a"], session: "shared-session").status == 200)
        // Then no log line is forged, oversized, or another's
        let log = trust.town.server.log
        let lines = log.split(separator: "\n")
        #expect(!lines.contains { $0.hasPrefix("sync unit=") || $0.contains("device=FORGED") || $0.hasPrefix("FORGED") }, "\(log.suffix(2_000))")
        #expect(lines.allSatisfy { $0.utf8.count < 4_096 }, "a log line of \(lines.map(\.utf8.count).max() ?? 0) bytes")
        let sessions = lines.filter { $0.contains("sync unit=") && $0.contains("requests=") }
        let aSession = sessions.filter { $0.contains("device=raw") }
        #expect(aSession.count == 1, "\(sessions)")
        #expect(aSession.first?.contains("client=127.0.0.1") == true && aSession.first?.contains("requests=2") == true, "\(sessions)")
        #expect(sessions.contains { $0.contains("unit=\(TrustTown.villageB)") && $0.contains("requests=1") }, "\(sessions)")
        try trust.honestLaptopsKeepSyncing("fields")
        #expect(try trust.integrity() == "ok")
    }

    @Test("8. a push of more records than a page (2,001) is refused whole with 413; nothing of it is stored")
    func batchCap() throws {
        let trust = try TrustTown()
        let site = TrustTown.attackerSite
        let records = (1...2_001).map { TrustTown.fee("bulk-\($0)", dot: $0 == 1 ? "\(site):1:1700000000" : "+") }
        let answer = try trust.post("/v1/push", trust.push(records: records))
        #expect(answer.status == 413, "\(answer.text.prefix(300))")
        #expect((answer.errorMessage ?? "").contains("2000"), "\(answer.text.prefix(300))")
        #expect(try trust.sql("SELECT count(*) FROM fees WHERE id LIKE 'bulk-%'") == "0")
        // A page's worth is taken
        let page = try trust.post("/v1/push", trust.push(records: Array(records.prefix(2_000))))
        #expect(page.status == 200, "\(page.text.prefix(300))")
        #expect(try trust.sql("SELECT count(*) FROM fees WHERE id LIKE 'bulk-%'") == "2000")
        try trust.honestLaptopsKeepSyncing("cap")
        #expect(try trust.integrity() == "ok")
    }

    @Test("a laptop given a new token is refused with the way out; list-tokens names the old one, revoke --id frees the site")
    func newTokenForALaptop() throws {
        // Given laptop b, synced with its token, and a new token issued for it
        let trust = try TrustTown()
        let issued = try trust.town.workspace.gongkai(["admin", "issue-token", "--unit", TrustTown.villageB], db: "town.sqlite")
        let fresh = issued.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        // When b syncs with the new token while the old one is valid
        let refused = try GongkaiProcess.run(["sync", "--db", trust.town.workspace.path("b.sqlite"), "--server", trust.town.server.url,
                                              "--token", fresh, "--no-remember"])
        // Then it is refused, saying what to do
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("已属于另一台设备") && refused.stderr.contains("revoke-token"), "\(refused.stderr)")
        // And the township finds the old token by the laptop's name, and revokes it by its id
        let listed = try trust.town.workspace.gongkai(["admin", "list-tokens", "--json"], db: "town.sqlite")
        let tokens = try JSONSerialization.jsonObject(with: Data(listed.stdout.utf8)) as? [[String: Any]] ?? []
        let old = try #require(tokens.first { ($0["device"] as? [String]) == ["b"] })
        #expect(old["unit"] as? String == TrustTown.villageB && old["last_used"] is String && old["revoked"] is NSNull)
        let id = try #require(old["id"] as? String)
        #expect(try trust.town.workspace.gongkai(["admin", "revoke-token", "--id", id], db: "town.sqlite").status == 0)
        // Then the laptop syncs with its new token, and the old one no longer works
        #expect(try trust.town.gongkai("b", ["fee", "add", "--id", "with-new-token", "--collected-on", "2021-04-03", "--amount-yuan", "4"]).status == 0)
        let synced = try GongkaiProcess.run(["sync", "--db", trust.town.workspace.path("b.sqlite"), "--server", trust.town.server.url,
                                             "--token", fresh])
        #expect(synced.status == 0 && synced.stderr.contains("一致"), "\(synced.stderr)")
        #expect(try trust.sql("SELECT count(*) FROM fees WHERE id = '640522100202:with-new-token'") == "1")
        let stale = try trust.post("/v1/pull", trust.pull(sender: trust.sender(site: TrustTown.sites["b"]!, unit: TrustTown.villageB)),
                                   token: trust.town.tokens["b"])
        #expect(stale.status == 401 && stale.errorCode == "token_revoked")
    }

    @Test("a laptop of the previous release (schema 5) is served by its own messages, word for word")
    func previousRelease() throws {
        // Given a token for a laptop not yet upgraded, and the three messages that release writes
        let trust = try TrustTown()
        let site = "dddddddddddddd05"
        let sender = #"{"device":"旧版笔记本","site":"\#(site)","unit":"640522100201"}"#
        let push = #"{"counter":1,"protocolVersion":2,"records":[{"dot":"\#(site):1:1700000000","id":"fee-old","kind":"fees","unit":"640522100201","values":{"_deleted":"0","amount_yuan":"8","collected_on":"2021-04-05"}}],"schemaVersion":5,"sender":\#(sender)}"#
        let pull = #"{"counter":1,"limit":2000,"protocolVersion":2,"schemaVersion":5,"sender":\#(sender)}"#
        // When it syncs
        let pushed = try trust.post("/v1/push", push, session: "old-release")
        let pulled = try trust.post("/v1/pull", pull, session: "old-release")
        let object = try JSONSerialization.jsonObject(with: Data(pulled.body)) as? [String: Any]
        let digest = #"{"conflicts":0,"digest":"00","protocolVersion":2,"pulled":1,"pushed":1,"sender":\#(sender)}"#
        let done = try trust.post("/v1/done", digest, session: "old-release")
        // Then each is answered as before, and its record is stored
        #expect(pushed.status == 200 && pushed.text.contains("\"changed\":1"), "\(pushed.text)")
        #expect(pulled.status == 200 && (object?["records"] as? [Any])?.count == 1, "\(pulled.text.prefix(300))")
        #expect(done.status == 200 && done.text.contains("converged"), "\(done.text)")
        #expect(try trust.sql("SELECT amount_yuan FROM fees WHERE id = 'fee-old'") == "800")
        // And a laptop newer than its server is told to upgrade the server
        let newer = try trust.post("/v1/pull", pull.replacingOccurrences(of: "\"schemaVersion\":5", with: "\"schemaVersion\":\(trust.schema + 1)"))
        #expect(newer.status == 409 && newer.errorCode == "schema_mismatch" && (newer.errorMessage ?? "").contains("请升级服务器"), "\(newer.text)")
    }

    @Test("401s from a bad token are summarised, not logged one line each")
    func unauthorizedSummarised() throws {
        let trust = try TrustTown()
        let connection = try trust.connection()
        for _ in 0..<200 {
            let answer = try connection.request("POST", "/v1/pull", headers: trust.headers(token: "gk_wrong"), body: Array(trust.pull().utf8))
            #expect(answer.status == 401)
        }
        #expect(trust.isUp())
        let refusals = trust.town.server.log.split(separator: "\n").filter { $0.contains("401") || $0.contains("unauthorized") }
        #expect(refusals.count <= 2, "\(refusals.count) lines: \(refusals.prefix(3))")
    }

    @Test("a server killed by a fatal signal says so in its log before it exits")
    func fatalErrorLogged() throws {
        let trust = try TrustTown()
        let server = trust.town.server.process
        kill(server.processIdentifier, SIGSEGV)
        let deadline = Date().addingTimeInterval(60)
        while server.isRunning, Date() < deadline { Thread.sleep(forTimeInterval: 0.1) }
        #expect(!server.isRunning, "still running a minute after SIGSEGV")
        trust.town.server.kill()
        #expect(trust.town.server.log.contains("致命错误"), "\(trust.town.server.log.suffix(500))")
    }
}

func gzip(_ bytes: [UInt8]) throws -> [UInt8] {
    let workspace = Workspace()
    let path = workspace.write("body", "")
    try Data(bytes).write(to: URL(fileURLWithPath: path))
    let result = try GongkaiProcess.runTool(URL(fileURLWithPath: "/bin/gzip"), ["-kf", path])
    #expect(result.status == 0)
    return Array(try Data(contentsOf: URL(fileURLWithPath: path + ".gz")))
}
