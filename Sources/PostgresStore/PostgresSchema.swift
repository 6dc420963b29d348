/// The PostgreSQL server store's schema, one migration at a time, in order. Like the SQLite
/// replica's, a migration that has landed is never edited (`PostgresSchemaTests` holds their
/// checksums); each runs in one transaction (PostgreSQL's DDL is transactional, so a database is
/// never left half-migrated) under an advisory lock, so that several `serve` processes starting
/// at once migrate it once.
enum PostgresSchema {
    struct Migration: Sendable {
        let version: Int
        let name: String
        let sql: String
    }

    static let all: [Migration] = [
        Migration(version: 1, name: "identity, units, records and their change feed, sites, tokens, refusals", sql: version1),
        Migration(version: 2, name: "every published version of each year's report", sql: version2),
        Migration(version: 3, name: "keys compared byte by byte", sql: version3),
        Migration(version: 4, name: "records' unit checked by the store, not by a foreign key", sql: version4),
        Migration(version: 5, name: "the change feed's horizon as a function planned once per connection", sql: version5),
        Migration(version: 6, name: "relay tokens", sql: version6),
        Migration(version: 7, name: "syncs by bundle", sql: version7),
        Migration(version: 8, name: "bundle keys sealed with the server's secret", sql: version8),
        Migration(version: 9, name: "what each token and unit pushed each day, and their limits", sql: version9),
        Migration(version: 10, name: "pushed versions held until their other devices show their part", sql: version10),
    ]

    static var latestVersion: Int { all.last!.version }

    /// The advisory lock migrations run under (any constant of our own).
    static let migrationLock: Int64 = 0x676f_6e67_6b61_6901

    // `records`: one row per record of any kind. `seq` comes from `record_seq` and `xid` is the
    // writing transaction (`pg_current_xact_id()`); the change feed is read in (xid, seq) order
    // and only below the oldest transaction still running (see docs/PROTOCOL.md, "The change
    // feed on PostgreSQL"), so a row committed late is never passed over. `fields` holds each
    // field's standing value as canonical text; `vv`, `clock`, `siblings`, `conflicts` and
    // `deleted` are the version's columns exactly as in the SQLite replica (`VersionColumns`).
    // `legacy_marks`: the history marks of a SQLite server moved here by `admin migrate`; a
    // cursor naming one points into the rows that move brought (`store_identity.migrated_xid`).
    private static let version1 = """
    CREATE TABLE store_identity (
        singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
        site text NOT NULL,
        unit text NOT NULL,
        device_name text NOT NULL,
        epoch text NOT NULL,
        counter bigint NOT NULL DEFAULT 0,
        created_at bigint NOT NULL,
        migrated_xid xid8
    );
    CREATE TABLE units (
        code text PRIMARY KEY,
        name text NOT NULL,
        parent text,
        is_township boolean NOT NULL DEFAULT false
    );
    CREATE SEQUENCE record_seq;
    CREATE TABLE records (
        kind text NOT NULL,
        id text NOT NULL,
        unit text NOT NULL REFERENCES units (code),
        seq bigint NOT NULL,
        xid xid8 NOT NULL DEFAULT pg_current_xact_id(),
        origin text,
        digest text NOT NULL,
        deleted boolean NOT NULL,
        conflicts integer NOT NULL,
        vv text NOT NULL,
        clock text NOT NULL,
        siblings text,
        fields jsonb NOT NULL,
        PRIMARY KEY (kind, id)
    );
    CREATE INDEX records_feed ON records (xid, seq);
    CREATE INDEX records_unit_feed ON records (unit, xid, seq);
    CREATE TABLE unit_digests (
        unit text PRIMARY KEY REFERENCES units (code),
        digest text NOT NULL
    );
    CREATE TABLE sites (
        site text PRIMARY KEY,
        device_name text NOT NULL,
        unit text NOT NULL,
        counter bigint NOT NULL DEFAULT 0,
        seen_at bigint NOT NULL,
        owner text,
        synced_at bigint,
        finished_syncs bigint NOT NULL DEFAULT 0
    );
    CREATE INDEX sites_owner ON sites (owner);
    CREATE TABLE device_tokens (
        hash text PRIMARY KEY,
        unit text NOT NULL REFERENCES units (code),
        issued_at bigint NOT NULL,
        revoked_at bigint
    );
    CREATE TABLE push_refusals (
        site text NOT NULL,
        kind text NOT NULL,
        id text NOT NULL,
        unit text NOT NULL,
        reason text NOT NULL,
        refused_at bigint NOT NULL,
        sync_number bigint NOT NULL,
        PRIMARY KEY (site, kind, id)
    );
    CREATE TABLE legacy_marks (
        mark text PRIMARY KEY,
        first_seq bigint NOT NULL,
        last_seq bigint NOT NULL
    );
    """

    // As the SQLite replica keeps them (its migration 8): the current version of a year is the
    // highest.
    private static let version2 = """
    CREATE TABLE published_report_versions (
        year integer NOT NULL,
        version integer NOT NULL,
        format_version text NOT NULL,
        published_at bigint NOT NULL,
        reason text,
        report text NOT NULL,
        model text,
        PRIMARY KEY (year, version)
    )
    """

    // Record kinds, ids, unit codes, site ids and token hashes are compared byte by byte, as
    // SQLite compares them: indexes need no locale's collation (a third of the B-tree work on a
    // push), and lists ordered by id come out in the same order as on SQLite.
    private static let version3 = """
    ALTER TABLE records ALTER COLUMN kind TYPE text COLLATE "C", ALTER COLUMN id TYPE text COLLATE "C",
        ALTER COLUMN unit TYPE text COLLATE "C", ALTER COLUMN origin TYPE text COLLATE "C";
    ALTER TABLE unit_digests ALTER COLUMN unit TYPE text COLLATE "C";
    ALTER TABLE sites ALTER COLUMN site TYPE text COLLATE "C", ALTER COLUMN unit TYPE text COLLATE "C", ALTER COLUMN owner TYPE text COLLATE "C";
    ALTER TABLE device_tokens ALTER COLUMN hash TYPE text COLLATE "C", ALTER COLUMN unit TYPE text COLLATE "C";
    ALTER TABLE push_refusals ALTER COLUMN site TYPE text COLLATE "C", ALTER COLUMN kind TYPE text COLLATE "C",
        ALTER COLUMN id TYPE text COLLATE "C", ALTER COLUMN unit TYPE text COLLATE "C"
    """

    // A push checks every record's unit against `units` once per batch (unknown units are
    // refused one by one with a reason); the foreign key checked it again for each row, a
    // lookup per record written.
    private static let version4 = """
    ALTER TABLE records DROP CONSTRAINT records_unit_fkey
    """

    // The horizon below which the change feed is read (docs/PROTOCOL.md): the oldest transaction
    // of this database still running in the caller's snapshot, or the first not yet begun. A
    // transaction positively seen working in another database of the cluster is left out (it
    // writes no row here and must not hold this feed back); one not positively placed (its
    // database unknown to this role) counts, to be safe. As one
    // query sent per pull it was planned every time, pg_stat_activity's view and all (0.56 ms,
    // more than the page itself); PL/pgSQL keeps the plan for the connection (0.11 ms). STABLE:
    // it reads the calling transaction's snapshot, as the query did.
    private static let version5 = """
    CREATE FUNCTION gongkai_feed_horizon() RETURNS xid8 LANGUAGE plpgsql STABLE AS $$
    BEGIN
        RETURN coalesce(
            (SELECT min(x) FROM unnest(array(SELECT pg_snapshot_xip(pg_current_snapshot()))) AS x
             WHERE NOT EXISTS (SELECT 1 FROM pg_stat_activity a
                               WHERE a.datname IS NOT NULL AND a.datname <> current_database() AND a.backend_xid IS NOT NULL
                                 AND a.backend_xid::text::bigint = (x::text::numeric % 4294967296)::bigint)),
            pg_snapshot_xmax(pg_current_snapshot()));
    END
    $$
    """

    // A relay token (a township's server syncing to this county's) speaks for the sites of its
    // unit's subtree, as on SQLite (migration 11 there).
    private static let version6 = """
    ALTER TABLE device_tokens ADD COLUMN relay boolean NOT NULL DEFAULT false
    """

    // When each site's last bundle (a file carried on a stick) was taken, as on SQLite (12).
    private static let version7 = """
    ALTER TABLE sites ADD COLUMN bundled_at bigint
    """

    // Each device's bundle key, sealed with the server's secret, as on SQLite (13 there).
    private static let version8 = """
    ALTER TABLE device_tokens ADD COLUMN bundle_key text
    """

    // What each token and unit pushed each day, and the limits set for some, as on SQLite (14).
    private static let version9 = """
    CREATE TABLE push_usage (day text COLLATE "C" NOT NULL, holder text COLLATE "C" NOT NULL, records bigint NOT NULL, bytes bigint NOT NULL,
                             PRIMARY KEY (day, holder));
    CREATE TABLE push_quotas (holder text COLLATE "C" PRIMARY KEY, records_per_day bigint NOT NULL, bytes_per_day bigint NOT NULL)
    """

    // Pushed versions held back until their other devices show their part, as on SQLite (15).
    private static let version10 = """
    CREATE TABLE held_versions (kind text COLLATE "C" NOT NULL, id text COLLATE "C" NOT NULL, pusher text COLLATE "C" NOT NULL,
                                unit text COLLATE "C" NOT NULL, sites text NOT NULL, version text NOT NULL, held_at bigint NOT NULL,
                                PRIMARY KEY (kind, id, pusher))
    """

    /// A migration's statements: split at each `;` outside a `$$` body (the extended protocol
    /// takes one statement per query; a function body holds its own semicolons).
    static func statements(of sql: String) -> [String] {
        var statements: [String] = []
        var current = ""
        var inBody = false
        var rest = Substring(sql)
        while let first = rest.first {
            if rest.hasPrefix("$$") {
                inBody.toggle()
                current += "$$"
                rest = rest.dropFirst(2)
                continue
            }
            if first == ";" && !inBody {
                statements.append(current)
                current = ""
            } else {
                current.append(first)
            }
            rest = rest.dropFirst()
        }
        statements.append(current)
        return statements.filter { !$0.allSatisfy(\.isWhitespace) }
    }

    /// Brings the database up to the latest schema; returns the version it is at.
    static func migrate(_ pool: PostgresPool) throws -> Int {
        try pool.transaction { session in
            try session.run("SELECT pg_advisory_xact_lock($1)", [.integer(migrationLock)])
            try session.run("CREATE TABLE IF NOT EXISTS schema_migrations (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())")
            let current = try session.row("SELECT coalesce(max(version), 0)::bigint AS version FROM schema_migrations").integer("version")
            if current > latestVersion {
                throw PostgresStoreError.newerSchema(location: pool.location.description, found: Int(current), supported: latestVersion)
            }
            for migration in all where migration.version > current {
                for statement in statements(of: migration.sql) {
                    try session.run(statement)
                }
                try session.run("INSERT INTO schema_migrations (version, name) VALUES ($1, $2)", [.integer(Int64(migration.version)), .text(migration.name)])
            }
            return latestVersion
        }
    }
}
