import Foundation
#if canImport(Glibc)
import Glibc
#endif
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Records
import Server
@testable import Storage
import SyncCore
import SyncWire
import Testing
import TestSupport
import TestTiers

/// Raw HTTP to the real server, as a hostile or broken client would send it.
struct RawClient {
    let base: String

    func send(_ path: String, method: String = "POST", body: Data = Data(), headers: [String: String]) async throws -> (Int, [String: Any]?) {
        var request = URLRequest(url: URL(string: base + path)!)
        request.httpMethod = method
        if method == "POST" { request.httpBody = body }
        for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
        let (data, response) = try await URLSession.shared.data(for: request)
        let status = (response as? HTTPURLResponse)?.statusCode ?? 0
        var json = data
        if json.starts(with: [0x1F, 0x8B]) { json = Data(try Gzip.decompress(Array(data), limit: 1 << 20)) }
        return (status, try? JSONSerialization.jsonObject(with: json) as? [String: Any])
    }
}

@Suite("Hostile input to the server", .tags(.slow), .fullSuiteOnly)
struct HostileRequestTests {
    static let token = "gk_hostile_test_token"

    func setUp(_ configure: @escaping (inout ServerConfiguration) -> Void = { _ in }) async throws -> (SyncHarness, RunningServer, RawClient) {
        let harness = try SyncHarness(laptops: 1)
        _ = try harness.server.devices.issueToken(Self.token, unit: village.code, secret: testServerSecret, now: 1)
        _ = try harness.server.records.create(.fees, id: "f1", unit: village.code, input: ["collected_on": "2021-01-01", "amount_yuan": "1"], now: 1)
        let server = try await RunningServer.start(harness.server.serving, configure: configure)
        return (harness, server, RawClient(base: server.url))
    }

    var json: [String: String] { ["Authorization": "Bearer \(Self.token)", "Content-Type": "application/json"] }
    var gzipJSON: [String: String] { json.merging(["Content-Encoding": "gzip"]) { $1 } }

    @Test("each kind of bad request gets its status and a JSON error that says what is wrong; the data is unchanged")
    func badRequests() async throws {
        let (harness, server, client) = try await setUp { $0.maximumRequestBytes = 64 * 1024; $0.maximumDecompressedBytes = 1 << 20 }
        defer { Task { await server.stop() } }
        let before = try fingerprint(harness.server)
        let valid = Wire.encode(PullRequest(schemaVersion: try harness.server.database.schemaVersion(), sender: try harness.laptops[0].syncing.siteInfo(),
                                            senderCounter: 0, cursor: nil, limit: 10))
        var random = SeededGenerator(seed: 7)
        let noise = Data((0..<100_000).map { _ in UInt8.random(in: 0...255, using: &random) })
        let cases: [(String, String, String, Data, [String: String], Int, String)] = [
            ("no token", "POST", "/v1/pull", Data(valid), ["Content-Type": "application/json"], 401, "unauthorized"),
            ("wrong content type", "POST", "/v1/pull", Data(valid), ["Authorization": "Bearer \(Self.token)", "Content-Type": "text/plain"], 415, "unsupported_media_type"),
            ("not gzip", "POST", "/v1/pull", Data(valid), gzipJSON, 400, "bad_request"),
            ("truncated gzip", "POST", "/v1/pull", Data(Gzip.compress(valid).prefix(30)), gzipJSON, 400, "bad_request"),
            ("gzip bomb", "POST", "/v1/push", Data(Gzip.compress([UInt8](repeating: 0x20, count: 4 << 20))), gzipJSON, 413, "payload_too_large"),
            ("too large", "POST", "/v1/push", noise, json, 413, "payload_too_large"),
            ("not JSON", "POST", "/v1/pull", Data("{\"protocolVersion\": 1,".utf8), json, 400, "bad_request"),
            ("missing field", "POST", "/v1/pull", Data("{\"protocolVersion\": 1}".utf8), json, 400, "bad_request"),
            ("bad record", "POST", "/v1/push", Data(#"{"protocolVersion":2,"schemaVersion":5,"sender":{"site":"00000000000000a0","device":"x","unit":"640522100201"},"counter":1,"records":[{"kind":"fees","id":"f9","unit":"640522100201","vv":"nonsense","clock":"","values":{}}]}"#.utf8), json, 400, "bad_request"),
            ("unknown path", "POST", "/v1/nothing", Data(valid), json, 404, "not_found"),
            ("wrong method", "GET", "/v1/push", Data(), json, 404, "not_found"),
        ]
        for (name, method, path, body, headers, status, code) in cases {
            let (answered, object) = try await client.send(path, method: method, body: body, headers: headers)
            #expect(answered == status, "\(name)")
            let error = object?["error"] as? [String: Any]
            #expect(error?["code"] as? String == code, "\(name): \(String(describing: object))")
            #expect((error?["message"] as? String)?.isEmpty == false, "\(name)")
        }
        #expect(try fingerprint(harness.server) == before)
        let (alive, _) = try await client.send("/v1/status", method: "GET", headers: [:])
        #expect(alive == 200)
    }

    @Test("thousands of generated bodies on every endpoint: never a 5xx, never a crash, data unchanged")
    func generated() async throws {
        let (harness, server, client) = try await setUp()
        defer { Task { await server.stop() } }
        let before = try fingerprint(harness.server)
        let laptop = harness.laptops[0]
        _ = try laptop.records.create(.fees, id: "mine", input: ["collected_on": "2021-01-01", "amount_yuan": "1"], now: 1)
        let (records, _) = try laptop.syncing.pendingChanges(limit: 10)
        let schema = try harness.server.database.schemaVersion()
        let sender = try laptop.syncing.siteInfo()
        let valid: [(String, [UInt8])] = [
            ("/v1/push", Wire.encode(PushRequest(schemaVersion: schema, sender: sender, senderCounter: 1, records: records))),
            ("/v1/pull", Wire.encode(PullRequest(schemaVersion: schema, sender: sender, senderCounter: 1, cursor: nil, limit: 5))),
            ("/v1/done", Wire.encode(DoneRequest(sender: sender, digest: "x", pushed: 0, pulled: 0, conflicts: 0))),
        ]
        var random = SeededGenerator(seed: 20_261_127)
        var statuses: [Int: Int] = [:]
        for round in 0..<1_200 {
            let (path, body) = valid[round % valid.count]
            var mutated = body
            switch round % 4 {
            case 0: // flip bytes
                for _ in 0..<Int.random(in: 1...8, using: &random) { mutated[Int.random(in: 0..<mutated.count, using: &random)] = UInt8.random(in: 0...255, using: &random) }
            case 1: // cut short
                mutated = Array(mutated.prefix(Int.random(in: 0..<mutated.count, using: &random)))
            case 2: // random bytes
                mutated = (0..<Int.random(in: 0...2_000, using: &random)).map { _ in UInt8.random(in: 0...255, using: &random) }
            default: // splice a value of the wrong type into a field
                let text = String(decoding: mutated, as: UTF8.self)
                let replacements = ["\"limit\":5": "\"limit\":\"five\"", "\"counter\":1": "\"counter\":-1", "\"kind\":\"fees\"": "\"kind\":[]",
                                    "\"schemaVersion\":\(schema)": "\"schemaVersion\":null", "\"digest\":\"x\"": "\"digest\":{}"]
                let (from, to) = replacements.randomElement(using: &random)!
                mutated = Array(text.replacingOccurrences(of: from, with: to).utf8)
            }
            let compressed = round % 3 == 0
            let (status, object) = try await client.send(path, body: Data(compressed ? Gzip.compress(mutated) : mutated),
                                                         headers: compressed ? gzipJSON : json)
            statuses[status, default: 0] += 1
            #expect(status < 500, "round \(round): \(status) \(String(describing: object))")
            if status != 200 { #expect((object?["error"] as? [String: Any])?["code"] is String, "round \(round)") }
        }
        #expect(statuses.values.reduce(0, +) == 1_200)
        print("FAULT-SUMMARY case=\"generated bodies on every endpoint (in process)\" syncs=0 faults=1200 writes_checked=0 lost=0 duplicates=0 crashes=0")
        // Mutated bodies may still be valid pushes of this laptop's own record; nothing else changes.
        let after = try fingerprint(harness.server).filter { !$0.contains("mine") && !$0.hasPrefix("sites") && !$0.hasPrefix("replica") && !$0.hasPrefix("unit_digests") }
        #expect(after == before.filter { !$0.hasPrefix("sites") && !$0.hasPrefix("replica") && !$0.hasPrefix("unit_digests") })
        let (alive, _) = try await client.send("/v1/status", method: "GET", headers: [:])
        #expect(alive == 200)
    }
}
