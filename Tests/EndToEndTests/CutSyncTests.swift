import Foundation
import Testing
import TestTiers
import TestSupport

@Suite("A sync cut mid-transfer finishes on the next run", .tags(.slow), .fullSuiteOnly)
struct CutSyncTests {
    static let village = TestSupport.village.code

    /// Total bytes of the sync under test when nothing cuts it, measured once.
    static func cutPoints() throws -> [Int] {
        let (town, file) = try prepare()
        let proxy = try FaultProxy(upstreamPort: town.server.port, plan: .clean)
        defer { proxy.close() }
        let whole = try GongkaiProcess.run(["sync", "--db", town.workspace.path("a.sqlite"), "--server", "http://127.0.0.1:\(proxy.port)",
                                            "--token", town.tokens["a"]!, "--batch-size", "10", "--no-remember"])
        #expect(whole.status == 0, "\(whole.stderr)")
        _ = file
        let total = proxy.bytes.up + proxy.bytes.down
        // Cut points across the whole exchange: early in the first request, through the pushes
        // and pulls, into the last responses.
        return [60, 300] + (1...10).map { total * $0 / 11 } + [total - 40]
    }

    /// A township; laptop b has synced 15 fees; laptop a holds 45 requests not yet synced.
    static func prepare() throws -> (Township, String) {
        let town = try Township(villages: [village])
        try town.laptop("a", unit: village)
        try town.laptop("b", unit: village)
        for index in 0..<15 { _ = try town.gongkai("b", ["fee", "add", "--id", "fb\(index)", "--collected-on", "2021-04-01", "--amount-yuan", "\(index)"]) }
        try town.sync("b")
        let rows = (0..<45).map { "ra\($0),2021-03-0\(1 + $0 % 9),自然人,申请 \($0)" }
        let file = town.workspace.write("r.csv", "id,received_on,applicant_type,content\n" + rows.joined(separator: "\n") + "\n")
        #expect(try town.gongkai("a", ["import", "requests", file]).status == 0)
        return (town, file)
    }

    @Test("cut at byte offsets across push and pull: the next run completes with nothing lost and nothing doubled")
    func sweep() throws {
        let points = try Self.cutPoints()
        #expect(points.count >= 12)
        var summary = FaultSummary(name: "cut at byte offsets across a whole sync (lost acknowledgements included)")
        defer { summary.print() }
        for cut in points {
            let (town, _) = try Self.prepare()
            let proxy = try FaultProxy(upstreamPort: town.server.port, plan: FaultPlan(cut: (.either, cut)))
            let cutRun = try GongkaiProcess.run(["sync", "--db", town.workspace.path("a.sqlite"), "--server", "http://127.0.0.1:\(proxy.port)",
                                                 "--token", town.tokens["a"]!, "--batch-size", "10", "--attempts", "1", "--no-remember"])
            proxy.close()
            #expect(proxy.faulted, "cut at \(cut) did not happen")
            summary.faults += proxy.faulted ? 1 : 0
            summary.syncs += 3
            #expect(cutRun.status == 1, "cut at \(cut): \(cutRun.stdout)")
            // The next run, on a good connection, finishes.
            try town.sync("a")
            try town.sync("b")
            let serverRequests = try town.records("town.sqlite", kind: "requests", unit: Self.village)
            let serverFees = try town.records("town.sqlite", kind: "fees", unit: Self.village)
            #expect(serverRequests.count == 45, "cut at \(cut)")
            #expect(serverFees.count == 15, "cut at \(cut)")
            for laptop in ["a", "b"] {
                #expect(try town.records("\(laptop).sqlite", kind: "requests", unit: Self.village) == serverRequests, "cut at \(cut), \(laptop)")
                #expect(try town.records("\(laptop).sqlite", kind: "fees", unit: Self.village) == serverFees, "cut at \(cut), \(laptop)")
            }
            #expect(try town.gongkai("a", ["status", "--json"]).stdout.contains("\"pending_changes\": 0"))
            summary.writes += 3 * (serverRequests.count + serverFees.count)
            town.server.kill()
        }
    }

    @Test("a cut is retried within the same run when attempts allow")
    func retried() throws {
        let (town, _) = try Self.prepare()
        let proxy = try FaultProxy(upstreamPort: town.server.port, plan: FaultPlan(cut: (.either, 2_000), healAfterFault: true))
        defer { proxy.close() }
        let result = try GongkaiProcess.run(["sync", "--db", town.workspace.path("a.sqlite"), "--server", "http://127.0.0.1:\(proxy.port)",
                                             "--token", town.tokens["a"]!, "--batch-size", "10", "--no-remember"],
                                            environment: ["GONGKAI_RETRY_DELAY": "0.01"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(proxy.faulted)
        #expect(try town.records("town.sqlite", kind: "requests", unit: Self.village).count == 45)
    }
}
