import Foundation
import Testing
import TestSupport

/// A township server (the real `gongkai serve`) with villages A and B and three honest laptops,
/// each with its own token and a fixed site: `a` (village A), `b` (village B) and `t` (the
/// township's own laptop, which reads everything and where the report is built). Each has
/// captured a fee and synced. The attacker holds a valid token of village A of its own (a
/// stolen laptop's, a script's) and speaks raw HTTP.
final class TrustTown {
    static let (villageA, villageB) = (TestSupport.village.code, secondVillage.code)
    static let sites = ["a": "aaaaaaaaaaaaaaa1", "b": "bbbbbbbbbbbbbbb1", "t": "ccccccccccccccc1"]
    /// The site the attacker's own script uses with `a`'s token.
    static let attackerSite = "eeeeeeeeeeeeeee1"

    let town: Township
    let schema: Int
    /// A valid token of village A, held by no honest laptop.
    private(set) var attackerToken = ""

    init() throws {
        town = try Township(villages: [Self.villageA, Self.villageB])
        try town.laptop("a", unit: Self.villageA, site: Self.sites["a"])
        try town.laptop("b", unit: Self.villageB, site: Self.sites["b"])
        try town.laptop("t", unit: Township.township, site: Self.sites["t"])
        for (name, id) in [("a", "fee-aaaaaaaaaaaaaaaa"), ("b", "fee-bbbbbbbbbbbbbbbb"), ("t", "fee-cccccccccccccccc")] {
            #expect(try town.gongkai(name, ["fee", "add", "--id", id, "--collected-on", "2021-04-01", "--amount-yuan", "5"]).status == 0)
        }
        for name in ["a", "b", "t", "a"] { try town.sync(name) }
        let issued = try town.workspace.gongkai(["admin", "issue-token", "--unit", Self.villageA], db: "town.sqlite")
        #expect(issued.status == 0, "\(issued.stderr)")
        attackerToken = issued.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let status = try RawHTTPConnection(port: town.server.port).request("GET", "/v1/status")
        let object = try JSONSerialization.jsonObject(with: Data(status.body)) as? [String: Any]
        schema = object?["schema"] as? Int ?? 0
    }

    var token: String { attackerToken }
    var port: Int { town.server.port }

    func connection() throws -> RawHTTPConnection { try RawHTTPConnection(port: port) }

    /// Headers of a sync request with `token` (the attacker's by default), uncompressed JSON.
    func headers(token: String? = nil, session: String = "attack", gzip: Bool = false) -> [String: String] {
        var headers = ["Authorization": "Bearer \(token ?? self.token)", "Content-Type": "application/json", "X-Gongkai-Session": session]
        if gzip { headers["Content-Encoding"] = "gzip" }
        return headers
    }

    /// POSTs `body` on a new connection.
    func post(_ path: String, _ body: String, token: String? = nil, session: String = "attack") throws -> RawHTTPConnection.Response {
        try connection().request("POST", path, headers: headers(token: token, session: session), body: Array(body.utf8))
    }

    /// Whether the server still answers.
    func isUp() -> Bool {
        (try? connection().request("GET", "/v1/status").status) == 200
    }

    // MARK: Messages, written as a client would (docs/PROTOCOL.md), with any number in them

    func sender(site: String = TrustTown.attackerSite, unit: String = TrustTown.villageA, device: String = "attacker") -> String {
        "{\"device\":\(Self.quoted(device)),\"site\":\"\(site)\",\"unit\":\"\(unit)\"}"
    }

    func push(sender: String? = nil, counter: String = "1", records: [String], extra: String = "") -> String {
        "{\"counter\":\(counter),\"protocolVersion\":2,\"records\":[\(records.joined(separator: ","))],\"schemaVersion\":\(schema),\"sender\":\(sender ?? self.sender())\(extra)}"
    }

    func pull(sender: String? = nil, counter: String = "1", cursor: String? = nil, limit: String = "100") -> String {
        "{\"counter\":\(counter),\(cursor.map { "\"cursor\":\($0)," } ?? "")\"limit\":\(limit),\"protocolVersion\":2,\"schemaVersion\":\(schema),\"sender\":\(sender ?? self.sender())}"
    }

    func done(sender: String? = nil, digest: String = "0") -> String {
        "{\"conflicts\":0,\"digest\":\"\(digest)\",\"protocolVersion\":2,\"pulled\":0,\"pushed\":0,\"sender\":\(sender ?? self.sender())}"
    }

    /// A fee of village A in the short form: one change (`dot`, "site:counter:time") wrote it all.
    static func fee(_ id: String, dot: String, amount: String = "1", unit: String = villageA) -> String {
        "{\"dot\":\"\(dot)\",\"id\":\"\(id)\",\"kind\":\"fees\",\"unit\":\"\(unit)\",\"values\":{\"_deleted\":\"0\",\"amount_yuan\":\"\(amount)\",\"collected_on\":\"2021-04-01\"}}"
    }

    /// A fee in the full form: its vector, its clock and its values as given.
    static func fee(_ id: String, vv: String, clock: String, amount: String, unit: String = villageA) -> String {
        "{\"clock\":\"\(clock)\",\"id\":\"\(id)\",\"kind\":\"fees\",\"unit\":\"\(unit)\",\"values\":{\"_deleted\":\"0\",\"amount_yuan\":\"\(amount)\",\"collected_on\":\"2021-04-01\"},\"vv\":\"\(vv)\"}"
    }

    static func quoted(_ text: String) -> String {
        let data = try! JSONSerialization.data(withJSONObject: [text], options: [.fragmentsAllowed])
        return String(decoding: data.dropFirst().dropLast(), as: UTF8.self)
    }

    // MARK: The server's file, read by the sqlite3 tool

    func sql(_ query: String) throws -> String {
        let result = try GongkaiProcess.runTool(URL(fileURLWithPath: "/usr/bin/sqlite3"), [town.workspace.path("town.sqlite"), query])
        #expect(result.status == 0, "\(result.stderr)")
        return result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    func integrity() throws -> String { try sql("PRAGMA integrity_check") }

    /// The row the server keeps for a site: device, unit, counter.
    func siteRow(_ site: String) throws -> String {
        try sql("SELECT device_name || '|' || unit || '|' || counter FROM sites WHERE site = '\(site)'")
    }

    /// Every record the server holds, one line each (`id=…|unit=…|field=…`), sorted.
    func serverRecords() throws -> [String] {
        try ["notices", "documents", "matters", "decisions", "fees", "procurement", "requests", "cases"].flatMap { kind in
            let export = try town.workspace.gongkai(["export", kind, "--format", "json"], db: "town.sqlite")
            #expect(export.status == 0, "\(export.stderr)")
            let objects = try JSONSerialization.jsonObject(with: Data(export.stdout.utf8)) as? [[String: Any]] ?? []
            return objects.map { object in
                "\(kind)|" + object.keys.sorted().map { "\($0)=\(object[$0].map { "\($0)" } ?? "")" }.joined(separator: "|")
            }
        }.sorted()
    }

    /// Each honest laptop syncs (exit 0, converged), captures one more fee, and syncs again.
    func honestLaptopsKeepSyncing(_ tag: String) throws {
        for name in ["a", "b", "t"] {
            let first = try town.sync(name)
            #expect(first.status == 0 && first.stderr.contains("一致"), "\(name): \(first.stderr)")
            let added = try town.gongkai(name, ["fee", "add", "--id", "after-\(tag)-\(name)", "--collected-on", "2021-05-01", "--amount-yuan", "2"])
            #expect(added.status == 0, "\(name) after \(tag): \(added.stderr)")
            let second = try town.sync(name)
            #expect(second.status == 0 && second.stderr.contains("一致"), "\(name): \(second.stderr)")
        }
        for name in ["a", "b"] { try town.sync(name) }
    }
}
