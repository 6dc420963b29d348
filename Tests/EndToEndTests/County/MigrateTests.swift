import Foundation
import Testing
import TestSupport
import TestTiers

/// `gongkai admin migrate`: a township's SQLite server moved to PostgreSQL, through the real
/// binaries, with laptops that go on syncing as if nothing happened.
@Suite("County: a township server moved to PostgreSQL", .tags(.slow), .enabled(if: TestPostgres.url != nil, Comment(rawValue: TestPostgres.missing)))
struct MigrateTests {
    static let villages = ["640522100201", "640522100202", "640522100203"]

    @Test("three villages' data moved: every record, device and token; the laptops' next syncs are no-ops (one request); the report's bytes are the same")
    func threeVillagesMoved() throws {
        // Given a township server with three villages' requests, fees and notices, synced to convergence
        let town = try Township(villages: Self.villages)
        let laptops = [("a", Self.villages[0]), ("b", Self.villages[1]), ("c", Self.villages[2])]
        for (index, (name, unit)) in laptops.enumerated() {
            try town.laptop(name, unit: unit)
            for step in 0..<(4 + index) {
                #expect(try town.gongkai(name, ["request", "add", "--id", "\(name)-r\(step)", "--received-on", "2021-03-0\(1 + step)",
                                                "--applicant-type", "自然人", "--content", "申请 \(step)"]).status == 0)
                #expect(try town.gongkai(name, ["fee", "add", "--id", "\(name)-f\(step)", "--collected-on", "2021-04-01",
                                                "--amount-yuan", "\(step).5"]).status == 0)
            }
            #expect(try town.gongkai(name, ["notice", "add", "--id", "\(name)-n", "--title", "通知", "--category", "村务",
                                            "--channel", "公开栏", "--published-on", "2021-02-0\(1 + index)"]).status == 0)
        }
        for _ in 0..<2 { for (name, _) in laptops { try town.sync(name) } }
        #expect(try town.gongkai("a", ["request", "conclude", "640522100201:a-r0", "--on", "2021-03-20", "--outcome", "予以公开"]).status == 0)
        try town.sync("a")
        func report(_ location: [String], format: String) throws -> String {
            let result = try GongkaiProcess.run(["report", "annual", "--year", "2021", "--format", format] + location,
                                                environment: ["GONGKAI_NOW": "1700000000"], in: town.workspace.url)
            #expect(result.status == 0, "\(result.stderr)")
            return result.stdout
        }
        let file = ["--db", town.workspace.path("town.sqlite")]
        let before = try (report(file, format: "md"), report(file, format: "json"))
        #expect(before.0.contains("640522100203"))
        let tokensBefore = try town.workspace.gongkai(["admin", "list-tokens", "--json"], db: "town.sqlite").stdout

        // When the server is stopped and its database moved
        town.server.kill()
        let database = try TestPostgres.database()
        let url = database.location.url
        let moved = try GongkaiProcess.run(["admin", "migrate", "--from", town.workspace.path("town.sqlite"), "--to", url])
        #expect(moved.status == 0, "\(moved.stderr)")
        #expect(moved.stdout.contains("4 个单位") && moved.stdout.contains("3 个令牌"), "\(moved.stdout)")

        // Then the report from the store is the same, byte for byte, in both formats
        let store = ["--store", url]
        #expect(try report(store, format: "md") == before.0)
        #expect(try report(store, format: "json") == before.1)
        #expect(try report(store + ["--unit", TestSupport.township.code], format: "md") == before.0)
        // And a village's own report from the store counts that village's records only
        let villageReport = try report(store + ["--unit", Self.villages[1]], format: "json")
        #expect(villageReport.contains(Self.villages[1]) && !villageReport.contains(Self.villages[2]), "\(villageReport.prefix(400))")
        // And the tokens are all there
        let tokensAfter = try GongkaiProcess.run(["admin", "list-tokens", "--json", "--store", url])
        #expect(tokensAfter.stdout == tokensBefore)
        // And a migrating into the same database again is refused, changing nothing
        let again = try GongkaiProcess.run(["admin", "migrate", "--from", town.workspace.path("town.sqlite"), "--to", url])
        #expect(again.status != 0 && again.stderr.contains("已经是 gongkai 的服务器数据库"), "\(again.stderr)")

        // When the laptops sync with a server on the store
        town.server = try ServerProcess(workspace: town.workspace, store: url)
        for (name, _) in laptops {
            let result = try town.sync(name)
            // Then each sync is a no-op: one pull carrying the closing check, nothing sent again, and they agree
            let output = result.stdout + result.stderr
            #expect(output.contains("请求 1 次") && output.contains("pushed 0, pulled 0") && output.contains("已与服务器核对: 一致"), "\(name): \(output)")
        }
        // And what a laptop captures next goes through as before
        #expect(try town.gongkai("b", ["fee", "add", "--id", "after", "--collected-on", "2021-05-01", "--amount-yuan", "3"]).status == 0)
        let after = try town.sync("b")
        #expect((after.stdout + after.stderr).contains("pushed 1"), "\(after.stdout)")
        print("MIGRATE records=\((try town.records("a.sqlite", kind: "requests", unit: Self.villages[0])).count) report_bytes=\(before.0.utf8.count)")
    }
}
