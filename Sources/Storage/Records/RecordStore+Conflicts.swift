import RecordRules
import Records
import SyncCore

/// One field of one record holding concurrent values that differ.
public struct FieldConflict: Sendable, Equatable {
    public let kind: RecordKind
    public let id: String
    public let unit: String
    public let field: String
    /// The value that stands (shown everywhere until someone decides).
    public let standing: FieldEntry
    /// The concurrent values that lost, highest dot first.
    public let losing: [FieldEntry]
}

/// Who a site is, for saying who wrote a value.
public struct SiteName: Sendable, Equatable {
    public let site: String
    public let deviceName: String
    public let unit: String
}

extension RecordStore {
    /// Every open conflict, by kind, id and field.
    public func conflicts() throws(ReplicaError) -> [FieldConflict] {
        try database.withConnection { connection in
            var result: [FieldConflict] = []
            for kind in RecordKind.allCases {
                for record in try RecordTable(kind).conflicted(connection) {
                    result += RecordStore.conflicts(of: record)
                }
            }
            return result
        }
    }

    static func conflicts(of record: StoredRecord) -> [FieldConflict] {
        record.version.conflictedFields.map { field in
            let register = record.version.fields[field]!
            return FieldConflict(kind: record.kind, id: record.id, unit: record.unit, field: field,
                                 standing: register.standing(in: field),
                                 losing: register.losers(in: field).sorted { $0.dot > $1.dot })
        }
    }

    /// The names of the sites this replica knows.
    public func siteNames() throws(ReplicaError) -> [String: SiteName] {
        try database.withConnection { connection in
            var names: [String: SiteName] = [:]
            for row in try connection.rows("SELECT site, device_name, unit FROM sites") {
                let site = try row.text("site")
                names[site] = SiteName(site: site, deviceName: try row.text("device_name"), unit: try row.text("unit"))
            }
            return names
        }
    }

    /// Settles a conflict with `value` (typed text; nil or empty clears an optional field; for
    /// the deleted-field "0" keeps the record, "1" deletes it). The resolution is a new local
    /// write that has seen every concurrent value, so it supersedes them wherever it syncs.
    public func resolveConflict(_ kind: RecordKind, id: String, field: String, value: String?, now: Int64) throws(ReplicaError) -> StoredRecord {
        let canonical: String?
        if field == deletedField {
            guard value == "0" || value == "1" else {
                throw .invalidRecord(kind: kind, id: id, problems: [FieldProblem(field: field, message: "删除状态只能是 0 (保留) 或 1 (删除)")])
            }
            canonical = value
        } else {
            guard let spec = kind.field(named: field) else {
                throw .invalidRecord(kind: kind, id: id, problems: [FieldProblem(field: field, message: "\(kind.label)没有字段 \(field)")])
            }
            switch spec.normalize(value ?? "") {
            case .success(let normalized): canonical = normalized
            case .failure(let problem): throw .invalidRecord(kind: kind, id: id, problems: [problem])
            }
        }
        return try database.write(now: now) { connection, session in
            let table = RecordTable(kind)
            guard let record = try table.load(connection, id: id) else { throw ReplicaError.notFound(kind: kind, id: id) }
            guard record.version.conflictedFields.contains(field) else {
                throw ReplicaError.noConflict(kind: kind, id: id, field: field)
            }
            if field != deletedField {
                var standing = record.values
                standing[field] = canonical
                let problems = kind.validate(standing)
                if !problems.isEmpty { throw ReplicaError.invalidRecord(kind: kind, id: id, problems: problems) }
            }
            let version = record.version.writing([field: canonical], dot: session.nextDot(), at: session.now)
            try table.update(connection, session, record, version: version)
            return try table.load(connection, id: id)!
        }
    }
}

/// A record kept under its own id because another record had been given the same number
/// (`NumberClash`): both are counted; one of them should get a number of its own.
public struct NumberClashRecord: Sendable, Equatable {
    public let kind: RecordKind
    /// The id it was moved to (`640522100201:2021-007~0000b2c3`).
    public let id: String
    /// The id both were given.
    public let clashedID: String
    public let unit: String
}

extension RecordStore {
    /// Live records moved aside by a number clash, by kind and id.
    public func numberClashes() throws(ReplicaError) -> [NumberClashRecord] {
        try database.withConnection { connection in
            var result: [NumberClashRecord] = []
            for kind in RecordKind.allCases {
                for row in try connection.rows("SELECT id, unit FROM \(RecordTable(kind).name) WHERE deleted = 0 AND id LIKE '%~%' ORDER BY id") {
                    let id = try row.text("id")
                    guard let clashed = NumberClash.clashedID(of: id) else { continue }
                    result.append(NumberClashRecord(kind: kind, id: id, clashedID: clashed, unit: try row.text("unit")))
                }
            }
            return result
        }
    }
}
