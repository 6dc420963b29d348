import Foundation
import Testing
import TestTiers

/// A township; laptop b has synced 15 fees; laptop a holds 45 new fees. The ledger knows them all.
func cutScenario() throws -> (Township, WriteLedger) {
    let village = "640522100201"
    let town = try Township(villages: [village])
    let ledger = WriteLedger()
    try town.laptop("a", unit: village)
    try town.laptop("b", unit: village)
    #expect(try ledger.captureFees(town.workspace, db: "b.sqlite", unit: village, prefix: "b", count: 15).status == 0)
    try town.sync("b")
    #expect(try ledger.captureFees(town.workspace, db: "a.sqlite", unit: village, prefix: "a", count: 45).status == 0)
    return (town, ledger)
}

/// Syncs laptop a once through a proxy with the plan; returns the run.
func syncThrough(_ town: Township, _ plan: FaultPlan, extra: [String] = []) throws -> (RunResult, FaultProxy) {
    let proxy = try FaultProxy(upstreamPort: town.server.port, plan: plan)
    defer { proxy.close() }
    let run = try GongkaiProcess.run(["sync", "--db", town.workspace.path("a.sqlite"), "--server", "http://127.0.0.1:\(proxy.port)",
                                      "--token", town.tokens["a"]!, "--batch-size", "10", "--no-remember"] + extra,
                                     environment: ["GONGKAI_RETRY_DELAY": "0.05"])
    return (run, proxy)
}

/// After the faults: both laptops sync cleanly, then the ledger is checked on all three replicas.
func settleAndCheck(_ town: Township, _ ledger: WriteLedger, into summary: inout FaultSummary, _ context: String) throws {
    try town.sync("a")
    try town.sync("b")
    try town.sync("a")
    summary.syncs += 3
    for db in ["town.sqlite", "a.sqlite", "b.sqlite"] {
        let outcome = try ledger.check(town.workspace, db: db, units: ["640522100201"])
        summary.add(outcome)
        #expect(outcome.lost == 0 && outcome.duplicates == 0 && outcome.wrong == 0, "\(context), \(db): \(outcome)")
        #expect(outcome.checked == 60, "\(context), \(db)")
    }
}

@Suite("Faults: the connection is cut or stalls", .tags(.slow), .fullSuiteOnly)
struct CutAndStallTests {
    @Test("a cut in one direction only, at offsets across the whole sync: nothing lost, nothing doubled")
    func directionalCuts() throws {
        var summary = FaultSummary(name: "cut at byte offsets, each direction")
        let (probe, _) = try cutScenario()
        let (clean, proxy) = try syncThrough(probe, .clean)
        #expect(clean.status == 0)
        let (up, down) = proxy.bytes
        probe.server.kill()
        for (direction, total) in [(FaultPlan.Direction.up, up), (.down, down)] {
            for step in 1...(5 * soakFactor) {
                let offset = max(20, total * step / (5 * soakFactor + 1))
                let (town, ledger) = try cutScenario()
                let (run, cutProxy) = try syncThrough(town, FaultPlan(cut: (direction, offset)), extra: ["--attempts", "1"])
                summary.syncs += 1
                #expect(cutProxy.faulted, "\(direction) at \(offset)")
                if cutProxy.faulted { summary.faults += 1 }
                #expect(run.status == 1, "\(direction) at \(offset): \(run.stdout) \(run.stderr)")
                try settleAndCheck(town, ledger, into: &summary, "\(direction) cut at \(offset)")
                town.server.kill()
            }
        }
        summary.print()
    }

    @Test("a stall longer than the client's patience: the request is abandoned and retried, the sync completes")
    func stall() throws {
        var summary = FaultSummary(name: "stall longer than the timeout")
        for direction in [FaultPlan.Direction.up, .down] {
            let (town, ledger) = try cutScenario()
            let (run, proxy) = try syncThrough(town, FaultPlan(stall: (direction, 700, 4), healAfterFault: true), extra: ["--stall-timeout", "1"])
            summary.syncs += 1
            #expect(proxy.faulted)
            summary.faults += 1
            #expect(run.status == 0, "\(run.stderr)")
            #expect(run.stderr.contains("重试"), "\(run.stderr)")
            #expect(proxy.connections >= 2)
            try settleAndCheck(town, ledger, into: &summary, "stall \(direction)")
            town.server.kill()
        }
        summary.print()
    }
}
