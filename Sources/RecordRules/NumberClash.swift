import Records
import SyncCore

/// Two records that were given one number: two laptops of a village each typed `2021-007` for a
/// different request. Their histories never met (no site wrote both), and they differ in most
/// of what identifies a record of their kind (`RecordKind.identityFields`): so they are two
/// records, not one edited twice. (Two laptops importing one shared ledger make the same record
/// twice: same identity, merged as one.)
///
/// Every replica keeps both the same way, whichever it met first: the version whose history
/// holds the lowest site stays under the number, the other moves to the number with its lowest
/// site appended (`2021-007~0000b2c3`), where `gongkai request rename` gives it a number of its
/// own everywhere.
public enum NumberClash {
    public static let separator: Character = "~"

    /// Where two versions that clash on `id` go: which one keeps the id (`remoteStays`), and the
    /// id the other moves to. Nil when they are one record.
    public static func resolve(kind: RecordKind, id: String, stored: RecordVersion, remote: RecordVersion) -> (remoteStays: Bool, movedID: String)? {
        let storedSites = Set(stored.clock.counters.keys)
        let remoteSites = Set(remote.clock.counters.keys)
        guard !storedSites.isEmpty, !remoteSites.isEmpty, storedSites.isDisjoint(with: remoteSites) else { return nil }
        let fields = kind.identityFields
        guard !fields.isEmpty else { return nil }
        let differing = fields.filter { stored.value($0) != remote.value($0) }.count
        guard differing >= min(2, fields.count) else { return nil }
        let lowest = { (sites: Set<SiteID>) in sites.map(\.rawValue).min()! }
        let remoteStays = lowest(remoteSites) < lowest(storedSites)
        let moved = remoteStays ? lowest(storedSites) : lowest(remoteSites)
        return (remoteStays, movedID(id, site: moved))
    }

    /// `id~SITE`, kept within `RecordID.maximumLength`.
    public static func movedID(_ id: String, site: String) -> String {
        let suffix = "\(separator)\(site.suffix(8))"
        return String(id.prefix(RecordID.maximumLength - suffix.count)) + suffix
    }

    /// Whether `id` is one a clash moved a record to (`2021-007~0000b2c3`), and the id it clashed on.
    public static func clashedID(of id: String) -> String? {
        guard let mark = id.lastIndex(of: separator), id.distance(from: mark, to: id.endIndex) == 9,
              id[id.index(after: mark)...].utf8.allSatisfy({ (48...57).contains($0) || (97...102).contains($0) }) else { return nil }
        return String(id[..<mark])
    }

    /// What `report check` says of a record of the year that has open conflicts or was moved
    /// aside by a clash (nil: neither, an id with a `~` of the user's own).
    public static func problem(kind: RecordKind, id: String, conflicts: Int) -> String? {
        if let clashed = clashedID(of: id) {
            let typed = clashed.split(separator: ":", maxSplits: 1).last.map(String.init) ?? clashed
            return "与 \(typed) 是两条不同的\(kind.label), 却用了同一编号 (两台电脑各自编的号), 两条都已计入; "
                + "请给这一条换编号: gongkai \(kind.singular) rename \(id) 新编号" + (conflicts > 0 ? "; 另有 \(conflicts) 个字段存在未解决的冲突" : "")
        }
        return conflicts > 0 ? "有 \(conflicts) 个字段存在未解决的冲突" : nil
    }
}
