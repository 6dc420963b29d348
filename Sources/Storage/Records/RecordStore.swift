import Records
import SyncCore

/// What a save did to a record.
public enum SaveResult: Sendable, Equatable {
    case created
    case updated(fields: [String])
    case unchanged
}

/// Records and their capture: one record read, created, edited, deleted, restored, renamed,
/// its conflicts settled. Each write is one transaction.
public struct RecordStore: Sendable {
    let database: Database

    init(_ database: Database) {
        self.database = database
    }

    /// One record by id (deleted ones included), or nil.
    public func record(_ kind: RecordKind, id: String) throws(ReplicaError) -> StoredRecord? {
        try database.withConnection { connection in try RecordTable(kind).load(connection, id: id) }
    }

    /// The records of a kind in id order; of one unit when given.
    public func all(_ kind: RecordKind, unit: String? = nil, includeDeleted: Bool = false) throws(ReplicaError) -> [StoredRecord] {
        try database.withConnection { connection in try RecordTable(kind).list(connection, unit: unit, includeDeleted: includeDeleted) }
    }

    /// A live record of `unit` (default the replica's own) with exactly these identifying values
    /// (`RecordKind.identityFields`, canonical text): what `add` asks about before a duplicate.
    public func sameIdentity(_ kind: RecordKind, unit: String? = nil, values: [String: String]) throws(ReplicaError) -> StoredRecord? {
        try database.withConnection { connection in
            let owner = try unit ?? UnitStore.identity(connection).unit.code
            return try RecordTable(kind).firstLive(connection, unit: owner, matching: kind.identityFields.map { ($0, values[$0]) })
        }
    }

    /// Creates a record under exactly `id` from typed text (each value checked and normalized
    /// here). `unit` defaults to the replica's own.
    public func create(_ kind: RecordKind, id: String, unit: String? = nil, input: [String: String], now: Int64) throws(ReplicaError) -> StoredRecord {
        try create(kind, id: id, scoped: false, unit: unit, input: input, now: now)
    }

    /// Creates a record under an id a person typed (`--id 2021-001`): scoped by unit
    /// (`640522100201:2021-001`, see `TypedRecordID`) so that it cannot collide with another
    /// village's 2021-001 on the server.
    public func create(_ kind: RecordKind, typedID: String, unit: String? = nil, input: [String: String], now: Int64) throws(ReplicaError) -> StoredRecord {
        try create(kind, id: typedID, scoped: true, unit: unit, input: input, now: now)
    }

    private func create(_ kind: RecordKind, id typedID: String, scoped: Bool, unit: String?, input: [String: String], now: Int64) throws(ReplicaError) -> StoredRecord {
        if let problem = RecordID.problem(with: typedID) { throw .invalidRecord(kind: kind, id: typedID, problems: [FieldProblem(field: "id", message: problem)]) }
        let values = try RecordStore.normalize(kind, id: typedID, input: input)
        return try database.write(now: now) { connection, session in
            let table = RecordTable(kind)
            let unit = unit ?? session.unit
            guard try session.inScope(unit) else { throw ReplicaError.unitOutOfScope(code: unit, replicaUnit: session.unit) }
            let id: String
            if scoped {
                switch try TypedRecordID.resolve(typedID, unit: unit, table: table, connection: connection) {
                case .problem(let problem): throw ReplicaError.invalidRecord(kind: kind, id: typedID, problems: [FieldProblem(field: "id", message: problem)])
                case .record(let resolved, _?): throw ReplicaError.idExists(kind: kind, id: resolved)
                case .record(let resolved, nil): id = resolved
                }
            } else {
                id = typedID
                if let existing = try table.load(connection, id: id) {
                    if existing.unit != unit { throw ReplicaError.idBelongsToOtherUnit(kind: kind, id: id, unit: existing.unit) }
                    throw ReplicaError.idExists(kind: kind, id: id)
                }
            }
            let writer = RecordWriter(table: table, connection: connection, session: session)
            if case .invalid(let problems) = try writer.save(id: id, unit: unit, values: values, existing: nil, restoring: false) {
                throw ReplicaError.invalidRecord(kind: kind, id: id, problems: problems)
            }
            return try table.load(connection, id: id)!
        }
    }

    /// Changes the given fields of a live record (an empty text clears an optional field).
    /// Only fields whose value changes are written; nothing changed writes nothing.
    public func update(_ kind: RecordKind, id: String, input: [String: String], now: Int64) throws(ReplicaError) -> (StoredRecord, SaveResult) {
        let values = try RecordStore.normalize(kind, id: id, input: input)
        return try database.write(now: now) { connection, session in
            let table = RecordTable(kind)
            guard let existing = try table.load(connection, id: id) else { throw ReplicaError.notFound(kind: kind, id: id) }
            guard !existing.isDeleted else { throw ReplicaError.deleted(kind: kind, id: id) }
            let writer = RecordWriter(table: table, connection: connection, session: session)
            switch try writer.save(id: id, unit: existing.unit, values: values, existing: existing, restoring: false) {
            case .invalid(let problems):
                throw ReplicaError.invalidRecord(kind: kind, id: id, problems: problems)
            case .updated(let fields):
                return (try table.load(connection, id: id)!, SaveResult.updated(fields: fields))
            case .created, .unchanged, .restored:
                return (existing, SaveResult.unchanged)
            }
        }
    }

    /// Marks a live record deleted: a versioned tombstone that syncs like any change.
    public func delete(_ kind: RecordKind, id: String, now: Int64) throws(ReplicaError) {
        try database.write(now: now) { connection, session in
            let table = RecordTable(kind)
            guard let existing = try table.load(connection, id: id) else { throw ReplicaError.notFound(kind: kind, id: id) }
            guard !existing.isDeleted else { throw ReplicaError.deleted(kind: kind, id: id) }
            try RecordWriter(table: table, connection: connection, session: session).delete(existing)
        }
    }

    /// Brings a deleted record back, as a new change.
    public func restore(_ kind: RecordKind, id: String, now: Int64) throws(ReplicaError) -> StoredRecord {
        try database.write(now: now) { connection, session in
            let table = RecordTable(kind)
            guard let existing = try table.load(connection, id: id) else { throw ReplicaError.notFound(kind: kind, id: id) }
            guard existing.isDeleted else { return existing }
            let writer = RecordWriter(table: table, connection: connection, session: session)
            if case .invalid(let problems) = try writer.save(id: id, unit: existing.unit, values: [:], existing: existing, restoring: true) {
                throw ReplicaError.invalidRecord(kind: kind, id: id, problems: problems)
            }
            return try table.load(connection, id: id)!
        }
    }

    /// Checks and normalizes typed values; every problem at once.
    static func normalize(_ kind: RecordKind, id: String, input: [String: String]) throws(ReplicaError) -> [String: String?] {
        var values: [String: String?] = [:]
        var problems: [FieldProblem] = []
        for (name, raw) in input {
            guard let field = kind.field(named: name) else {
                problems.append(FieldProblem(field: name, message: "\(kind.label)没有字段 \(name)"))
                continue
            }
            switch field.normalize(raw) {
            case .success(let value): values.updateValue(value, forKey: name)
            case .failure(let problem): problems.append(problem)
            }
        }
        if !problems.isEmpty { throw .invalidRecord(kind: kind, id: id, problems: problems) }
        return values
    }
}
