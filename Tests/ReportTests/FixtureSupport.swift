import Foundation
import Records
import Report
import Storage
import SyncCore
import TestSupport

let townUnit = GovernmentUnit(code: "640522100000", name: "海原县西安镇人民政府", isTownship: true)

func makeTownship(_ scratch: Scratch, name: String = "town.sqlite", site: String = "00000000000000e1") throws -> Replica {
    try Replica.create(at: scratch.path(name), unit: townUnit, site: SiteID(site)!, deviceName: "test", now: 1_600_000_000)
}

/// Imports CSV rows (header first) of one kind, failing loudly on any problem.
func load(_ replica: Replica, _ kind: RecordKind, _ header: String, _ rows: [String]) throws {
    guard !rows.isEmpty else { return }
    let text = header + "\n" + rows.joined(separator: "\n") + "\n"
    let reader = try ImportReader(kind: kind, bytes: Array(text.utf8), defaultUnit: try replica.units.identity().unit.code)
    _ = try replica.imports.importRows(reader, now: 1_700_000_000)
}

/// Numbers rows of ids: `prefix-0`, `prefix-1`, …
struct IDs {
    private var next = 0
    mutating func callAsFunction(_ prefix: String) -> String {
        next += 1
        return "\(prefix)-\(next)"
    }
}

func repeated(_ count: Int, _ row: (Int) -> String) -> [String] { (0..<count).map(row) }
