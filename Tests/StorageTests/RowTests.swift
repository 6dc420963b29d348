import Foundation
import Records
@testable import Storage
import Testing
import TestSupport

/// Rows are read by column name: a schema slip is an error that names the column, never an
/// empty value standing in for data.
@Suite("Rows read by column name")
struct RowTests {
    @Test("a missing column, a NULL where a value is required, or text where a number is, is an error naming the column and the query")
    func strictReads() throws {
        let scratch = Scratch()
        let replica = try makeReplica(scratch)
        try replica.database.withConnection { connection in
            let row = try connection.row("SELECT 7 AS number, NULL AS blank, 'x7' AS word")
            #expect(try row.integer("number") == 7)
            #expect(try row.optionalText("blank") == nil)
            #expect(try row.text("word") == "x7")
            for (read, column) in [({ _ = try row.text("missing") }, "missing"), ({ _ = try row.text("blank") }, "blank"),
                                   ({ _ = try row.integer("word") }, "word")] as [(() throws -> Void, String)] {
                let error = #expect(throws: SQLiteError.self) { try read() }
                #expect(error?.description.contains(column) == true, "\(error?.description ?? "no error")")
                #expect(error?.description.contains("SELECT 7 AS number") == true)
            }
        }
    }

    @Test("a replica whose sync state lost a column is refused with the column's name, not read as never synced")
    func schemaSlip() throws {
        // Given a replica whose sync_state has lost push_seq (as a hand-edited or damaged file can)
        let scratch = Scratch()
        let replica = try makeReplica(scratch)
        try importCSV(replica, .requests, requestsCSV)
        try replica.database.withConnection { try $0.execute("ALTER TABLE sync_state RENAME COLUMN push_seq TO push_sequence") }
        // When its status is read, or its pending changes listed
        // Then each is an error naming the column, where a default would have shown 3 changes pending
        for read in [{ _ = try replica.syncing.status() }, { _ = try replica.syncing.pendingChanges(limit: 10) }] as [() throws -> Void] {
            let error = #expect(throws: ReplicaError.self) { try read() }
            #expect(error.map { "\($0)" }?.contains("push_seq") == true, "\(error.map { "\($0)" } ?? "no error")")
        }
    }
}
