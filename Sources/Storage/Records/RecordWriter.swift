import Records
import SyncCore

/// Saves one record's values within a write transaction: checks the whole record as it would
/// stand, writes only fields whose value changes, and stamps the change with a new dot.
struct RecordWriter {
    let table: RecordTable
    let connection: Connection
    let session: WriteSession

    enum Outcome: Equatable {
        case created
        case updated(fields: [String])
        case restored
        case unchanged
        /// The record would break the kind's rules; nothing was written.
        case invalid([FieldProblem])
    }

    var kind: RecordKind { table.kind }

    /// `values`: canonical text per field given; nil clears a field; absent fields stay as they are.
    /// A deleted record is brought back when `restoring` (an import of its row), else refused.
    func save(id: String, unit: String, values: [String: String?], existing: StoredRecord?,
              restoring: Bool) throws -> Outcome {
        guard let existing else {
            var complete: [String: String?] = [:]
            var present: [String: String] = [:]
            complete.reserveCapacity(kind.fields.count)
            present.reserveCapacity(kind.fields.count)
            for field in kind.fields {
                let given: String? = values[field.name].flatMap { $0 }
                let value: String? = given ?? field.defaultValue
                complete.updateValue(value, forKey: field.name)
                if let value { present[field.name] = value }
            }
            let problems = kind.validate(present)
            guard problems.isEmpty else { return .invalid(problems) }
            try table.insertCreated(connection, session, id: id, unit: unit, values: complete, dot: session.nextDot(), at: session.now)
            return .created
        }
        var standing = existing.values
        for (field, value) in values { standing[field] = value }
        let problems = kind.validate(standing)
        guard problems.isEmpty else { return .invalid(problems) }
        let changes = existing.version.changedFields(values)
        if existing.isDeleted && restoring {
            let version = existing.version.writing(changes, dot: session.nextDot(), at: session.now)
            try table.update(connection, session, existing, version: version)
            return .restored
        }
        guard !changes.isEmpty else { return .unchanged }
        let version = existing.version.writing(changes, dot: session.nextDot(), at: session.now)
        try table.update(connection, session, existing, version: version)
        return .updated(fields: changes.keys.sorted())
    }

    func delete(_ existing: StoredRecord) throws {
        let version = existing.version.deleting(dot: session.nextDot(), at: session.now)
        try table.update(connection, session, existing, version: version)
    }
}
