import Foundation
import Testing
import TestSupport
import TestTiers

/// Issue 27, finding 1: amounts that each passed alone made the township's report die (SIGILL
/// from Swift's `+=` on fen, "integer overflow" from SQLite's `sum()`, "bigint out of range" on
/// PostgreSQL). Now one record's amount is held to a plausible maximum at capture and at the
/// server, every sum is exact whatever is stored, and a year whose sums are beyond a report is
/// told plainly, with `report check` naming the units and the records.
@Suite("Trust: amounts can neither crash the report nor pass unremarked", .tags(.slow), .fullSuiteOnly)
struct AmountTests {
    static let village = TestSupport.village.code

    /// 9,300 concluded requests of 2021, each with the fee `fee` (yuan), as a ledger's CSV.
    static func ledger(_ workspace: Workspace, fee: String, count: Int = 9_300) -> String {
        let rows = (0..<count).map { index in
            "r\(index),2021-03-01,自然人,申请 \(index),2021-03-10,予以公开,\(fee)"
        }
        return workspace.write("ledger.csv", "id,received_on,applicant_type,content,concluded_on,outcome,fee_yuan\n" + rows.joined(separator: "\n") + "\n")
    }

    @Test("1. the issue's ledger (9,300 fees of 10^13 yuan) is refused at capture, every row named; a pushed fee beyond the limit is refused by the server")
    func implausibleAmountsRefused() throws {
        // Given a township server, village A's laptop, and an attacker with a valid token of village A
        let trust = try TrustTown()
        let laptop = trust.town.workspace
        let before = try laptop.dump("a.sqlite")
        // When the laptop imports 9,300 concluded requests whose fees are 10^13 yuan each
        let imported = try laptop.gongkai(["import", "requests", Self.ledger(laptop, fee: "10000000000000")], db: "a.sqlite")
        // Then nothing is imported, and the refusal names the rows, the field and the limit
        #expect(imported.status == 1, "\(imported.stderr.prefix(400))")
        #expect(imported.stderr.contains("共 9300 行") && imported.stderr.contains("(第 2, 3, 4,") && imported.stderr.contains("合理上限 100万元"),
                "\(imported.stderr.prefix(400))")
        #expect(try laptop.dump("a.sqlite") == before)
        // And a single fee, a procurement or a request fee typed beyond its limit is refused at capture
        for (arguments, limit) in [(["fee", "add", "--collected-on", "2021-04-01", "--amount-yuan", "1000000000.01"], "10亿元"),
                                   (["procurement", "add", "--title", "采购", "--contracted-on", "2021-04-01", "--amount-yuan", "20000000000"], "100亿元"),
                                   (["request", "add", "--received-on", "2021-03-01", "--applicant-type", "自然人", "--content", "x",
                                     "--concluded-on", "2021-03-02", "--outcome", "予以公开", "--fee-yuan", "1000001"], "100万元")] {
            let added = try laptop.gongkai(arguments, db: "a.sqlite")
            #expect(added.status == 1 && added.stderr.contains("合理上限 \(limit)"), "\(arguments[0]): \(added.status) \(added.stderr)")
        }
        #expect(try laptop.dump("a.sqlite") == before)
        // When the attacker pushes a fee of 10^13 yuan as its own new record
        let site = TrustTown.attackerSite
        let answer = try trust.post("/v1/push", trust.push(records: [TrustTown.fee("huge", dot: "\(site):1:1700000000", amount: "10000000000000"),
                                                                     TrustTown.fee("plain", dot: "\(site):2:1700000000", amount: "120.5")]))
        // Then the server refuses that record, saying why, takes the plausible one, and lives on
        #expect(answer.status == 200, "\(answer.text)")
        #expect(answer.text.contains("huge") && answer.text.contains("合理上限"), "\(answer.text)")
        #expect(try trust.sql("SELECT count(*) FROM fees WHERE id = 'huge'") == "0")
        #expect(try trust.sql("SELECT amount_yuan FROM fees WHERE id = 'plain'") == "12050")
        #expect(try trust.integrity() == "ok")
        try trust.honestLaptopsKeepSyncing("amounts")
    }

    /// A township server (stopped) with village A's 9,300 requests of 2021 and three fees, synced
    /// from its laptop with plausible amounts.
    static func township() throws -> Township {
        let town = try Township(villages: [village])
        try town.laptop("a", unit: village)
        #expect(try town.gongkai("a", ["import", "requests", Self.ledger(town.workspace, fee: "1000")]).status == 0)
        for index in 0..<3 {
            #expect(try town.gongkai("a", ["fee", "add", "--id", "f\(index)", "--collected-on", "2021-04-01", "--amount-yuan", "5"]).status == 0)
        }
        try town.sync("a")
        town.server.kill()
        return town
    }

    /// The largest amount an earlier release took: 10^13 yuan (10^15 fen). 9,300 of them are over
    /// 2^63 fen.
    static let oldLargest = "10000000000000"

    @Test("2. on SQLite: amounts an earlier release took, summed beyond 2^63 fen, give a plain refusal of the report and a check that names the unit and records")
    func oldAmountsOnSQLite() throws {
        // Given a township server whose 2021 requests and fees hold the largest amount an earlier
        // release took, as it stored them (fen, 64 bits)
        let town = try Self.township()
        let update = try GongkaiProcess.runTool(URL(fileURLWithPath: "/usr/bin/sqlite3"), [town.workspace.path("town.sqlite"), """
            UPDATE requests SET fee_yuan = \(Self.oldLargest)00; UPDATE fees SET amount_yuan = \(Self.oldLargest)00;
            """])
        #expect(update.status == 0, "\(update.stderr)")
        try Self.expectToldNotCrashed(["--db", town.workspace.path("town.sqlite")], workspace: town.workspace)
    }

    @Test("3. on PostgreSQL: the county's report of the township tells the same, instead of 'bigint out of range'",
          .enabled(if: TestPostgres.url != nil, Comment(rawValue: TestPostgres.missing)))
    func oldAmountsOnPostgreSQL() throws {
        // Given the township moved to a county's PostgreSQL store, its amounts then as an earlier release took them
        let town = try Self.township()
        let database = try TestPostgres.database()
        let url = database.location.url
        let moved = try GongkaiProcess.run(["admin", "migrate", "--from", town.workspace.path("town.sqlite"), "--to", url])
        #expect(moved.status == 0, "\(moved.stderr)")
        for (kind, field) in [("requests", "fee_yuan"), ("fees", "amount_yuan")] {
            try TestPostgres.execute("UPDATE records SET fields = jsonb_set(fields, '{\(field)}', '\"\(Self.oldLargest)\"') WHERE kind = '\(kind)'", in: database)
        }
        // When the county reports the township, and the store as a whole
        for location in [["--store", url, "--unit", TestSupport.township.code], ["--store", url]] {
            try Self.expectToldNotCrashed(location, workspace: town.workspace)
        }
    }

    /// `report annual` refuses in words (exit 1, pointing to `report check`), and `report check`
    /// exits 1 naming the unit and the records, in text and in JSON.
    static func expectToldNotCrashed(_ location: [String], workspace: Workspace) throws {
        // When the township asks for the 2021 report
        let annual = try GongkaiProcess.run(["report", "annual", "--year", "2021"] + location, in: workspace.url)
        // Then it is refused with a reason and the way on, not killed by a signal
        #expect(annual.status == 1, "\(location): \(annual.status) \(annual.stderr)")
        #expect(annual.stderr.contains("合计") && annual.stderr.contains("元, 远超合理范围, 无法生成报告")
                && annual.stderr.contains("gongkai report check --year 2021"), "\(annual.stderr)")
        // And report check names the unit and each record beyond the limit
        let check = try GongkaiProcess.run(["report", "check", "--year", "2021"] + location, in: workspace.url)
        #expect(check.status == 1, "\(location): \(check.status) \(check.stderr)")
        #expect(check.stdout.contains("[错误] DATA-AMOUNT"), "\(check.stdout) \(check.stderr)")
        #expect(check.stdout.contains("信息处理费合计 93000000000000000 元, 超过合理范围 1000亿元 (最多的单位: \(village) 93000000000000000 元)"),
                "\(check.stdout)")
        #expect(check.stdout.contains("9303 条记录的金额超过一条记录的合理上限 (单位: \(village))"), "\(check.stdout)")
        for id in ["\(village):r0", "\(village):r1"] {
            #expect(check.stdout.contains("\(id) (\(village)): 信息处理费 \(oldLargest) 元, 超过一条记录的合理上限 100万元"), "\(id): \(check.stdout)")
        }
        #expect(check.stdout.contains("超过一条记录的合理上限 10亿元"), "\(check.stdout)")
        let json = try GongkaiProcess.run(["report", "check", "--year", "2021", "--json"] + location, in: workspace.url)
        #expect(json.status == 1)
        let checks = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [[String: Any]] ?? []
        let amount = checks.first { $0["id"] as? String == "DATA-AMOUNT" }
        #expect((amount?["records"] as? [Any])?.count == 9_303, "\(json.stdout.prefix(600))")
    }
}
