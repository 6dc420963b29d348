import Foundation
import Testing
import TestSupport

/// Everything the server holds, record by record, for comparing before and after.
func serverRecords(_ town: Township) throws -> [String] {
    try ["notices", "documents", "matters", "decisions", "fees", "procurement", "requests", "cases"].flatMap { kind in
        try town.workspace.gongkai(["export", kind, "--format", "json"], db: "town.sqlite").stdout.split(separator: "\n").map(String.init)
    }
}

@Suite("Authorization at the real server")
struct AuthorizationTests {
    static let (villageA, villageB) = (TestSupport.village.code, secondVillage.code)

    func prepared() throws -> Township {
        let town = try Township(villages: [Self.villageA, Self.villageB])
        try town.laptop("a", unit: Self.villageA)
        try town.laptop("b", unit: Self.villageB)
        _ = try town.gongkai("a", ["fee", "add", "--id", "fa", "--collected-on", "2021-04-01", "--amount-yuan", "5"])
        try town.sync("a")
        _ = try town.gongkai("a", ["fee", "add", "--id", "fa2", "--collected-on", "2021-04-02", "--amount-yuan", "6"])
        return town
    }

    @Test("no token, a wrong token, a revoked token and another unit's token are refused, and the server's data is unchanged",
          arguments: ["none", "wrong", "revoked", "other unit"])
    func refused(case name: String) throws {
        let town = try prepared()
        let before = try serverRecords(town)
        var token = town.tokens["a"]!
        var expected = ""
        switch name {
        case "none": token = ""; expected = "缺少设备令牌"
        case "wrong": token = "gk_" + String(repeating: "0", count: 48); expected = "设备令牌无效"
        case "revoked":
            #expect(try town.workspace.gongkai(["admin", "revoke-token", "--token", token], db: "town.sqlite").status == 0)
            expected = "已被吊销"
        default: token = town.tokens["b"]!; expected = "此令牌属于单位 \(Self.villageB)"
        }
        let result = try GongkaiProcess.run(["sync", "--db", town.workspace.path("a.sqlite"), "--server", town.server.url, "--token", token, "--no-remember"])
        #expect(result.status == 1)
        #expect(result.stderr.contains(expected), "\(result.stderr)")
        #expect(try serverRecords(town) == before)
        #expect(try town.gongkai("a", ["status", "--json"]).stdout.contains("\"pending_changes\": 1"))
    }

    @Test("a village pushing a record of another unit is refused; nothing of it is stored; status says why")
    func otherUnitRecord() throws {
        let town = try prepared()
        try town.sync("a")
        let before = try serverRecords(town)
        // A tampered laptop file claims a fee of the other village.
        let sqlite = URL(fileURLWithPath: "/usr/bin/sqlite3")
        let tamper = try GongkaiProcess.runTool(sqlite, [town.workspace.path("a.sqlite"), """
            INSERT INTO units VALUES ('\(Self.villageB)', '别村', '640522100000', 0);
            INSERT INTO fees (seq, id, unit, collected_on, amount_yuan, deleted, conflicts, vv, clock, siblings)
              SELECT seq + 1000, 'smuggled', '\(Self.villageB)', collected_on, amount_yuan, deleted, conflicts, vv, clock, siblings FROM fees WHERE id LIKE '%:fa';
            """])
        #expect(tamper.status == 0, "\(tamper.stderr)")
        let result = try town.sync("a", expectSuccess: false)
        #expect(result.status == 1)
        #expect(result.stderr.contains("smuggled"))
        #expect(result.stderr.contains("无权写入单位 \(Self.villageB)"))
        #expect(try serverRecords(town) == before)
        let status = try town.gongkai("a", ["status"]).stdout
        #expect(status.contains("服务器拒收的记录 (1)"))
        #expect(status.contains("smuggled: 此设备无权写入单位 \(Self.villageB)"))
    }
}
