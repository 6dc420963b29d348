import Foundation
import SyncCore

/// How a record's version is laid out in its row.
///
/// - the standing value of each field in the field's own column (so reports are plain SQL);
/// - `deleted`: the standing value of the deleted-field;
/// - `vv`: the version vector, `site:counter,…`;
/// - `clock`: the dot and time of each field's standing value, grouped by dot:
///   `site:counter:time=field,field;site:counter:time=field` (one group when the record was
///   written at once, which is the common case);
/// - `siblings`: NULL, or JSON of the entries that did not win (concurrent writes), values included;
/// - `conflicts`: how many fields hold concurrent differing values.
struct VersionColumns: Equatable {
    var vv: String
    var clock: String
    var siblings: String?
    var conflicts: Int
    var deleted: Bool

    struct Sibling: Codable, Equatable {
        let f: String
        let s: String
        let c: UInt64
        let t: Int64
        let v: String?
    }

    init(_ version: RecordVersion) {
        vv = version.clock.encoded
        var groups: [Dot: (time: Int64, fields: [String])] = [:]
        var losers: [Sibling] = []
        for (field, register) in version.fields {
            let winner = register.standing(in: field)
            groups[winner.dot, default: (winner.writtenAt, [])].fields.append(field)
            for entry in register.losers(in: field) {
                losers.append(Sibling(f: field, s: entry.dot.site.rawValue, c: entry.dot.counter, t: entry.writtenAt, v: entry.value))
            }
        }
        clock = groups.sorted { $0.key < $1.key }.map { dot, group in
            "\(dot.site.rawValue):\(dot.counter):\(group.time)=" + group.fields.sorted().joined(separator: ",")
        }.joined(separator: ";")
        if losers.isEmpty {
            siblings = nil
        } else {
            losers.sort { ($0.f, $0.c, $0.s) < ($1.f, $1.c, $1.s) }
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            siblings = String(decoding: try! encoder.encode(losers), as: UTF8.self)
        }
        conflicts = version.conflictedFields.count
        deleted = version.isDeleted
    }

    init(vv: String, clock: String, siblings: String?, conflicts: Int, deleted: Bool) {
        self.vv = vv
        self.clock = clock
        self.siblings = siblings
        self.conflicts = conflicts
        self.deleted = deleted
    }

    /// Rebuilds the version from these columns and the standing field values.
    func version(values: [String: String]) -> RecordVersion? {
        guard let vector = VersionVector(encoded: vv) else { return nil }
        var entries: [String: [FieldEntry]] = [:]
        if !clock.isEmpty {
            for group in clock.split(separator: ";") {
                guard let equals = group.firstIndex(of: "=") else { return nil }
                let head = group[..<equals].split(separator: ":")
                guard head.count == 3, let site = SiteID(String(head[0])), let counter = UInt64(head[1]),
                      let time = Int64(head[2]) else { return nil }
                let dot = Dot(site: site, counter: counter)
                for field in group[group.index(after: equals)...].split(separator: ",") {
                    let name = String(field)
                    let value = name == deletedField ? (deleted ? "1" : "0") : values[name]
                    entries[name, default: []].append(FieldEntry(dot: dot, value: value, writtenAt: time))
                }
            }
        }
        if let siblings {
            guard let decoded = try? JSONDecoder().decode([Sibling].self, from: Data(siblings.utf8)) else { return nil }
            for sibling in decoded {
                guard let site = SiteID(sibling.s) else { return nil }
                entries[sibling.f, default: []].append(FieldEntry(dot: Dot(site: site, counter: sibling.c), value: sibling.v, writtenAt: sibling.t))
            }
        }
        return RecordVersion(clock: vector, fields: entries.mapValues(FieldRegister.init))
    }
}
