import RecordRules
import SyncCore

/// Hands out this site's dots and the replica's change sequence numbers within one write
/// transaction, and stores the last of each when the transaction commits.
final class WriteSession {
    private(set) var site: SiteID
    let unit: String
    let isTownship: Bool
    let now: Int64
    private let connection: Connection
    private(set) var counter: UInt64
    private(set) var seq: Int64
    /// The change sequence before this transaction: its own numbers follow it.
    private let startSeq: Int64
    private var units: UnitTree?
    /// Per unit: the XOR of the digests of rows removed and added, and the change in row count.
    private var digestChanges: [String: (delta: Digest256, records: Int)] = [:]

    init(connection: Connection, now: Int64) throws {
        self.connection = connection
        self.now = now
        let rows = try connection.rows("""
        SELECT r.site, r.unit, r.counter, r.seq, u.is_township FROM replica r JOIN units u ON u.code = r.unit
        """)
        guard let row = rows.first, let site = SiteID(try row.text("site")) else {
            throw ReplicaError.corrupt(path: connection.path, detail: "副本身份信息无法读取")
        }
        self.site = site
        unit = try row.text("unit")
        counter = UInt64(try row.integer("counter"))
        seq = try row.integer("seq")
        startSeq = seq
        isTownship = try row.flag("is_township")
    }

    /// Writes from now on are this site's, counting from 1 (`reset-site`).
    func adopt(_ newSite: SiteID) {
        site = newSite
        counter = 0
    }

    /// A new dot for one local change of one record.
    func nextDot() -> Dot {
        counter += 1
        return Dot(site: site, counter: counter)
    }

    /// Raises this site's counter to the highest counter a received version carries, so that
    /// a later local write gets a higher dot than anything it has seen (a Lamport clock).
    func observe(_ clock: VersionVector) {
        if let highest = clock.counters.values.max(), highest > counter { counter = highest }
    }

    func nextSeq() -> Int64 {
        seq += 1
        return seq
    }

    /// Whether this replica may hold records of `code`: its own unit and the units registered
    /// below it (a village replica holds none).
    func inScope(_ code: String) throws -> Bool {
        if code == unit { return true }
        guard isTownship else { return false }
        if units == nil { units = try UnitStore.tree(connection) }
        // The one scope rule, over the units this replica holds (a unit it does not hold is
        // nobody's here).
        return units!.codes.contains(code) && SyncScope.of(unit: unit, in: units!).mayWrite(code)
    }

    /// A row of `unit` changed its digest from `old` (nil for a new row) to `new`.
    func digestChanged(unit: String, from old: Digest256?, to new: Digest256) {
        var change = digestChanges[unit] ?? (.zero, 0)
        change.delta = change.delta ^ new ^ (old ?? .zero)
        if old == nil { change.records += 1 }
        digestChanges[unit] = change
    }

    /// A row of `unit` with digest `old` was removed from the file.
    func digestRemoved(unit: String, old: Digest256) {
        var change = digestChanges[unit] ?? (.zero, 0)
        change.delta = change.delta ^ old
        change.records -= 1
        digestChanges[unit] = change
    }

    func finish() throws {
        // Counters a peer can send stop at 2^53 (SyncLimits); only a file poisoned by an older
        // release can be here, and its writes must stop with a way out rather than overflow.
        guard let storedCounter = Int64(exactly: counter) else { throw ReplicaError.counterExhausted(path: connection.path) }
        try connection.run("UPDATE replica SET counter = ?, seq = ?", [.integer(storedCounter), .integer(seq)])
        if seq > startSeq {
            try connection.run("INSERT INTO history_marks (mark, first_seq, last_seq) VALUES (lower(hex(randomblob(8))), ?, ?)",
                               [.integer(startSeq + 1), .integer(seq)])
        }
        for (unit, change) in digestChanges {
            var (digest, records) = (Digest256.zero, Int64(0))
            if let current = try connection.rows("SELECT digest, records FROM unit_digests WHERE unit = ?", [.text(unit)]).first {
                guard let stored = Digest256(hex: try current.text("digest")) else {
                    throw ReplicaError.corrupt(path: connection.path, detail: "单位 \(unit) 的摘要无法读取")
                }
                (digest, records) = (stored, try current.integer("records"))
            }
            digest = digest ^ change.delta
            records += Int64(change.records)
            try connection.run("INSERT OR REPLACE INTO unit_digests (unit, digest, records) VALUES (?, ?, ?)",
                               [.text(unit), .text(digest.hex), .integer(records)])
        }
    }
}
