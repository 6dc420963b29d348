import Records
import SyncCore

/// The changes of every record table after a position, in change order, as far as every table
/// was read: each table is read up to a count and a byte budget, and a table cut short bounds
/// the window at its last row, since its next rows may come before other tables' later ones.
struct ChangeWindow {
    /// In change order; none beyond the first table that was cut short.
    let records: [StoredRecord]
    /// No table was cut short: nothing follows the last record.
    let complete: Bool

    init(_ connection: Connection, after seq: Int64, pendingOnly: Bool, notFrom origin: String? = nil,
         limit: Int, byteBudget: Int) throws {
        var rows: [StoredRecord] = []
        var cutoff = Int64.max
        for kind in RecordKind.allCases {
            let (records, truncated) = try RecordTable(kind).changes(connection, after: seq, pendingOnly: pendingOnly, notFrom: origin,
                                                                      limit: limit, byteBudget: byteBudget)
            if truncated, let last = records.last { cutoff = min(cutoff, last.seq) }
            rows += records
        }
        rows.sort { $0.seq < $1.seq }
        records = cutoff == .max ? rows : Array(rows.prefix { $0.seq <= cutoff })
        complete = cutoff == .max
    }
}
