import Records

/// What an import did.
public struct ImportSummary: Sendable, Equatable {
    public var created = 0
    public var updated = 0
    public var restored = 0
    public var unchanged = 0
    /// Rows that came without an id and got one derived from their content.
    public var derivedIDs = 0

    public var rows: Int { created + updated + restored + unchanged }
}

extension Replica {
    /// Imports every row of `reader` in one transaction: all rows or none. Each row is checked
    /// as a whole record (against the record it updates, if any), against this replica's scope
    /// and against ids of other units; every problem of every row is collected, and if there is
    /// one, nothing is stored and all of them are thrown.
    public func importRows(_ reader: ImportReader, now: Int64, progress: ((Int) -> Void)? = nil) throws(ReplicaError) -> ImportSummary {
        var reader = reader
        let kind = reader.header.kind
        return try write(now: now) { connection, session in
            let table = RecordTable(kind)
            let writer = RecordWriter(table: table, connection: connection, session: session)
            var summary = ImportSummary()
            var problems: [RowProblem] = []
            var lineOfID: [String: Int] = [:]
            var processed = 0
            while let next = reader.next() {
                processed += 1
                if processed % 10_000 == 0 { progress?(processed) }
                let row: ImportRow
                switch next {
                case .problems(let rowProblems): problems += rowProblems; continue
                case .row(let value): row = value
                }
                func problem(_ column: String?, _ message: String) -> RowProblem {
                    let number: Int? = switch column {
                    case "id": reader.header.columns.firstIndex(of: .id).map { $0 + 1 }
                    case "unit": reader.header.columns.firstIndex(of: .unit).map { $0 + 1 }
                    case let field?: reader.header.columnNumber(of: field)
                    case nil: nil
                    }
                    return RowProblem(line: row.line, column: number, columnName: column, message: message)
                }
                if let earlier = lineOfID[row.id] {
                    problems.append(problem("id", "id \(row.id) 与第 \(earlier) 行重复; 同一文件中每个 id 只能出现一次"))
                    continue
                }
                lineOfID[row.id] = row.line
                let unit = row.unit ?? session.unit
                guard try session.inScope(unit) else {
                    problems.append(problem("unit", ReplicaError.unitOutOfScope(code: unit, replicaUnit: session.unit).description))
                    continue
                }
                let existing = try table.load(connection, id: row.id)
                if let existing, existing.unit != unit {
                    problems.append(problem("id", ReplicaError.idBelongsToOtherUnit(kind: kind, id: row.id, unit: existing.unit).description))
                    continue
                }
                // Once a row has failed nothing will be kept: check the rest without writing.
                if !problems.isEmpty {
                    var standing = existing?.values ?? [:]
                    if existing == nil { for field in kind.fields { standing[field.name] = field.defaultValue } }
                    for (field, value) in row.values { standing[field] = value }
                    problems += kind.validate(standing).map { problem($0.field, $0.message) }
                    continue
                }
                switch try writer.save(id: row.id, unit: unit, values: row.values, existing: existing, restoring: true) {
                case .invalid(let fieldProblems):
                    problems += fieldProblems.map { problem($0.field, $0.message) }
                    continue
                case .created: summary.created += 1
                case .updated: summary.updated += 1
                case .restored: summary.restored += 1
                case .unchanged: summary.unchanged += 1
                }
                if row.idWasDerived { summary.derivedIDs += 1 }
            }
            if !problems.isEmpty { throw ReplicaError.rejectedRows(problems) }
            return summary
        }
    }
}
