import Foundation
import Records
@testable import Storage
import SyncCore

/// A directory of its own for each test, removed when the test's value goes away.
final class Scratch: Sendable {
    let url: URL

    init() {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("gongkai-storage-\(UUID().uuidString)")
        try! FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(at: url) }

    func path(_ name: String) -> String { url.appendingPathComponent(name).path }
}

let village = GovernmentUnit(code: "640522100201", name: "园河村", parent: "640522100000")
let township = GovernmentUnit(code: "640522100000", name: "西安镇", isTownship: true)
let siteOne = SiteID("00000000000000a1")!

func makeReplica(_ scratch: Scratch, unit: GovernmentUnit = village, name: String = "replica.sqlite") throws -> Replica {
    try Replica.create(at: scratch.path(name), unit: unit, site: siteOne, deviceName: "test", now: 1_600_000_000)
}

func importCSV(_ replica: Replica, _ kind: RecordKind, _ text: String, options: ImportOptions = ImportOptions(),
               now: Int64 = 1_600_000_100) throws -> ImportSummary {
    let reader = try ImportReader(kind: kind, bytes: Array(text.utf8), defaultUnit: try replica.units.identity().unit.code)
    return try replica.imports.importRows(reader, options: options, now: now)
}

/// The id a hand-typed id is stored under in `unit` (the village's unless given).
func scoped(_ typed: String, unit: String = village.code) -> String { "\(unit):\(typed)" }

/// Everything a replica holds, row by row, including version metadata and counters:
/// two equal fingerprints mean nothing changed.
func fingerprint(_ replica: Replica) throws -> [String] {
    try replica.database.withConnection { connection in
        var lines: [String] = []
        for table in ["replica", "units"] + RecordKind.allCases.map(\.rawValue) {
            for row in try connection.rows("SELECT * FROM \(table) ORDER BY 1") {
                lines.append(table + ": " + row.map { $0.text ?? "NULL" }.joined(separator: "|"))
            }
        }
        return lines
    }
}

/// The site's counter and the replica's change sequence.
func counters(_ replica: Replica) throws -> (counter: Int64, seq: Int64) {
    try replica.database.withConnection { connection in
        let row = try connection.rows("SELECT counter, seq FROM replica")[0]
        return (row[0].integer!, row[1].integer!)
    }
}
