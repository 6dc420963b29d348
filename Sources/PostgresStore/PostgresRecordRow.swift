import Codecs
import Foundation
import RecordRules
import Records
import SyncCore

/// A record's row in `records`: its version laid out as the SQLite replica lays it out
/// (`VersionColumns`), its standing values as one JSON object of canonical text.
struct PostgresRecordRow {
    static let columns = "kind, id, unit, seq, xid::text AS xid, origin, digest, deleted, conflicts, vv, clock, siblings, fields::text AS fields"

    let kind: RecordKind
    let id: String
    let unit: String
    let seq: Int64
    let xid: UInt64
    let digest: Digest256
    let version: RecordVersion

    init(_ row: PostgresSession.Row) throws {
        let kindName = try row.text("kind")
        guard let kind = RecordKind(rawValue: kindName) else { throw PostgresStoreError.corrupt("未知的记录类别 \(kindName)") }
        (self.kind, id, unit, seq) = (kind, try row.text("id"), try row.text("unit"), try row.integer("seq"))
        guard let xid = UInt64(try row.text("xid")), let digest = Digest256(hex: try row.text("digest")) else {
            throw PostgresStoreError.corrupt("\(kindName) \(id) 的事务号或摘要无法读取")
        }
        (self.xid, self.digest) = (xid, digest)
        guard let values = try? JSONDecoder().decode([String: String].self, from: Data(try row.text("fields").utf8)) else {
            throw PostgresStoreError.corrupt("\(kindName) \(id) 的字段值不是文本的 JSON 对象")
        }
        let columns = VersionColumns(vv: try row.text("vv"), clock: try row.text("clock"), siblings: try row.optionalText("siblings"),
                                     conflicts: Int(try row.integer("conflicts")), deleted: try row.flag("deleted"))
        guard let version = columns.version(values: values) else { throw PostgresStoreError.corrupt("\(kindName) \(id) 的版本信息无法解析") }
        self.version = version
    }

    /// The standing values of a version's fields (the deleted-field is a column of its own), as
    /// the JSON object stored, written by the one JSON writer (jsonb keeps its own order).
    static func fields(of version: RecordVersion, kind: RecordKind) -> String {
        var json = JSONWriter(capacity: 256)
        json.raw("{")
        var first = true
        for field in kind.fields {
            guard let value = version.value(field.name) else { continue }
            if !first { json.raw(",") }
            first = false
            json.string(field.name)
            json.raw(":")
            json.string(value)
        }
        json.raw("}")
        return String(decoding: json.bytes, as: UTF8.self)
    }
}
