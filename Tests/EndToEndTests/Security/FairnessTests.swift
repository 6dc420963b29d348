import Foundation
import Testing
import TestSupport
import TestTiers

@Suite("Fairness: one big village does not starve the others", .tags(.slow), .fullSuiteOnly)
struct FairnessTests {
    @Test("with 100,000 records of village A on the server, 50 concurrent syncs of village B all finish and /v1/status answers meanwhile")
    func fiftySyncsBesideABigVillage() throws {
        // Given a server holding 100,000 records of village A
        let (villageA, villageB) = (TestSupport.village.code, secondVillage.code)
        let town = try Township(villages: [villageA, villageB])
        let rows = (0..<100_000).map { "big-\($0),\(villageA),2021-\(String(format: "%02d", $0 % 12 + 1))-15,\($0 % 900 + 1)" }
        let csv = town.workspace.write("big.csv", "id,unit,collected_on,amount_yuan\n" + rows.joined(separator: "\n") + "\n")
        let imported = try town.workspace.gongkai(["import", "fees", csv], db: "town.sqlite")
        #expect(imported.status == 0, "\(imported.stderr)")
        // And 50 laptops of village B, each with its own token and a few records
        let laptops = (0..<50).map { "b\($0)" }
        for (index, name) in laptops.enumerated() {
            try town.laptop(name, unit: villageB, site: String(format: "b%015x", index + 1))
            for record in 0..<3 {
                #expect(try town.gongkai(name, ["fee", "add", "--id", "\(name)-\(record)", "--collected-on", "2021-03-01",
                                                "--amount-yuan", "\(record + 1)"]).status == 0)
            }
        }
        // When all 50 sync at once, while status is asked every 100 ms
        let started = Date()
        let syncs = try laptops.map { try town.startSync($0) }
        var statusTimes: [Double] = []
        var statusFailures: [String] = []
        var finished: [Double?] = Array(repeating: nil, count: syncs.count)
        while finished.contains(where: { $0 == nil }), Date().timeIntervalSince(started) < 300 {
            let asked = Date()
            do {
                let connection = try RawHTTPConnection(port: town.server.port, readTimeout: 10)
                let answer = try connection.request("GET", "/v1/status")
                if answer.status == 200 { statusTimes.append(Date().timeIntervalSince(asked)) } else { statusFailures.append("\(answer.status)") }
            } catch {
                statusFailures.append("\(error)")
            }
            for (index, sync) in syncs.enumerated() where finished[index] == nil && !sync.isRunning {
                finished[index] = Date().timeIntervalSince(started)
            }
            Thread.sleep(forTimeInterval: 0.1)
        }
        // Then every sync finished and converged, and status answered every time
        let results = try syncs.map { try $0.wait() }
        for (name, result) in zip(laptops, results) {
            #expect(result.status == 0 && result.stderr.contains("一致"), "\(name): \(result.stderr)")
        }
        #expect(statusFailures.isEmpty, "\(statusFailures.prefix(5))")
        #expect(!statusTimes.isEmpty)
        let times = finished.compactMap { $0 }.sorted()
        let status = statusTimes.sorted()
        func percentile(_ values: [Double], _ p: Double) -> String {
            TestSupport.percentile(values, p).map { String(format: "%.3f", $0) } ?? "-"
        }
        print("FAIRNESS syncs=\(times.count) all_done=\(percentile(times, 1)) s sync_p50=\(percentile(times, 0.5)) s "
              + "status_probes=\(status.count) status_p50=\(percentile(status, 0.5)) s status_max=\(percentile(status, 1)) s")
        #expect(try town.records("town.sqlite", kind: "fees", unit: villageB).count == 150)
        let integrity = try GongkaiProcess.runTool(URL(fileURLWithPath: "/usr/bin/sqlite3"), [town.workspace.path("town.sqlite"), "PRAGMA integrity_check"])
        #expect(integrity.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "ok")
    }
}
