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
                    throw ReplicaError.cannotRemoveUnit(code: code, reason: "它有 \(records) 条记录 (含已删除的); 有记录的单位不能删除")
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
