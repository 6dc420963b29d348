import Foundation
import Records
import RecordRules
import SyncCore

/// A county's administrator putting its tree of units right: a unit moved under another, or
/// removed with its records (kept elsewhere first), as on SQLite (`UnitStore`).
extension PostgresServerStore {
    /// Moves `code`, and every unit below it, under `parent`; their records are stamped anew in
    /// the change feed (a new number, this transaction), so that every replica whose scope now
    /// holds them pulls them.
    public func moveUnit(code: String, under parent: String) throws -> (unit: GovernmentUnit, records: Int) {
        try pool.transaction { session in
            let own = try session.row("SELECT unit FROM store_identity").text("unit")
            guard code != own else { throw PostgresStoreError.cannotChangeUnit(code: code, reason: "这是本数据库自己的单位, 不能移动") }
            guard let row = try session.rows("SELECT code, name, parent, is_township FROM units WHERE code = $1 FOR UPDATE", [.text(code)]).first else {
                throw PostgresStoreError.unknownUnit(code: code)
            }
            let tree = try PostgresServerStore.tree(session)
            guard tree.codes.contains(parent) else { throw PostgresStoreError.unknownUnit(code: parent) }
            let moved = tree.subtree(of: code)
            guard !moved.contains(parent) else { throw PostgresStoreError.cannotChangeUnit(code: code, reason: "新的上级 \(parent) 在它自己下面, 不能移动") }
            try session.run("UPDATE units SET parent = $1 WHERE code = $2", [.text(parent), .text(code)])
            let stamped = try session.run("""
                UPDATE records SET seq = nextval('record_seq'), xid = pg_current_xact_id() WHERE unit = ANY($1::text[])
                """, [.texts(Array(moved))])
            let unit = try PostgresServerStore.unit(row)
            return (GovernmentUnit(code: unit.code, name: unit.name, parent: parent, isTownship: unit.isTownship), stamped)
        }
    }

    /// The live records of `code` as CSV rows of each kind (`RecordKind.csvColumns`), and how many
    /// deleted ones it holds.
    public func recordRows(of code: String) throws -> (rows: [RecordKind: [[String]]], deleted: Int) {
        try pool.withSession { session in
            var rows: [RecordKind: [[String]]] = [:]
            var deleted = 0
            for row in try session.rows("SELECT kind, id, deleted, fields::text AS fields FROM records WHERE unit = $1 ORDER BY kind, id COLLATE \"C\"",
                                        [.text(code)]) {
                guard let kind = RecordKind(rawValue: try row.text("kind")) else { continue }
                if try row.flag("deleted") { deleted += 1; continue }
                let object = try JSONSerialization.jsonObject(with: Data(try row.text("fields").utf8)) as? [String: Any] ?? [:]
                rows[kind, default: []].append([try row.text("id"), code] + kind.fields.map { object[$0.name] as? String ?? "" })
            }
            return (rows, deleted)
        }
    }

    /// Removes `code` with every record of it (kept elsewhere first: `recordRows`), its sites and
    /// what was refused of it. Refused for the store's own unit, a unit with units below it, and
    /// while a token of it is valid.
    public func removeUnit(code: String, withRecords: Bool) throws -> GovernmentUnit {
        try pool.transaction { session in
            let own = try session.row("SELECT unit FROM store_identity").text("unit")
            guard code != own else { throw PostgresStoreError.cannotChangeUnit(code: code, reason: "这是本数据库自己的单位, 不能删除") }
            guard let row = try session.rows("SELECT code, name, parent, is_township FROM units WHERE code = $1 FOR UPDATE", [.text(code)]).first else {
                throw PostgresStoreError.unknownUnit(code: code)
            }
            let below = try session.row("SELECT count(*) AS units FROM units WHERE parent = $1", [.text(code)]).integer("units")
            guard below == 0 else {
                throw PostgresStoreError.cannotChangeUnit(code: code, reason: "它下面还有 \(below) 个单位, 不能删除; 先用 gongkai admin move-unit 移走或删除它们")
            }
            let records = try session.row("SELECT count(*) AS records FROM records WHERE unit = $1", [.text(code)]).integer("records")
            guard records == 0 || withRecords else {
                throw PostgresStoreError.cannotChangeUnit(code: code, reason: "它有 \(records) 条记录 (含已删除的), 不能删除; "
                                                          + "确要删除请加 --records-to 目录, 先把记录存到那里")
            }
            let active = try session.row("SELECT count(*) AS tokens FROM device_tokens WHERE unit = $1 AND revoked_at IS NULL", [.text(code)]).integer("tokens")
            guard active == 0 else {
                throw PostgresStoreError.cannotChangeUnit(code: code, reason: "它还有 \(active) 个有效的设备令牌, 不能删除; 先用 gongkai admin list-tokens 查看, revoke-token --id 吊销")
            }
            for table in ["records", "unit_digests", "sites", "push_refusals", "device_tokens"] {
                try session.run("DELETE FROM \(table) WHERE unit = $1", [.text(code)])
            }
            try session.run("DELETE FROM units WHERE code = $1", [.text(code)])
            return try PostgresServerStore.unit(row)
        }
    }
}
