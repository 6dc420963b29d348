import Foundation
import TestSupport
import Testing
import TestTiers

@Suite("Faults: a slow link", .tags(.slow), .fullSuiteOnly)
struct SlowLinkTests {
    @Test("about 50 kbit/s with a one-second round trip: the sync completes, shows progress, and takes time near bytes ÷ bandwidth")
    func slowLink() throws {
        var summary = FaultSummary(name: "slow link, 50 kbit/s, 1 s round trip")
        let village = "640522100201"
        let town = try Township(villages: [village])
        let ledger = WriteLedger()
        try town.laptop("a", unit: village)
        #expect(try ledger.captureFees(town.workspace, db: "a.sqlite", unit: village, prefix: "a", count: 300).status == 0)
        let bandwidth = 6_250 // bytes per second: 50 kbit/s
        let proxy = try FaultProxy(upstreamPort: town.server.port, plan: FaultPlan(bandwidth: bandwidth, latency: 0.5))
        defer { proxy.close() }
        let started = Date()
        let run = try GongkaiProcess.run(["sync", "--db", town.workspace.path("a.sqlite"), "--server", "http://127.0.0.1:\(proxy.port)",
                                          "--token", town.tokens["a"]!, "--batch-size", "100", "--progress", "--no-remember"])
        let elapsed = Date().timeIntervalSince(started)
        summary.syncs += 1
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stderr.components(separatedBy: "同步中: 已推送").count - 1 >= 3, "progress lines: \(run.stderr)")
        let (up, down) = proxy.bytes
        let transfer = Double(up + down) / Double(bandwidth)
        let cost = try WireCost(run.stderr)
        let requests = cost.requests
        // The client's own count of bytes is what actually crossed the link.
        #expect(cost.bytes == up + down, "client counted \(cost.bytes), the link carried \(up + down)")
        // Each request pays the round trip once each way; beyond that, time is bytes ÷ bandwidth.
        let bound = 2 * transfer + Double(requests) * 1.5 + 2
        #expect(elapsed <= bound, "\(Comment(rawValue: String(format: "%.1f s for %d bytes (%.1f s at 50 kbit/s) in %d requests", elapsed, up + down, transfer, requests)))")
        print(String(format: "SLOW-LINK bytes=%d transfer_seconds=%.1f requests=%d elapsed=%.1f", up + down, transfer, requests, elapsed))
        let outcome = try ledger.check(town.workspace, db: "town.sqlite", units: [village])
        summary.add(outcome)
        #expect(outcome.lost == 0 && outcome.duplicates == 0 && outcome.checked == 300)
        summary.print()
    }
}
