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

    init(_ connection: Connection, after seq: Int64, pendingOnly: Bool, notFrom origin: String? = nil, ofUnits units: Set<String>? = nil,
         limit: Int, byteBudget: Int) throws {
        var rows: [StoredRecord] = []
        var cutoff = Int64.max
        for kind in RecordKind.allCases {
            let (records, truncated) = try RecordTable(kind).changes(connection, after: seq, pendingOnly: pendingOnly, notFrom: origin,
                                                                      ofUnits: units, limit: limit, byteBudget: byteBudget)
            if truncated, let last = records.last { cutoff = min(cutoff, last.seq) }
            rows += records
        }
        rows.sort { $0.seq < $1.seq }
        records = cutoff == .max ? rows : Array(rows.prefix { $0.seq <= cutoff })
        complete = cutoff == .max
    }
}

/// The bounds of one pushed batch or pulled page: at most `limit` records and
/// `syncBatchByteBudget` of record content, and always at least one record.
struct BatchBudget {
    let limit: Int
    private var count = 0
    private var bytes = 0

    init(limit: Int) {
        self.limit = limit
    }

    /// Counts `record` in when it still fits; false when the batch is full.
    mutating func admit(_ record: StoredRecord) -> Bool {
        let size = record.approximateWireBytes
        guard count < limit, count == 0 || bytes + size <= syncBatchByteBudget else { return false }
        count += 1
        bytes += size
        return true
    }
}
