import Foundation
import Records
@testable import Storage
import Testing
import TestSupport
import TestTiers

/// Malformed import files, each broken in one way that must make it fail as a whole.
enum MalformedCSV {
    static let header = "id,received_on,applicant_type,applicant_name,content,concluded_on,outcome"

    static func valid(_ random: inout SeededGenerator, rows: Int) -> [String] {
        (0..<rows).map { index in
            "r\(index),2021-0\(1 + index % 9)-1\(index % 10),\(ApplicantType.allCases[index % 6].rawValue),申请人\(index),\"内容, 第\(index)件\","
                + (index % 2 == 0 ? "2021-12-2\(index % 10),granted" : ",")
        }
    }

    /// A file broken by `damage` number `kind`; the description names the damage.
    static func make(_ kind: Int, _ random: inout SeededGenerator) -> (bytes: [UInt8], damage: String) {
        var rows = valid(&random, rows: 5 + Int(random.next() % 30))
        let target = Int(random.next() % UInt64(rows.count))
        var header = header
        var extraBytes: (row: Int, bytes: [UInt8])?
        let damage: String
        switch kind % 10 {
        case 0:
            rows[target] = rows[target].replacingOccurrences(of: "申请人", with: "申\"请人")
            damage = "a stray quote"
        case 1:
            rows[target] += ",\"never closed"
            damage = "an unclosed quote"
        case 2:
            rows[target] = rows[target].replacingOccurrences(of: "申请人", with: String(repeating: "长", count: 400_000))
            damage = "a huge field"
        case 3:
            rows[target] += random.next() % 2 == 0 ? ",extra" : ""
            if !rows[target].hasSuffix(",extra") { rows[target] = String(rows[target].dropLast(rows[target].hasSuffix(",") ? 1 : 8)) }
            damage = "a wrong number of columns"
        case 4:
            extraBytes = (target, [0xC3, 0x28, 0xA0, 0xFF])
            damage = "bytes that are not UTF-8"
        case 5:
            rows[target] = rows[target].replacingOccurrences(of: ApplicantType.allCases[target % 6].rawValue, with: "个人")
            damage = "an unknown applicant type"
        case 6:
            rows[target] = rows[target].replacingOccurrences(of: "2021-0", with: "2021-1").replacingOccurrences(of: "-1", with: "-3", range: nil)
            rows[target] = "bad\(target),2021-02-30,natural_person,,,,"
            damage = "an impossible date"
        case 7:
            header = [header + ",备注", header.replacingOccurrences(of: ",outcome", with: ",outcome,outcome"),
                      header.replacingOccurrences(of: "applicant_type,", with: "")][Int(random.next() % 3)]
            damage = "a bad header"
        case 8:
            rows[target] = rows[target].replacingOccurrences(of: "申请人", with: "申请\u{07}人")
            damage = "a control character"
        default:
            rows[target] = "r\(target),2021-05-01,natural_person,x,y,2021-04-01,granted"
            damage = "concluded before received"
        }
        var bytes = Array((header + "\n" + rows.joined(separator: "\n") + "\n").utf8)
        if let (row, junk) = extraBytes {
            // Into the applicant name of that row.
            let text = header + "\n" + rows.prefix(row).joined(separator: "\n") + (row > 0 ? "\n" : "") + "r\(row),"
            bytes.insert(contentsOf: junk, at: Array(text.utf8).count)
        }
        return (bytes, damage)
    }
}

@Suite("Hostile input to the importer", .tags(.slow), .fullSuiteOnly)
struct ImporterFuzzTests {
    @Test("thousands of generated malformed files: each refused with its line, nothing imported")
    func malformed() throws {
        let scratch = Scratch()
        let replica = try makeReplica(scratch)
        _ = try importCSV(replica, .requests, "id,received_on,applicant_type\nkeep,2021-01-01,natural_person\n")
        let before = try fingerprint(replica)
        var random = SeededGenerator(seed: 4_040)
        var refusedByKind: [String: Int] = [:]
        for round in 0..<2_000 {
            let (bytes, damage) = MalformedCSV.make(round, &random)
            var problems: [RowProblem] = []
            do {
                let reader = try ImportReader(kind: .requests, bytes: bytes, defaultUnit: village.code)
                _ = try replica.imports.importRows(reader, now: 5)
                Issue.record("round \(round): a file with \(damage) was imported")
            } catch let ImportFileProblem.problems(found) {
                problems = found
            } catch let error as ReplicaError {
                if case .rejectedRows(let found) = error { problems = found } else { Issue.record("round \(round): \(error)") }
            }
            #expect(!problems.isEmpty, "round \(round): \(damage)")
            #expect(problems.allSatisfy { $0.line >= 1 && !$0.message.isEmpty && $0.description.hasPrefix("第 ") }, "round \(round): \(damage)")
            refusedByKind[damage, default: 0] += 1
        }
        #expect(try fingerprint(replica) == before)
        #expect(refusedByKind.count == 10)
        print("IMPORTER-FUZZ files=2000 refused=\(refusedByKind.values.reduce(0, +)) kinds=\(refusedByKind.count)")
        print("FAULT-SUMMARY case=\"malformed CSV to the importer\" syncs=0 faults=2000 writes_checked=1 lost=\(try replica.records.all(.requests).count == 1 ? 0 : 1) duplicates=0 crashes=0")
    }
}
