import Foundation
import Testing
import TestSupport

/// `--store` given wrong, through the real binary: a clear message, a failing exit, nothing hangs.
@Suite("County: a PostgreSQL store named wrong")
struct StoreAddressTests {
    @Test("a store no server answers at: serve, admin and report say they cannot reach it, and where", arguments: [
        ["serve", "--port", "0"],
        ["admin", "issue-token", "--unit", "640522100201"],
        ["report", "annual", "--year", "2021"],
    ])
    func unreachable(command: [String]) throws {
        let result = try GongkaiProcess.run(command + ["--store", "postgresql://county@localhost/gongkai?host=/nonexistent-gongkai-socket"])
        #expect(result.status != 0)
        #expect(result.stderr.contains("连不上 PostgreSQL") && result.stderr.contains("/nonexistent-gongkai-socket"), "\(result.stderr)")
    }

    @Test("--db and --store together, --unit of a unit the replica does not hold, and an address that is not one are refused with the right form")
    func misused() throws {
        let both = try GongkaiProcess.run(["serve", "--db", "town.sqlite", "--store", "postgresql:///gongkai?host=/tmp"])
        #expect(both.status != 0 && both.stderr.contains("--db 和 --store 只能选一个"), "\(both.stderr)")
        let workspace = Workspace()
        try workspace.initVillage()
        let unit = try workspace.gongkai(["report", "check", "--year", "2021", "--unit", "640522100299"])
        #expect(unit.status == 1 && unit.stderr.contains("640522100299"), "\(unit.stderr)")
        let address = try GongkaiProcess.run(["admin", "migrate", "--from", "town.sqlite", "--to", "db.county/gongkai"])
        #expect(address.status != 0 && address.stderr.contains("postgresql://用户@主机:端口/数据库"), "\(address.stderr)")
    }
}
