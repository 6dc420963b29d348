import RecordRules
import Records

extension UnitStore {
    /// Every unit, this replica's own first, with its record count and last sync.
    public func unitSummaries() throws(ReplicaError) -> [UnitSummary] {
        let units = try all()
        return try database.withConnection { connection in
            var counts: [String: Int] = [:]
            for kind in RecordKind.allCases {
                for row in try connection.rows("SELECT unit, count(*) AS records FROM \(RecordTable.name(of: kind)) WHERE deleted = 0 GROUP BY unit") {
                    counts[try row.text("unit"), default: 0] += try row.int("records")
                }
            }
            var synced: [String: Int64] = [:], bundled: [String: Int64] = [:]
            for row in try connection.rows("""
                SELECT unit, max(synced_at) AS synced_at, max(bundled_at) AS bundled_at FROM sites
                WHERE synced_at IS NOT NULL OR bundled_at IS NOT NULL GROUP BY unit
                """) {
                synced[try row.text("unit")] = try row.optionalInteger("synced_at")
                bundled[try row.text("unit")] = try row.optionalInteger("bundled_at")
            }
            return units.map { UnitSummary(unit: $0, records: counts[$0.code] ?? 0, lastSync: synced[$0.code], lastBundle: bundled[$0.code]) }
        }
    }

    /// Removes a village registered by mistake (a typo'd code). Refused for the township itself,
    /// for a village that holds any record (deleted ones too: their deletion is history others
    /// sync), and while a token of it is still valid. Its revoked tokens go with it.
    public func removeVillage(code: String) throws(ReplicaError) -> GovernmentUnit {
        try database.withConnection { connection in
            try connection.transaction {
                let own = try UnitStore.identity(connection).unit
                guard code != own.code else { throw ReplicaError.cannotRemoveUnit(code: code, reason: "这是本数据库自己的单位") }
                guard let row = try connection.rows("SELECT name, parent FROM units WHERE code = ?", [.text(code)]).first else {
                    throw ReplicaError.unknownUnit(code: code)
                }
                var records = 0
                for kind in RecordKind.allCases {
                    records += Int(try connection.integer("SELECT count(*) FROM \(RecordTable.name(of: kind)) WHERE unit = ?", [.text(code)]))
                }
                guard records == 0 else {
                    throw ReplicaError.cannotRemoveUnit(code: code, reason: "它有 \(records) 条记录 (含已删除的); 确要删除请加 --records-to 目录, 先把记录存到那里")
                }
                let active = try connection.integer("SELECT count(*) FROM device_tokens WHERE unit = ? AND revoked_at IS NULL", [.text(code)])
                guard active == 0 else {
                    throw ReplicaError.cannotRemoveUnit(code: code, reason: "它还有 \(active) 个有效的设备令牌; 先用 gongkai admin list-tokens 查看, revoke-token --id 吊销")
                }
                try connection.run("DELETE FROM device_tokens WHERE unit = ?", [.text(code)])
                try connection.run("DELETE FROM push_refusals WHERE unit = ?", [.text(code)])
                try connection.run("DELETE FROM units WHERE code = ?", [.text(code)])
                return GovernmentUnit(code: code, name: try row.text("name"), parent: try row.optionalText("parent"))
            }
        }
    }
}

extension UnitStore {
    /// Moves `code`, and every unit below it, under `parent` (a unit put under the wrong
    /// township, or registered by a relay that had no right to it). Their records are stamped
    /// anew in the change feed, so that every replica whose scope now holds them pulls them.
    /// Returns the unit as it stands after, and how many records were stamped.
    public func moveUnit(code: String, under parent: String, now: Int64) throws(ReplicaError) -> (unit: GovernmentUnit, records: Int) {
        try database.write(now: now) { connection, session in
            let own = try UnitStore.identity(connection).unit
            guard code != own.code else { throw ReplicaError.cannotMoveUnit(code: code, reason: "这是本数据库自己的单位") }
            guard let row = try connection.rows("SELECT name, is_township FROM units WHERE code = ?", [.text(code)]).first else {
                throw ReplicaError.unknownUnit(code: code)
            }
            let tree = try UnitStore.tree(connection)
            guard tree.codes.contains(parent) else { throw ReplicaError.unknownUnit(code: parent) }
            let moved = tree.subtree(of: code)
            guard !moved.contains(parent) else {
                throw ReplicaError.cannotMoveUnit(code: code, reason: "新的上级 \(parent) 在它自己下面")
            }
            try connection.run("UPDATE units SET parent = ? WHERE code = ?", [.text(parent), .text(code)])
            var stamped = 0
            let units = SQLiteValue.jsonArray(Array(moved))
            for kind in RecordKind.allCases {
                let table = RecordTable.name(of: kind)
                let seqs = try connection.rows("SELECT seq FROM \(table) WHERE unit IN (SELECT value FROM json_each(?)) ORDER BY seq", [units])
                    .map { row throws(SQLiteError) in try row.integer("seq") }
                for seq in seqs {
                    try connection.run("UPDATE \(table) SET seq = ? WHERE seq = ?", [.integer(session.nextSeq()), .integer(seq)])
                }
                stamped += seqs.count
            }
            return (GovernmentUnit(code: code, name: try row.text("name"), parent: parent, isTownship: try row.flag("is_township")), stamped)
        }
    }

    /// The live records of `code`, as CSV rows of each kind (`RecordKind.csvColumns`), and how
    /// many deleted ones it holds: what `admin remove-unit --records-to` keeps before removing.
    public func recordRows(of code: String) throws(ReplicaError) -> (rows: [RecordKind: [[String]]], deleted: Int) {
        let store = RecordStore(database)
        var rows: [RecordKind: [[String]]] = [:]
        var deleted = 0
        for kind in RecordKind.allCases {
            let records = try store.all(kind, unit: code, includeDeleted: true)
            deleted += records.filter(\.isDeleted).count
            let live = records.filter { !$0.isDeleted }.map(\.csvFields)
            if !live.isEmpty { rows[kind] = live }
        }
        return (rows, deleted)
    }

    /// Removes `code` with every record of it (they were kept elsewhere first: `recordRows`), its
    /// sites and what was refused of it. Refused for this database's own unit, for a unit with
    /// units below it, and while a token of it is valid.
    public func removeUnit(code: String, withRecords: Bool) throws(ReplicaError) -> GovernmentUnit {
        guard withRecords else { return try removeVillage(code: code) }
        return try database.withConnection { connection in
            try connection.transaction {
                let own = try UnitStore.identity(connection).unit
                guard code != own.code else { throw ReplicaError.cannotRemoveUnit(code: code, reason: "这是本数据库自己的单位") }
                guard let row = try connection.rows("SELECT name, parent FROM units WHERE code = ?", [.text(code)]).first else {
                    throw ReplicaError.unknownUnit(code: code)
                }
                let below = try connection.integer("SELECT count(*) FROM units WHERE parent = ?", [.text(code)])
                guard below == 0 else {
                    throw ReplicaError.cannotRemoveUnit(code: code, reason: "它下面还有 \(below) 个单位; 先用 gongkai admin move-unit 移走或删除它们")
                }
                let active = try connection.integer("SELECT count(*) FROM device_tokens WHERE unit = ? AND revoked_at IS NULL", [.text(code)])
                guard active == 0 else {
                    throw ReplicaError.cannotRemoveUnit(code: code, reason: "它还有 \(active) 个有效的设备令牌; 先用 gongkai admin list-tokens 查看, revoke-token --id 吊销")
                }
                for kind in RecordKind.allCases {
                    try connection.run("DELETE FROM \(RecordTable.name(of: kind)) WHERE unit = ?", [.text(code)])
                }
                try connection.run("DELETE FROM unit_digests WHERE unit = ?", [.text(code)])
                try connection.run("DELETE FROM sites WHERE unit = ?", [.text(code)])
                try connection.run("DELETE FROM device_tokens WHERE unit = ?", [.text(code)])
                try connection.run("DELETE FROM push_refusals WHERE unit = ?", [.text(code)])
                try connection.run("DELETE FROM units WHERE code = ?", [.text(code)])
                return GovernmentUnit(code: code, name: try row.text("name"), parent: try row.optionalText("parent"))
            }
        }
    }
}
