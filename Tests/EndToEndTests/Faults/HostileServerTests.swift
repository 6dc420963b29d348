import Foundation
#if canImport(Glibc)
import Glibc
#endif
import SyncCore
import SyncWire
import Testing
import TestSupport
import TestTiers

/// Sends raw bytes to a port and returns the HTTP status of the answer (nil when the server
/// closed the connection without one).
/// `source`: the loopback address the request comes from (a hostile client's own, so that one
/// address's connection cap does not refuse the honest laptops on 127.0.0.1).
func rawExchange(port: Int, _ bytes: [UInt8], source: String? = nil) -> Int? {
    guard let connection = try? RawHTTPConnection(port: port, readTimeout: 10, source: source) else { return -1 }
    connection.send(bytes)
    connection.finishSending()
    return try? connection.readResponse().status
}

func request(_ method: String, _ path: String, headers: [String: String], body: [UInt8]) -> [UInt8] {
    var text = "\(method) \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nContent-Length: \(body.count)\r\n"
    for (name, value) in headers { text += "\(name): \(value)\r\n" }
    return Array((text + "\r\n").utf8) + body
}

/// The server process's resident memory and its peak, in kB.
func memory(of pid: Int32) -> (rss: Int, peak: Int) {
    let status = (try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)) ?? ""
    func value(_ key: String) -> Int {
        status.split(separator: "\n").first { $0.hasPrefix(key) }.flatMap { Int($0.split(separator: " ").dropFirst().first { !$0.isEmpty } ?? "") } ?? 0
    }
    return (value("VmRSS:"), value("VmHWM:"))
}

@Suite("Faults: hostile input to the real server", .tags(.slow), .fullSuiteOnly)
struct HostileServerTests {
    @Test("thousands of malformed, truncated, oversized and random requests: never a crash or a 5xx, bounded memory, data unchanged")
    func hostile() throws {
        var summary = FaultSummary(name: "hostile input to the server")
        let village = "640522100201", other = "640522100202"
        let town = try Township(villages: [village, other])
        let ledger = WriteLedger()
        try town.laptop("a", unit: village)
        try town.laptop("b", unit: other)
        #expect(try ledger.captureFees(town.workspace, db: "a.sqlite", unit: village, prefix: "a", count: 40).status == 0)
        try town.sync("a")
        let before = try ["fees", "notices", "requests"].map { try town.workspace.gongkai(["export", $0], db: "town.sqlite").stdout }
        let port = town.server.port
        let pid = town.server.process.processIdentifier
        let tokenA = town.tokens["a"]!, tokenB = town.tokens["b"]!
        let json = ["Content-Type": "application/json", "Authorization": "Bearer \(tokenA)"]
        // A valid push of laptop a's own record, to replay.
        let sender = SiteInfo(site: SiteID("00000000000000a9")!, deviceName: "x", unit: village)
        let pull = Wire.encode(PullRequest(schemaVersion: 3, sender: sender, senderCounter: 0, cursor: nil, limit: 10))
        var random = SeededGenerator(seed: 31_337)
        var statuses: [String: Int] = [:]
        let bomb = Gzip.compress([UInt8](repeating: 0x7B, count: 300 << 20))
        let rounds = 2_000 * soakFactor
        let startMemory = memory(of: pid)
        for round in 0..<rounds {
            let path = ["/v1/push", "/v1/pull", "/v1/done", "/v1/status", "/v1/../etc/passwd", "/"][Int(random.next() % 6)]
            let bytes: [UInt8]
            switch round % 10 {
            case 0: // not HTTP at all
                bytes = (0..<Int(random.next() % 3_000)).map { _ in UInt8(truncatingIfNeeded: random.next()) }
            case 1: // a request cut short
                let whole = request("POST", path, headers: json, body: pull)
                bytes = Array(whole.prefix(Int(random.next() % UInt64(whole.count))))
            case 2: // huge headers
                bytes = request("POST", path, headers: json.merging(["X-Padding": String(repeating: "a", count: 100_000 + Int(random.next() % 200_000))]) { $1 }, body: pull)
            case 3: // a wrong content type
                bytes = request("POST", path, headers: ["Content-Type": ["text/plain", "application/xml", "", "multipart/form-data"][Int(random.next() % 4)],
                                                        "Authorization": "Bearer \(tokenA)"], body: pull)
            case 4: // random body claiming gzip
                bytes = request("POST", path, headers: json.merging(["Content-Encoding": "gzip"]) { $1 },
                                body: (0..<Int(random.next() % 5_000)).map { _ in UInt8(truncatingIfNeeded: random.next()) })
            case 5: // a gzip bomb
                bytes = request("POST", path, headers: json.merging(["Content-Encoding": "gzip"]) { $1 }, body: bomb)
            case 6: // another village's token, or a forged one
                bytes = request("POST", path, headers: ["Content-Type": "application/json", "Authorization": "Bearer \(round % 2 == 0 ? tokenB : "gk_forged\(round)")"], body: pull)
            case 7: // a Content-Length that lies
                var lying = request("POST", path, headers: json, body: pull)
                lying = Array(String(decoding: lying, as: UTF8.self).replacingOccurrences(of: "Content-Length: \(pull.count)", with: "Content-Length: 99999999").utf8)
                bytes = lying
            case 8: // a valid pull, replayed
                bytes = request("POST", "/v1/pull", headers: json, body: pull)
            default: // valid JSON of the wrong shape
                bytes = request("POST", path, headers: json, body: Array(#"{"protocolVersion":"1","records":[{"kind":7}],"limit":-5}"#.utf8))
            }
            // From fifty addresses of their own: requests the server is still reading count against
            // their address's connection cap, and each round should reach the parser.
            let status = rawExchange(port: port, bytes, source: "127.0.1.\(round % 50 + 1)")
            summary.faults += 1
            let key = status.map(String.init) ?? "closed"
            statuses[key, default: 0] += 1
            #expect((status ?? 0) < 500, "round \(round) (case \(round % 10)): status \(key)")
            if round % 250 == 0 { #expect(town.server.process.isRunning, "the server stopped at round \(round)") }
        }
        let errors = town.server.log.split(separator: "\n").filter { $0.contains("error") }
        #expect(errors.isEmpty, "server errors: \(errors.prefix(3))")
        let endMemory = memory(of: pid)
        #expect(town.server.process.isRunning)
        #expect(rawExchange(port: port, request("GET", "/v1/status", headers: [:], body: [])) == 200)
        // The gzip bombs and huge headers never made it into memory: the peak stays modest.
        #expect(endMemory.peak < 300_000, "peak resident memory \(endMemory.peak) kB")
        #expect(endMemory.rss < startMemory.rss + 100_000, "resident memory grew from \(startMemory.rss) kB to \(endMemory.rss) kB")
        print("HOSTILE statuses=\(statuses.sorted { $0.key < $1.key }) memory_start_kB=\(startMemory.rss) memory_end_kB=\(endMemory.rss) peak_kB=\(endMemory.peak)")
        let after = try ["fees", "notices", "requests"].map { try town.workspace.gongkai(["export", $0], db: "town.sqlite").stdout }
        #expect(after == before)
        // Laptop a syncs as usual afterwards.
        try town.sync("a")
        let outcome = try ledger.check(town.workspace, db: "town.sqlite", units: [village])
        summary.add(outcome)
        #expect(outcome.lost == 0 && outcome.duplicates == 0)
        summary.crashes = town.server.process.isRunning ? 0 : 1
        summary.print()
    }
}

/// Regression from "hostile input to the server": a request whose body stopped short of its
/// Content-Length was answered 500 and logged as a server error.
@Suite("Regression: hostile input to the server", .tags(.slow), .fullSuiteOnly)
struct ShortBodyRegressionTests {
    @Test("a body shorter than its Content-Length is no server error")
    func shortBody() throws {
        let town = try Township(villages: ["640522100201"])
        try town.laptop("a", unit: "640522100201")
        let head = "POST /v1/push HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nAuthorization: Bearer \(town.tokens["a"]!)\r\nContent-Length: 5000\r\n\r\n"
        for _ in 0..<5 {
            let status = rawExchange(port: town.server.port, Array(head.utf8) + Array("{\"protocolVersion\":1".utf8))
            #expect((status ?? 400) == 400)
        }
        #expect(rawExchange(port: town.server.port, request("GET", "/v1/status", headers: [:], body: [])) == 200)
        let errors = town.server.log.split(separator: "\n").filter { $0.contains(" error ") }
        #expect(errors.isEmpty, "\(errors)")
    }
}
