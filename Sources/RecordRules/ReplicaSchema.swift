/// The schema versions the sync protocol speaks of (a replica file's, on SQLite), which every
/// serving store answers with whatever it runs on: a laptop declares its replica's, and a server
/// takes records of `oldestSameRecords...latest` as they are. `SchemaTests` holds `latest` to
/// the SQLite replica's last migration.
public enum ReplicaSchema {
    /// The SQLite replica's newest schema.
    public static let latest = 15
    /// The oldest schema whose records a replica of this schema takes as they are: every schema
    /// since 5 has the same record kinds and fields (6 to 15 added only tables, columns and
    /// indexes of their own), so a server keeps serving laptops of the previous release.
    public static let oldestSameRecords = 5

    /// The versions a server of schema `own` accepts from peers.
    public static func accepted(own: Int) -> ClosedRange<Int> { min(oldestSameRecords, own)...own }
}
