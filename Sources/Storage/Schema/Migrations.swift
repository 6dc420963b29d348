import RecordRules

/// Every schema change, in order. A migration that has landed is never edited: a change to the
/// schema is a new migration at the end. `MigrationLockTests` holds each landed one's checksum.
enum Migrations {
    static let all: [Migration] = [
        Migration(version: 1, name: "replica, units and the record tables", sql: version1),
        Migration(version: 2, name: "sync state, known sites, upstream flag", sql: version2),
        Migration(version: 3, name: "published annual reports", sql: version3),
        Migration(version: 4, name: "push origin, report index", sql: version4),
        Migration(version: 5, name: "report index dropped", sql: version5),
        Migration(version: 6, name: "sites bound to device tokens, history marks", sql: version6),
        Migration(version: 7, name: "records a server refused, by site", sql: version7),
        Migration(version: 8, name: "every published version of a report", sql: version8),
        Migration(version: 9, name: "the remembered server's certificate authority", sql: version9),
        Migration(version: 10, name: "each unit's change feed indexed", sql: version10),
        Migration(version: 11, name: "relay tokens", sql: version11),
        Migration(version: 12, name: "syncs by bundle", sql: version12),
        Migration(version: 13, name: "bundle keys sealed with the server's secret", sql: version13),
        Migration(version: 14, name: "what each token and unit pushed each day, and their limits", sql: version14),
        Migration(version: 15, name: "pushed versions held until their other devices show their part", sql: version15),
    ]

    /// See `ReplicaSchema.oldestSameRecords`.
    static let oldestSameRecords = ReplicaSchema.oldestSameRecords

    static var latestVersion: Int { all.last!.version }

    // Each record table: `seq` is the rowid and the local change sequence, so "changes since
    // cursor" is a range scan of the table itself; `id` is the stable record id; `vv`, `clock`
    // and `siblings` are the version metadata (see VersionColumns); `conflicts` counts fields
    // with concurrent differing values, indexed only where non-zero.
    private static let version1 = """
    CREATE TABLE replica (
        singleton INTEGER PRIMARY KEY CHECK (singleton = 1),
        site TEXT NOT NULL,
        unit TEXT NOT NULL,
        device_name TEXT NOT NULL,
        counter INTEGER NOT NULL DEFAULT 0,
        seq INTEGER NOT NULL DEFAULT 0,
        created_at INTEGER NOT NULL
    );
    CREATE TABLE units (
        code TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        parent TEXT,
        is_township INTEGER NOT NULL DEFAULT 0
    ) WITHOUT ROWID;

    CREATE TABLE notices (
        seq INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, unit TEXT NOT NULL REFERENCES units(code),
        title TEXT, category TEXT, channel TEXT, published_on TEXT, body TEXT,
        deleted INTEGER NOT NULL DEFAULT 0, conflicts INTEGER NOT NULL DEFAULT 0,
        vv TEXT NOT NULL, clock TEXT NOT NULL, siblings TEXT
    );
    CREATE TABLE documents (
        seq INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, unit TEXT NOT NULL REFERENCES units(code),
        kind TEXT, title TEXT, doc_no TEXT, made_on TEXT, published_on TEXT, repealed_on TEXT,
        deleted INTEGER NOT NULL DEFAULT 0, conflicts INTEGER NOT NULL DEFAULT 0,
        vv TEXT NOT NULL, clock TEXT NOT NULL, siblings TEXT
    );
    CREATE TABLE matters (
        seq INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, unit TEXT NOT NULL REFERENCES units(code),
        kind TEXT, name TEXT, established_on TEXT, abolished_on TEXT,
        deleted INTEGER NOT NULL DEFAULT 0, conflicts INTEGER NOT NULL DEFAULT 0,
        vv TEXT NOT NULL, clock TEXT NOT NULL, siblings TEXT
    );
    CREATE TABLE decisions (
        seq INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, unit TEXT NOT NULL REFERENCES units(code),
        kind TEXT, decided_on TEXT, "count" INTEGER,
        deleted INTEGER NOT NULL DEFAULT 0, conflicts INTEGER NOT NULL DEFAULT 0,
        vv TEXT NOT NULL, clock TEXT NOT NULL, siblings TEXT
    );
    CREATE TABLE fees (
        seq INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, unit TEXT NOT NULL REFERENCES units(code),
        collected_on TEXT, amount_yuan INTEGER,
        deleted INTEGER NOT NULL DEFAULT 0, conflicts INTEGER NOT NULL DEFAULT 0,
        vv TEXT NOT NULL, clock TEXT NOT NULL, siblings TEXT
    );
    CREATE TABLE procurement (
        seq INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, unit TEXT NOT NULL REFERENCES units(code),
        title TEXT, contracted_on TEXT, amount_yuan INTEGER,
        deleted INTEGER NOT NULL DEFAULT 0, conflicts INTEGER NOT NULL DEFAULT 0,
        vv TEXT NOT NULL, clock TEXT NOT NULL, siblings TEXT
    );
    CREATE TABLE requests (
        seq INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, unit TEXT NOT NULL REFERENCES units(code),
        received_on TEXT, channel TEXT, applicant_type TEXT, applicant_name TEXT, content TEXT,
        concluded_on TEXT, outcome TEXT, fee_yuan INTEGER,
        deleted INTEGER NOT NULL DEFAULT 0, conflicts INTEGER NOT NULL DEFAULT 0,
        vv TEXT NOT NULL, clock TEXT NOT NULL, siblings TEXT
    );
    CREATE TABLE cases (
        seq INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, unit TEXT NOT NULL REFERENCES units(code),
        "group" TEXT, filed_on TEXT, result TEXT, concluded_on TEXT,
        deleted INTEGER NOT NULL DEFAULT 0, conflicts INTEGER NOT NULL DEFAULT 0,
        vv TEXT NOT NULL, clock TEXT NOT NULL, siblings TEXT
    );
    CREATE TABLE narrative (
        seq INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, unit TEXT NOT NULL REFERENCES units(code),
        year INTEGER, section TEXT, text TEXT,
        deleted INTEGER NOT NULL DEFAULT 0, conflicts INTEGER NOT NULL DEFAULT 0,
        vv TEXT NOT NULL, clock TEXT NOT NULL, siblings TEXT
    );

    CREATE INDEX notices_conflicts ON notices(conflicts) WHERE conflicts > 0;
    CREATE INDEX documents_conflicts ON documents(conflicts) WHERE conflicts > 0;
    CREATE INDEX matters_conflicts ON matters(conflicts) WHERE conflicts > 0;
    CREATE INDEX decisions_conflicts ON decisions(conflicts) WHERE conflicts > 0;
    CREATE INDEX fees_conflicts ON fees(conflicts) WHERE conflicts > 0;
    CREATE INDEX procurement_conflicts ON procurement(conflicts) WHERE conflicts > 0;
    CREATE INDEX requests_conflicts ON requests(conflicts) WHERE conflicts > 0;
    CREATE INDEX cases_conflicts ON cases(conflicts) WHERE conflicts > 0;
    CREATE INDEX narrative_conflicts ON narrative(conflicts) WHERE conflicts > 0;
    """
}

extension Migrations {
    // Sync.
    // - `from_upstream` marks a row whose version is exactly what the server sent, so it is not
    //   pushed back; any local write clears it. `digest` is the row's hash (see RecordDigest),
    //   and `unit_digests` keeps, per unit, the XOR of its rows' hashes: the digest two replicas
    //   compare after a sync, kept up to date as rows change.
    // - `sync_state`: this replica's epoch (prefix of the marks it issues), the push cursor, the
    //   pull cursor into the server and its mark, the remembered server and device token, and
    //   the last successful sync.
    // - `cursor_marks`: every cursor mark this replica issued to a puller (a cursor with an
    //   unknown mark comes from a history this replica no longer has).
    // - `sites`: every replica whose writes this one holds, the highest dot counter each has
    //   declared (a lower one later means a copied or restored replica), and on a server when
    //   each last finished a sync.
    // - `rejections`: records the server refused, and why, until it takes them.
    // - `device_tokens`: on a server, the hashes of the tokens it issued, each bound to a unit.
    static let version2 = """
    ALTER TABLE notices ADD COLUMN from_upstream INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE notices ADD COLUMN digest TEXT;
    ALTER TABLE documents ADD COLUMN from_upstream INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE documents ADD COLUMN digest TEXT;
    ALTER TABLE matters ADD COLUMN from_upstream INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE matters ADD COLUMN digest TEXT;
    ALTER TABLE decisions ADD COLUMN from_upstream INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE decisions ADD COLUMN digest TEXT;
    ALTER TABLE fees ADD COLUMN from_upstream INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE fees ADD COLUMN digest TEXT;
    ALTER TABLE procurement ADD COLUMN from_upstream INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE procurement ADD COLUMN digest TEXT;
    ALTER TABLE requests ADD COLUMN from_upstream INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE requests ADD COLUMN digest TEXT;
    ALTER TABLE cases ADD COLUMN from_upstream INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE cases ADD COLUMN digest TEXT;
    ALTER TABLE narrative ADD COLUMN from_upstream INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE narrative ADD COLUMN digest TEXT;
    CREATE TABLE unit_digests (
        unit TEXT PRIMARY KEY,
        digest TEXT NOT NULL,
        records INTEGER NOT NULL
    ) WITHOUT ROWID;
    CREATE TABLE sync_state (
        singleton INTEGER PRIMARY KEY CHECK (singleton = 1),
        epoch TEXT NOT NULL,
        push_seq INTEGER NOT NULL DEFAULT 0,
        pull_mark TEXT,
        pull_seq INTEGER NOT NULL DEFAULT 0,
        server_url TEXT,
        token TEXT,
        last_sync INTEGER,
        last_converged INTEGER
    );
    INSERT INTO sync_state (singleton, epoch) VALUES (1, lower(hex(randomblob(8))));
    CREATE TABLE cursor_marks (
        mark TEXT PRIMARY KEY,
        seq INTEGER NOT NULL,
        issued_at INTEGER NOT NULL
    ) WITHOUT ROWID;
    CREATE TABLE sites (
        site TEXT PRIMARY KEY,
        device_name TEXT NOT NULL,
        unit TEXT NOT NULL,
        counter INTEGER NOT NULL DEFAULT 0,
        seen_at INTEGER NOT NULL,
        synced_at INTEGER
    ) WITHOUT ROWID;
    INSERT INTO sites (site, device_name, unit, counter, seen_at) SELECT site, device_name, unit, 0, created_at FROM replica;
    CREATE TABLE rejections (
        kind TEXT NOT NULL,
        id TEXT NOT NULL,
        reason TEXT NOT NULL,
        refused_at INTEGER NOT NULL,
        PRIMARY KEY (kind, id)
    ) WITHOUT ROWID;
    CREATE TABLE device_tokens (
        hash TEXT PRIMARY KEY,
        unit TEXT NOT NULL REFERENCES units(code),
        issued_at INTEGER NOT NULL,
        revoked_at INTEGER
    ) WITHOUT ROWID;
    """
}

extension Migrations {
    // Annual reports as published: frozen JSON of the report (tables and sections), one per year.
    static let version3 = """
    CREATE TABLE published_reports (
        year INTEGER PRIMARY KEY,
        format_version TEXT NOT NULL,
        published_at INTEGER NOT NULL,
        report TEXT NOT NULL
    );
    """
}

extension Migrations {
    // - On a server, `origin` is the site whose push this row's version is exactly; that site
    //   already has it, so a pull by it skips the row (no echo of what a laptop just sent).
    // - `requests_report` covers table 3's pass and the per-unit counts in their GROUP BY order,
    //   so the report reads a narrow index instead of the wide table and needs no sort.
    static let version4 = """
    ALTER TABLE notices ADD COLUMN origin TEXT;
    ALTER TABLE documents ADD COLUMN origin TEXT;
    ALTER TABLE matters ADD COLUMN origin TEXT;
    ALTER TABLE decisions ADD COLUMN origin TEXT;
    ALTER TABLE fees ADD COLUMN origin TEXT;
    ALTER TABLE procurement ADD COLUMN origin TEXT;
    ALTER TABLE requests ADD COLUMN origin TEXT;
    ALTER TABLE cases ADD COLUMN origin TEXT;
    ALTER TABLE narrative ADD COLUMN origin TEXT;
    CREATE INDEX requests_report ON requests (unit, applicant_type, outcome, received_on, concluded_on, fee_yuan, deleted) WHERE deleted = 0;
    """
}

extension Migrations {
    // `requests_report` made the report 2.3× faster but halved the rate a server applies pushes:
    // its entries land all over the index, so each 500-record batch rewrote ~1.6 MB of pages.
    // The report now filters the rows it needs before grouping instead (docs/PERFORMANCE.md).
    static let version5 = """
    DROP INDEX requests_report;
    """
}

struct Migration: Sendable {
    let version: Int
    let name: String
    let sql: String
}

extension Migrations {
    // Trust (a village device can write only its own changes):
    // - `sites.owner`: on a server, the hash of the device token that first used the site; no
    //   other token may name it. `sites.counter` is from now on the highest change of that site
    //   the server holds, never a number a device merely declared.
    // - Device names stored before the limit are cut to 64 characters and their line breaks
    //   and tabs made spaces (they are shown in conflicts and logged).
    // - `history_marks`: each write transaction that moves the change sequence records the range
    //   of sequence numbers it took under a random mark. A cursor names the mark of the range its
    //   position falls in, so issuing one is a read; a server restored from a backup no longer
    //   knows the marks of what it lost. `cursor_marks` still answers for cursors issued before.
    static let version6 = """
    ALTER TABLE sites ADD COLUMN owner TEXT;
    UPDATE sites SET device_name = substr(replace(replace(replace(device_name, char(10), ' '), char(13), ' '), char(9), ' '), 1, 64);
    CREATE TABLE history_marks (
        mark TEXT PRIMARY KEY,
        first_seq INTEGER NOT NULL,
        last_seq INTEGER NOT NULL
    ) WITHOUT ROWID;
    CREATE INDEX history_marks_last ON history_marks(last_seq);
    INSERT INTO history_marks (mark, first_seq, last_seq) SELECT lower(hex(randomblob(8))), 0, seq FROM replica;
    """
}

extension Migrations {
    // What a server refused from each site's pushes, so that `report check` can name the village
    // whose records are missing from the report. A row goes when that site's record is accepted,
    // or when a sync of that site finishes without sending it again (a laptop re-sends every
    // refused record each sync until it is renamed or fixed): `sync_number` is the site's
    // `finished_syncs` when the refusal was last seen.
    static let version7 = """
    ALTER TABLE sites ADD COLUMN finished_syncs INTEGER NOT NULL DEFAULT 0;
    CREATE TABLE push_refusals (
        site TEXT NOT NULL,
        kind TEXT NOT NULL,
        id TEXT NOT NULL,
        unit TEXT NOT NULL,
        reason TEXT NOT NULL,
        refused_at INTEGER NOT NULL,
        sync_number INTEGER NOT NULL,
        PRIMARY KEY (site, kind, id)
    ) WITHOUT ROWID;
    """
}

extension Migrations {
    // A published report is frozen: a second publish of a year supersedes the first with a
    // reason, and every version is kept. `published_reports` stays the year's current version
    // (what checks compare with); `model` is the report as built, from which any format is
    // rendered again exactly (NULL for versions published before it was kept: JSON only).
    static let version8 = """
    CREATE TABLE published_report_versions (
        year INTEGER NOT NULL,
        version INTEGER NOT NULL,
        format_version TEXT NOT NULL,
        published_at INTEGER NOT NULL,
        reason TEXT,
        report TEXT NOT NULL,
        model TEXT,
        PRIMARY KEY (year, version)
    ) WITHOUT ROWID;
    INSERT INTO published_report_versions (year, version, format_version, published_at, reason, report, model)
        SELECT year, 1, format_version, published_at, NULL, report, NULL FROM published_reports;
    """
}

extension Migrations {
    // `gongkai sync --cacert FILE` is remembered with the server and token, so that a plain
    // `gongkai sync` to a township's own HTTPS certificate works the next time too.
    static let version9 = """
    ALTER TABLE sync_state ADD COLUMN cacert TEXT;
    """
}

extension Migrations {
    // A device of a village reads one unit's changes after its cursor: `(unit, seq)` makes that
    // a range scan of the unit's own rows, so a pull costs the rows in the puller's scope, not
    // every other village's rows after its cursor.
    static let version10 = """
    CREATE INDEX notices_feed ON notices(unit, seq);
    CREATE INDEX documents_feed ON documents(unit, seq);
    CREATE INDEX matters_feed ON matters(unit, seq);
    CREATE INDEX decisions_feed ON decisions(unit, seq);
    CREATE INDEX fees_feed ON fees(unit, seq);
    CREATE INDEX procurement_feed ON procurement(unit, seq);
    CREATE INDEX requests_feed ON requests(unit, seq);
    CREATE INDEX cases_feed ON cases(unit, seq);
    CREATE INDEX narrative_feed ON narrative(unit, seq);
    """
}

extension Migrations {
    // A relay token is issued to a server below this one (a township's, syncing to its county):
    // it speaks for the sites of its unit's subtree, not only for sites of its own.
    static let version11 = """
    ALTER TABLE device_tokens ADD COLUMN relay INTEGER NOT NULL DEFAULT 0;
    """
}

extension Migrations {
    // Sync by a file on a stick: on a server, when each site's last bundle was taken; on the
    // syncing side, when the last reply was taken and whether it left both sides agreeing.
    static let version12 = """
    ALTER TABLE sites ADD COLUMN bundled_at INTEGER;
    ALTER TABLE sync_state ADD COLUMN last_bundle INTEGER;
    ALTER TABLE sync_state ADD COLUMN last_bundle_converged INTEGER;
    """
}

extension Migrations {
    // A bundle file is signed with a key derived from the device's token (format 2); the server
    // keeps that key sealed with a secret of its own, apart from this file (`BundleKey`). NULL for
    // a token issued before: its files are checked on the token's hash, as format 1 was.
    static let version13 = """
    ALTER TABLE device_tokens ADD COLUMN bundle_key TEXT;
    """
}

extension Migrations {
    // How much each device token and each unit pushed on each day (China's), and the limits an
    // administrator set for some (`PushQuota`; the rest have the defaults). `holder` is
    // `token:HASH` or `unit:CODE`.
    static let version14 = """
    CREATE TABLE push_usage (day TEXT NOT NULL, holder TEXT NOT NULL, records INTEGER NOT NULL, bytes INTEGER NOT NULL,
                             PRIMARY KEY (day, holder)) WITHOUT ROWID;
    CREATE TABLE push_quotas (holder TEXT PRIMARY KEY, records_per_day INTEGER NOT NULL, bytes_per_day INTEGER NOT NULL);
    """
}

extension Migrations {
    // Pushed versions a server holds back because they carry other devices' changes it does not
    // have (after a restore from a backup), until those devices show them (`Vouching`): one per
    // record and pushing site. `sites` are the sites the pusher speaks for; `version` the
    // compact form as JSON (`HeldVersionText`).
    static let version15 = """
    CREATE TABLE held_versions (
        kind TEXT NOT NULL,
        id TEXT NOT NULL,
        pusher TEXT NOT NULL,
        unit TEXT NOT NULL,
        sites TEXT NOT NULL,
        version TEXT NOT NULL,
        held_at INTEGER NOT NULL,
        PRIMARY KEY (kind, id, pusher)
    ) WITHOUT ROWID;
    """
}
