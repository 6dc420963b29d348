/// Two copies of one site's history that disagree: a replica file copied to a second laptop
/// (or restored from a backup) that went on writing under the same site id.
public struct DivergentHistory: Error, Sendable, Equatable, CustomStringConvertible {
    public let site: SiteID
    public let field: String
    public let detail: String

    public init(site: SiteID, field: String, detail: String) {
        self.site = site
        self.field = field
        self.detail = detail
    }

    public var description: String {
        "站点 \(site) 的修改历史出现分叉 (字段 \(field): \(detail)): 这份副本很可能是复制或从备份恢复的。"
            + "为避免覆盖他人的修改, 本次合并已拒绝; 请在这份副本上运行 gongkai reset-site 换一个新的站点 id 后再同步"
    }
}

extension RecordVersion {
    /// Merges two versions of one record.
    ///
    /// Each field is a multi-value register with the record's version vector as its causal
    /// context: an entry survives when both sides hold it, or when the other side has not seen
    /// it; an entry one side has seen and no longer holds was overwritten there. So a version
    /// that dominates wins, concurrent writes to different fields both survive, and concurrent
    /// writes to one field are all kept (a conflict, with a deterministic standing value) until a
    /// write that has seen them settles it. The result is commutative, associative and
    /// idempotent. Histories that cannot come from honest replicas (one change with two
    /// contents, or a site's older write kept beside its newer one) throw instead of merging.
    public static func merge(_ left: RecordVersion, _ right: RecordVersion) throws(DivergentHistory) -> RecordVersion {
        var fields: [String: FieldRegister] = [:]
        for name in Set(left.fields.keys).union(right.fields.keys) {
            let ours = left.fields[name] ?? FieldRegister([])
            let theirs = right.fields[name] ?? FieldRegister([])
            fields[name] = try mergeRegister(name, ours, left.clock, theirs, right.clock)
        }
        return RecordVersion(clock: left.clock.merged(with: right.clock), fields: fields)
    }

    /// Every field whose histories cannot be merged, in field order (for deciding, when a merge
    /// failed, whose history forked: the first failure the merge met depends on its order).
    public static func divergences(_ left: RecordVersion, _ right: RecordVersion) -> [DivergentHistory] {
        Set(left.fields.keys).union(right.fields.keys).sorted().compactMap { name -> DivergentHistory? in
            do throws(DivergentHistory) {
                _ = try mergeRegister(name, left.fields[name] ?? FieldRegister([]), left.clock, right.fields[name] ?? FieldRegister([]), right.clock)
                return nil
            } catch {
                return error
            }
        }
    }

    private static func mergeRegister(_ field: String, _ ours: FieldRegister, _ ourClock: VersionVector,
                                      _ theirs: FieldRegister, _ theirClock: VersionVector) throws(DivergentHistory) -> FieldRegister {
        // Both sides hold the same entries: each is kept, none dropped.
        if ours == theirs, !ours.isEmpty { return ours }
        var kept: [FieldEntry] = []
        var dropped: [FieldEntry] = []
        for entry in ours {
            if let same = theirs.first(where: { $0.dot == entry.dot }) {
                guard same == entry else {
                    throw DivergentHistory(site: entry.dot.site, field: field,
                                           detail: "同一次修改 \(entry.dot) 有两个不同的内容")
                }
                kept.append(entry)
            } else if theirClock.includes(entry.dot) {
                dropped.append(entry)
            } else {
                kept.append(entry)
            }
        }
        for entry in theirs where !ours.contains(where: { $0.dot == entry.dot }) {
            if ourClock.includes(entry.dot) { dropped.append(entry) } else { kept.append(entry) }
        }
        guard !kept.isEmpty else {
            let site = dropped.first?.dot.site ?? SiteID("0000000000000000")!
            throw DivergentHistory(site: site, field: field, detail: "两边都声称已覆盖对方的值")
        }
        // A site writes a field one change after another: whoever has seen its newer write cannot
        // still hold its older one.
        for gone in dropped {
            if let stale = kept.first(where: { $0.dot.site == gone.dot.site && $0.dot.counter < gone.dot.counter }) {
                throw DivergentHistory(site: gone.dot.site, field: field,
                                       detail: "较早的修改 \(stale.dot) 与较新的修改 \(gone.dot) 不可能同时成立")
            }
        }
        return FieldRegister(kept)
    }
}
