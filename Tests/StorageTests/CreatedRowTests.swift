import Foundation
import Records
@testable import Storage
import SyncCore
import Testing
import TestSupport

/// A new record is stored from its values without building its version (the import's fast
/// path). It must be, column for column, the row the version path stores.
@Suite("New records stored from their values")
struct CreatedRowTests {
    static let pieces = ["", " ", "甲", "2021-03-02", "12.50", "3", "2020", "granted", "natural_person", "a,b", "x;y", "=", "\"", "\n", "😀", "0"]

    @Test("each kind: the row, its digest and the unit's digest equal those of the version path", arguments: RecordKind.allCases)
    func sameRow(kind: RecordKind) throws {
        // Given two fresh replicas and, for each, 60 new records with the same values, dots and times
        let scratch = Scratch()
        let fast = try makeReplica(scratch, name: "fast.sqlite"), reference = try makeReplica(scratch, name: "reference.sqlite")
        var random = SeededGenerator(seed: 20_261_127 &+ UInt64(kind.fields.count))
        let rows: [(id: String, values: [String: String?], dot: Dot, time: Int64)] = (0..<60).map { index in
            var values: [String: String?] = [:]
            for field in kind.fields {
                values[field.name] = Bool.random(using: &random) ? nil
                    : (0..<Int.random(in: 1...3, using: &random)).map { _ in Self.pieces.randomElement(using: &random)! }.joined()
            }
            let site = SiteID(bits: UInt64.random(in: 1...UInt64.max, using: &random))
            return ("r\(index)", values, Dot(site: site, counter: UInt64.random(in: 1...1_000_000, using: &random)),
                    Int64.random(in: -1_000_000...2_000_000_000, using: &random))
        }
        // When one stores them from their values and the other through RecordVersion.created
        let table = RecordTable(kind)
        try fast.database.write(now: 1) { connection, session in
            for row in rows {
                try table.insertCreated(connection, session, id: row.id, unit: village.code, values: row.values, dot: row.dot, at: row.time)
            }
        }
        try reference.database.write(now: 1) { connection, session in
            for row in rows {
                try table.insert(connection, session, id: row.id, unit: village.code,
                                 version: .created(row.values, dot: row.dot, at: row.time))
            }
        }
        // Then every column of every row is the same, and so is the unit's digest
        func unitDigests(_ replica: Replica) throws -> [[SQLiteValue]] {
            try replica.database.withConnection { connection in
                try connection.rows("SELECT unit, digest, records FROM unit_digests ORDER BY 1").map { row throws(SQLiteError) in
                    [try row.value("unit"), try row.value("digest"), try row.value("records")]
                }
            }
        }
        let stored = try fingerprint(fast).filter { $0.hasPrefix(kind.rawValue + ":") }
        #expect(stored.count == 60)
        #expect(stored == (try fingerprint(reference).filter { $0.hasPrefix(kind.rawValue + ":") }))
        #expect(try unitDigests(fast) == (try unitDigests(reference)))
        // And each record reads back the same from both (the random text is not valid for typed
        // columns, so both store NULL there: validation comes before either path)
        for row in rows {
            let read = try fast.database.withConnection { try table.load($0, id: row.id) }
            let expected = try reference.database.withConnection { try table.load($0, id: row.id) }
            #expect(read != nil)
            #expect(read?.version == expected?.version, "\(row.id)")
        }
    }
}
