import Foundation
import Testing

/// Every write the user was told had succeeded (its command exited 0), kept to compare with the
/// final state of every replica: each must be there exactly once, with its values.
final class WriteLedger {
    struct Write {
        let kind: String
        let id: String
        let unit: String
        let values: [String: String]
    }

    private(set) var writes: [String: Write] = [:]

    /// Captures `count` fees on a laptop with one import; records them only if it succeeded.
    @discardableResult
    func captureFees(_ workspace: Workspace, db: String, unit: String, prefix: String, count: Int,
                     environment: [String: String] = [:]) throws -> RunResult {
        let rows = (0..<count).map { index -> (String, String, String) in
            ("\(prefix)-\(index)", "2021-\(String(format: "%02d", 1 + index % 12))-\(String(format: "%02d", 1 + index % 28))", "\(index).\(index % 100)")
        }
        let file = workspace.write("\(prefix).csv", "id,collected_on,amount_yuan\n" + rows.map { "\($0.0),\($0.1),\($0.2)" }.joined(separator: "\n") + "\n")
        let result = try GongkaiProcess.run(["import", "fees", file, "--db", workspace.path(db)],
                                            environment: environment.merging(["GONGKAI_NOW": "1700000000"]) { old, _ in old }, in: workspace.url)
        if result.status == 0 {
            for (typed, day, amount) in rows {
                let canonical = Decimal(string: amount).map { "\($0)" } ?? amount
                // A typed id is stored scoped by its unit.
                let id = "\(unit):\(typed)"
                writes["fees/\(id)"] = Write(kind: "fees", id: id, unit: unit, values: ["collected_on": day, "amount_yuan": canonical])
            }
        }
        return result
    }

    struct Outcome: CustomStringConvertible {
        var checked = 0
        var lost = 0
        var duplicates = 0
        var wrong = 0
        var description: String { "checked \(checked), lost \(lost), duplicates \(duplicates), wrong \(wrong)" }
    }

    /// Compares one replica with the ledger, for the units it holds.
    func check(_ workspace: Workspace, db: String, units: Set<String>) throws -> Outcome {
        var outcome = Outcome()
        let exported = try workspace.gongkai(["export", "fees", "--format", "json"], db: db)
        let objects = try JSONSerialization.jsonObject(with: Data(exported.stdout.utf8)) as? [[String: Any]] ?? []
        var seen: [String: Int] = [:]
        for object in objects {
            let id = object["id"] as? String ?? ""
            seen[id, default: 0] += 1
            guard let write = writes["fees/\(id)"] else { outcome.duplicates += 1; continue }
            for (field, value) in write.values where "\(object[field] ?? "")" != value { outcome.wrong += 1 }
        }
        for write in writes.values where units.contains(write.unit) {
            outcome.checked += 1
            switch seen[write.id] ?? 0 {
            case 0: outcome.lost += 1
            case 1: break
            default: outcome.duplicates += 1
            }
        }
        return outcome
    }
}

/// The figures of a fault case, printed for docs/RELIABILITY.md (scripts/fault-suite gathers them).
struct FaultSummary {
    let name: String
    var syncs = 0
    var faults = 0
    var writes = 0
    var lost = 0
    var duplicates = 0
    var crashes = 0

    mutating func add(_ outcome: WriteLedger.Outcome) {
        writes += outcome.checked
        lost += outcome.lost
        duplicates += outcome.duplicates + outcome.wrong
    }

    func print() {
        Swift.print("FAULT-SUMMARY case=\"\(name)\" syncs=\(syncs) faults=\(faults) writes_checked=\(writes) lost=\(lost) duplicates=\(duplicates) crashes=\(crashes)")
    }
}

/// How many times to repeat randomized fault cases: 1 in CI, more with GONGKAI_SOAK=N.
let soakFactor = max(1, Int(ProcessInfo.processInfo.environment["GONGKAI_SOAK"] ?? "") ?? 1)
