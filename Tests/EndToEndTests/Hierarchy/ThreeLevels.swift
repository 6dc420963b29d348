import Foundation
import Testing
import TestSupport

/// A county's server and township servers below it, each township's server syncing up to the
/// county with a relay token, and laptops at every level: all real `gongkai` processes.
/// Databases: `county.sqlite`, `town-CODE.sqlite`, `laptop-NAME.sqlite`.
final class ThreeLevels {
    let workspace = Workspace()
    let county: ServerProcess
    private(set) var townships: [String: ServerProcess] = [:]
    /// Each township's relay token on the county.
    private(set) var relayTokens: [String: String] = [:]
    /// Each laptop's token, and the server it syncs to.
    private(set) var laptops: [String: (token: String, server: ServerProcess)] = [:]

    static let countyCode = "640522000000"

    /// `villages`: each township's code and its villages' codes. `upstreamEvery`: the township
    /// servers sync up on their own (`serve --upstream … --every`).
    init(villages: [String: [String]], upstreamEvery: String? = nil) throws {
        let w = workspace
        #expect(try w.gongkai(["admin", "add-unit", "--unit", Self.countyCode, "--name", "海原县"], db: "county.sqlite").status == 0)
        for (township, villageCodes) in villages.sorted(by: { $0.key < $1.key }) {
            #expect(try w.gongkai(["admin", "add-unit", "--unit", township, "--name", "镇\(township.suffix(4))", "--parent", Self.countyCode],
                                  db: "county.sqlite").status == 0)
            let relay = try w.gongkai(["admin", "issue-token", "--unit", township, "--relay"], db: "county.sqlite")
            #expect(relay.status == 0, "\(relay.stderr)")
            relayTokens[township] = relay.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
            let db = Self.townshipDB(township)
            #expect(try w.gongkai(["admin", "add-unit", "--unit", township, "--name", "镇\(township.suffix(4))"], db: db).status == 0)
            for village in villageCodes {
                #expect(try w.gongkai(["admin", "add-unit", "--unit", village, "--name", "村\(village.suffix(3))", "--parent", township], db: db).status == 0)
            }
        }
        county = try ServerProcess(workspace: w, db: "county.sqlite")
        for township in villages.keys {
            let upstream = upstreamEvery.map { ["--upstream", county.url, "--upstream-token", relayTokens[township]!, "--every", $0] } ?? []
            townships[township] = try ServerProcess(workspace: w, db: Self.townshipDB(township), extra: upstream)
        }
    }

    static func townshipDB(_ code: String) -> String { "town-\(code).sqlite" }

    /// A laptop of `unit`: the county's or a township's own (placed `--township`), or a village's
    /// (below `parent`), with a token of the server it syncs to.
    func laptop(_ name: String, unit: String, parent: String? = nil) throws {
        let server = parent.flatMap { townships[$0] } ?? townships[unit] ?? county
        let db = server === county ? "county.sqlite" : Self.townshipDB(parent ?? unit)
        let issued = try workspace.gongkai(["admin", "issue-token", "--unit", unit], db: db)
        #expect(issued.status == 0, "\(issued.stderr)")
        laptops[name] = (issued.stdout.trimmingCharacters(in: .whitespacesAndNewlines), server)
        let placement = parent.map { ["--parent", $0] } ?? ["--township"]
        let created = try workspace.gongkai(["init", "--unit", unit, "--name", "单位\(unit.suffix(3))", "--device", name] + placement,
                                            db: Self.laptopDB(name))
        #expect(created.status == 0, "\(created.stderr)")
    }

    @discardableResult
    func sync(_ name: String) throws -> RunResult {
        let laptop = try #require(laptops[name])
        let result = try workspace.gongkai(["sync", "--server", laptop.server.url, "--token", laptop.token], db: Self.laptopDB(name))
        #expect(result.status == 0, "sync of \(name): \(result.stderr)")
        return result
    }

    /// The township's server database syncs up to the county (`gongkai sync --db town.sqlite`).
    @discardableResult
    func syncUp(_ township: String) throws -> RunResult {
        let result = try workspace.gongkai(["sync", "--server", county.url, "--token", try #require(relayTokens[township])],
                                           db: Self.townshipDB(township))
        #expect(result.status == 0, "upstream sync of \(township): \(result.stderr)")
        return result
    }

    static func laptopDB(_ name: String) -> String { "laptop-\(name).sqlite" }

    /// `db`: a database file's name, or a laptop's.
    func gongkai(_ db: String, _ arguments: [String]) throws -> RunResult {
        try workspace.gongkai(arguments, db: db.hasSuffix(".sqlite") ? db : Self.laptopDB(db))
    }

    /// The open conflicts of a database, one line each: kind/id field: standing value ⟂ losing values.
    func conflicts(_ db: String) throws -> [String] {
        let result = try gongkai(db, ["conflicts", "--json"])
        #expect(result.status == 0, "\(result.stderr)")
        let objects = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [[String: Any]] ?? []
        return objects.map { object in
            "\(object["kind"] ?? "")/\(object["id"] ?? "") \(object["field"] ?? ""): \(object["value"] ?? "") ⟂ "
                + ((object["losing_values"] as? [Any])?.map { "\($0)" }.joined(separator: ",") ?? "")
        }.sorted()
    }
}
