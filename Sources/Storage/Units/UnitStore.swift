import Records
import SyncCore

/// Who this replica is: its site, its unit, and the name of the device it lives on.
public struct ReplicaIdentity: Sendable, Equatable {
    public let site: String
    public let unit: GovernmentUnit
    public let deviceName: String
    public let createdAt: Int64
}

/// This replica's own unit and identity, and the units it holds records of (a township's
/// villages): registered, listed, removed.
public struct UnitStore: Sendable {
    let database: Database

    init(_ database: Database) {
        self.database = database
    }

    public func identity() throws(ReplicaError) -> ReplicaIdentity {
        try database.withConnection { connection in try UnitStore.identity(connection) }
    }

    static func identity(_ connection: Connection) throws -> ReplicaIdentity {
        let rows = try connection.rows("""
        SELECT r.site, r.device_name, r.created_at, u.code, u.name, u.parent, u.is_township
        FROM replica r JOIN units u ON u.code = r.unit
        """)
        guard let row = rows.first else { throw ReplicaError.corrupt(path: connection.path, detail: "缺少副本身份信息") }
        return ReplicaIdentity(site: try row.text("site"), unit: try unit(row), deviceName: try row.text("device_name"),
                               createdAt: try row.integer("created_at"))
    }

    /// A unit as the sync protocol names it.
    static func info(_ unit: GovernmentUnit) -> UnitInfo {
        UnitInfo(code: unit.code, name: unit.name, parent: unit.parent)
    }

    /// A unit from a row with its columns `code`, `name`, `parent` and `is_township`.
    static func unit(_ row: Row) throws(SQLiteError) -> GovernmentUnit {
        GovernmentUnit(code: try row.text("code"), name: try row.text("name"), parent: try row.optionalText("parent"),
                       isTownship: try row.flag("is_township"))
    }

    /// Every unit this replica knows: itself first, then its villages by code.
    public func all() throws(ReplicaError) -> [GovernmentUnit] {
        try database.withConnection { connection in
            let own = try UnitStore.identity(connection).unit
            let rows = try connection.rows("SELECT code, name, parent, is_township FROM units WHERE code <> ? ORDER BY code", [.text(own.code)])
            return [own] + (try rows.map(UnitStore.unit))
        }
    }

    /// Registers a unit below this replica's own (a village of a township; a township of a
    /// county, or a village of one of its townships), so that this replica may hold its records.
    /// `parent`: a unit this replica holds; nil for its own.
    public func addVillage(code: String, name: String, parent: String? = nil) throws(ReplicaError) -> GovernmentUnit {
        try database.withConnection { connection in
            let own = try UnitStore.identity(connection).unit
            guard own.isTownship else { throw ReplicaError.notATownship(unit: own.code) }
            let village = GovernmentUnit(code: code, name: name.trimmingSpaces(), parent: parent ?? own.code)
            if let problem = village.problem { throw ReplicaError.invalidUnit(problem) }
            return try connection.transaction {
                guard try connection.rows("SELECT 1 FROM units WHERE code = ?", [.text(code)]).isEmpty else {
                    throw ReplicaError.unitExists(code: code)
                }
                guard try UnitStore.tree(connection).contains(village.parent ?? own.code, within: own.code) else {
                    throw ReplicaError.unknownParent(code: village.parent ?? "", own: own.code)
                }
                try connection.run("INSERT INTO units (code, name, parent, is_township) VALUES (?, ?, ?, 0)",
                                   [.text(village.code), .text(village.name), village.parent.sqlite])
                return village
            }
        }
    }

    /// The units this replica holds, as a tree.
    public func tree() throws(ReplicaError) -> UnitTree {
        try database.withConnection { connection in try UnitStore.tree(connection) }
    }

    static func tree(_ connection: Connection) throws -> UnitTree {
        UnitTree(try connection.rows("SELECT code, parent FROM units").map { row throws(SQLiteError) in
            (code: try row.text("code"), parent: try row.optionalText("parent"))
        })
    }
}
