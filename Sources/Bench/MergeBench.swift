import Foundation
import Records
import Storage
import SyncCore
import TestSupport

/// Merge throughput: pure merges in memory, and applying remote record versions to a replica
/// (merge, store, one transaction per batch of 500, as the server does), beside the same rows
/// inserted plainly.
enum MergeBench {
    static func run(count: Int) async throws -> [BenchRow] {
        let directory = BenchDirectory()
        let remoteSite = SiteID("00000000000000f1")!
        let localSite = SiteID("00000000000000f2")!
        var generator = SeededGenerator(seed: 42)
        let types = ApplicantType.allCases.map(\.rawValue)
        let outcomes = RequestOutcome.allCases.map(\.rawValue)
        var records: [RemoteRecord] = []
        var plainRows: [[String?]] = []
        records.reserveCapacity(count)
        for index in 0..<count {
            let day = 1 + Int(generator.next() % 28)
            let received = "2021-03-\(day < 10 ? "0" : "")\(day)"
            let concluded = generator.next() % 10 == 0 ? nil : "2021-04-\(day < 10 ? "0" : "")\(day)"
            let values: [String: String?] = [
                "received_on": received, "channel": "in_person", "applicant_type": types[Int(generator.next() % 6)],
                "applicant_name": "申请人\(index)", "content": "关于第\(index)号事项的信息", "concluded_on": concluded,
                "outcome": concluded == nil ? nil : outcomes[Int(generator.next() % UInt64(outcomes.count))], "fee_yuan": nil,
            ]
            let version = RecordVersion.created(values, dot: Dot(site: remoteSite, counter: UInt64(index + 1)), at: 1_700_000_000)
            let id = "req-\(index)"
            records.append(RemoteRecord(kind: "requests", id: id, unit: "640522100201", version: version))
            plainRows.append([id, "640522100201"] + RecordKind.requests.fields.map { values[$0.name] ?? nil })
        }
        // Pure merge: each remote version against a concurrent local edit of the same record.
        let locals = records.map { $0.version.writing(["content": "本地修改"], dot: Dot(site: localSite, counter: 1), at: 1_700_000_100) }
        let (merged, pureSeconds) = try measure {
            var conflicts = 0
            for index in records.indices {
                let result = try RecordVersion.merge(locals[index], records[index].version)
                conflicts += result.conflictedFields.count
            }
            return conflicts
        }
        precondition(merged == 0)
        // Applying to a replica: fresh records (insert path).
        let server = try Replica.create(at: directory.path("server.sqlite"), unit: GovernmentUnit(code: "640522000000", name: "镇", isTownship: true),
                                        site: SiteID("00000000000000f3")!, deviceName: "bench", now: 1)
        _ = try server.units.addVillage(code: "640522100201", name: "村")
        let peer = SiteInfo(site: remoteSite, deviceName: "bench", unit: "640522100201")
        let peerAccess = SyncPeer(scope: .everything, device: nil)
        let (_, applySeconds) = try measure {
            for start in stride(from: 0, to: records.count, by: 500) {
                _ = try server.serving.applyPushed(Array(records[start..<min(start + 500, records.count)]), from: peer, as: peerAccess, now: 2)
            }
        }
        // Applying the same versions again: every one merges to what is stored (a retried push).
        let (_, againSeconds) = try measure {
            for start in stride(from: 0, to: records.count, by: 500) {
                _ = try server.serving.applyPushed(Array(records[start..<min(start + 500, records.count)]), from: peer, as: peerAccess, now: 3)
            }
        }
        // Applying concurrent edits of every record (the merge path that writes).
        let edits = zip(records, locals).map { RemoteRecord(kind: $0.kind, id: $0.id, unit: $0.unit, version: $1) }
        let editor = SiteInfo(site: localSite, deviceName: "bench2", unit: "640522100201")
        let (_, editSeconds) = try measure {
            for start in stride(from: 0, to: edits.count, by: 500) {
                _ = try server.serving.applyPushed(Array(edits[start..<min(start + 500, edits.count)]), from: editor, as: peerAccess, now: 4)
            }
        }
        let plainSeconds = PlainSQLite.insert(rows: plainRows, columns: ["id", "unit"] + RecordKind.requests.fields.map(\.name),
                                              path: directory.path("plain.sqlite"))
        func ratio(_ seconds: Double) -> String { String(format: "%.1f×", seconds / plainSeconds) }
        return [
            BenchRow(figure: "merge in memory, \(count) concurrent pairs", measured: rate(count, pureSeconds), baseline: "—", ratio: "—"),
            BenchRow(figure: "apply \(count) new remote versions", measured: "\(rate(count, applySeconds)) (\(String(format: "%.2f", applySeconds)) s)",
                     baseline: "plain inserts \(rate(count, plainSeconds)) (\(String(format: "%.2f", plainSeconds)) s)", ratio: ratio(applySeconds)),
            BenchRow(figure: "apply the same \(count) again (no change)", measured: "\(rate(count, againSeconds)) (\(String(format: "%.2f", againSeconds)) s)",
                     baseline: "plain inserts", ratio: ratio(againSeconds)),
            BenchRow(figure: "apply \(count) concurrent edits (merge + write)", measured: "\(rate(count, editSeconds)) (\(String(format: "%.2f", editSeconds)) s)",
                     baseline: "plain inserts", ratio: ratio(editSeconds)),
        ]
    }
}
