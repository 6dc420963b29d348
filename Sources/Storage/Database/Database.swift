import CSQLite
import Foundation
import Records
import Synchronization
import SyncCore

/// One replica file as a database: opening and checking it, migrating it, and running the
/// stores' work in transactions. The stores (`Replica`'s properties) are its only users.
///
/// It owns one writing SQLite connection behind a mutex (one writer; each store's write is one
/// transaction) and, for what a server answers many devices at once, a few reading connections
/// of their own: in WAL mode a reader sees the last committed state and never waits for the
/// writer. SQL lives only in this module.
public final class Database: Sendable {
    public let path: String
    private let connection: Mutex<Connection>
    /// Opened on first use. A reader takes the first free one, or waits for its own turn on one.
    private let readers: [ReaderSlot]

    /// How many reads may run at once beside the writer.
    public static let readerCount = 4

    /// One connection for everything (a full disk): reads take the writer's connection.
    private let single: Bool

    private init(path: String, connection: consuming sending Connection, single: Bool = false) {
        self.path = path
        self.connection = Mutex(connection)
        self.single = single
        readers = single ? [] : (0..<Database.readerCount).map { _ in ReaderSlot() }
    }

    /// Creates a new replica file for `unit`. Never overwrites: an existing file is refused.
    public static func create(at path: String, unit: GovernmentUnit, site: SiteID, deviceName: String, now: Int64) throws(ReplicaError) -> Database {
        if let problem = unit.problem { throw .invalidUnit(problem) }
        if FileManager.default.fileExists(atPath: path) { throw .alreadyExists(path: path) }
        PrivateFiles.makeFolder(of: path)
        PrivateFiles.createEmpty(path)
        do {
            let connection = try Connection(path: path, mode: .readWriteCreate)
            try connection.execute("PRAGMA journal_mode = WAL")
            try connection.execute("PRAGMA application_id = \(Migrator.applicationID)")
            try configure(connection)
            try Migrator.migrate(connection, now: now)
            try connection.transaction {
                try connection.run("INSERT INTO units (code, name, parent, is_township) VALUES (?, ?, ?, ?)",
                                   [.text(unit.code), .text(unit.name), unit.parent.sqlite, .integer(unit.isTownship ? 1 : 0)])
                try connection.run("INSERT INTO replica (singleton, site, unit, device_name, created_at) VALUES (1, ?, ?, ?, ?)",
                                   [.text(site.rawValue), .text(unit.code), .text(deviceName), .integer(now)])
                try connection.run("INSERT INTO sites (site, device_name, unit, counter, seen_at) VALUES (?, ?, ?, 0, ?)",
                                   [.text(site.rawValue), .text(deviceName), .text(unit.code), .integer(now)])
            }
            return Database(path: path, connection: connection)
        } catch {
            // A half-made file is not a replica: remove it so that init can be run again.
            for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
            throw Database.translate(error, path: path)
        }
    }

    /// Opens an existing replica. A missing file, a file that is not a gongkai replica, a corrupt
    /// one or one from a newer gongkai is refused before anything is written to it.
    /// Opens the file; on a full disk, for reading only (`openOnFullDisk`).
    public static func open(at path: String, now: Int64 = 0) throws(ReplicaError) -> Database {
        do {
            return try openForWriting(at: path, now: now)
        } catch .diskFull(let full) {
            guard let opened = try openOnFullDisk(at: path, now: now) else { throw .diskFull(path: full) }
            return opened
        }
    }

    /// A replica on a disk with no room left, opened so that it can still be read: one
    /// connection in exclusive locking mode, whose WAL index lives in memory instead of the
    /// `-shm` file SQLite could not make. Writes fail with `diskFull`, changing nothing. Nil
    /// when it would need a migration (a write) first.
    private static func openOnFullDisk(at path: String, now: Int64) throws(ReplicaError) -> Database? {
        do {
            let connection = try Connection(path: path, mode: .readWrite)
            try connection.execute("PRAGMA locking_mode = EXCLUSIVE")
            guard try connection.scalar("PRAGMA application_id").integer == Migrator.applicationID else { throw ReplicaError.notAReplica(path: path) }
            guard try Migrator.schemaVersion(connection) == Migrations.latestVersion else { return nil }
            try configure(connection)
            return Database(path: path, connection: connection, single: true)
        } catch {
            throw translate(error, path: path)
        }
    }

    private static func openForWriting(at path: String, now: Int64) throws(ReplicaError) -> Database {
        guard FileManager.default.fileExists(atPath: path) else { throw .missing(path: path) }
        try checkHeader(path)
        // SQLite would quietly open a file it may not write read-only, then fail on the first
        // write (or, in WAL mode, on the first read): say so up front instead.
        let directory = (path as NSString).deletingLastPathComponent
        let files = FileManager.default
        if !files.isWritableFile(atPath: path) || !files.isWritableFile(atPath: directory.isEmpty ? "." : directory) {
            throw .readOnly(path: path)
        }
        PrivateFiles.close(path)
        do {
            let connection = try Connection(path: path, mode: .readWrite)
            guard try connection.scalar("PRAGMA application_id").integer == Migrator.applicationID else {
                throw ReplicaError.notAReplica(path: path)
            }
            let version = try Migrator.schemaVersion(connection)
            if version > Migrations.latestVersion {
                throw ReplicaError.newerSchema(path: path, found: version, supported: Migrations.latestVersion)
            }
            try configure(connection)
            // A copy made by `gongkai backup` is a single file (rollback journal): back to WAL,
            // so that reads go on beside writes. If another process has it open, it stays as is.
            if try connection.scalar("PRAGMA journal_mode").text != "wal" { try? connection.execute("PRAGMA journal_mode = WAL") }
            if version < Migrations.latestVersion {
                try Migrator.migrate(connection, now: now)
                try DigestBackfill.run(connection)
            }
            // Reading the replica row proves the schema is readable.
            guard try connection.rows("SELECT site FROM replica").count == 1 else {
                throw ReplicaError.corrupt(path: path, detail: "缺少副本身份信息")
            }
            return Database(path: path, connection: connection)
        } catch {
            throw translate(error, path: path)
        }
    }

    /// The schema version of the file (read beside any write in progress).
    public func schemaVersion() throws(ReplicaError) -> Int {
        try withReader { connection in try Migrator.schemaVersion(connection) }
    }

    private static func configure(_ connection: Connection) throws {
        try connection.execute("PRAGMA foreign_keys = ON")
        try connection.execute("PRAGMA synchronous = NORMAL")
    }

    /// The first 16 bytes of every SQLite file are "SQLite format 3\0".
    static func checkHeader(_ path: String) throws(ReplicaError) {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw .cannotOpen(path: path, detail: "没有读取权限")
        }
        defer { try? handle.close() }
        let header = (try? handle.read(upToCount: 16)) ?? Data()
        guard header == Data("SQLite format 3\0".utf8) else { throw .notAReplica(path: path) }
    }

    /// Runs `body` with the connection, mapping SQLite failures to clear errors.
    func withConnection<T: Sendable>(_ body: (Connection) throws -> T) throws(ReplicaError) -> T {
        do {
            return try connection.withLock { connection in try body(connection) }
        } catch {
            throw Database.translate(error, path: path)
        }
    }

    /// Runs `body` on a reading connection of its own, in one read transaction (one snapshot:
    /// every statement sees the same state, even while another process writes the file): it never
    /// waits for a write in progress, and sees what was committed before it began.
    func withReader<T: Sendable>(_ body: (Connection) throws -> T) throws(ReplicaError) -> T {
        do {
            return try read(body)
        } catch {
            throw Database.translate(error, path: path)
        }
    }

    /// (The transaction is opened inline: a closure over the locked connection would tie it to
    /// `body`'s isolation.)
    private func read<T: Sendable>(_ body: (Connection) throws -> T) throws -> T {
        if single {
            return try connection.withLock { connection in
                try connection.execute("BEGIN DEFERRED")
                defer { try? connection.execute("COMMIT") }
                return try body(connection)
            }
        }
        for reader in readers {
            let result = try reader.connection.withLockIfAvailable { connection in
                if connection == nil { connection = try Database.openReader(path) }
                try connection!.execute("BEGIN DEFERRED")
                defer { try? connection!.execute("COMMIT") }
                return try body(connection!)
            }
            if let result { return result }
        }
        return try readers[Int.random(in: 0..<readers.count)].connection.withLock { connection in
            if connection == nil { connection = try Database.openReader(path) }
            try connection!.execute("BEGIN DEFERRED")
            defer { try? connection!.execute("COMMIT") }
            return try body(connection!)
        }
    }

    /// One reading connection, opened on first use.
    private final class ReaderSlot: Sendable {
        let connection = Mutex<Connection?>(nil)
    }

    private static func openReader(_ path: String) throws -> Connection {
        let opened = try Connection(path: path, mode: .readWrite)
        try opened.execute("PRAGMA query_only = 1")
        return opened
    }

    /// Runs `body` in one write transaction with a session that hands out dots and sequence numbers.
    func write<T: Sendable>(now: Int64, _ body: (Connection, WriteSession) throws -> T) throws(ReplicaError) -> T {
        try withConnection { connection in try Database.transaction(connection, now: now, body) }
    }

    private static func transaction<T>(_ connection: Connection, now: Int64, _ body: (Connection, WriteSession) throws -> T) throws -> T {
        try connection.transaction {
            let session = try WriteSession(connection: connection, now: now)
            let result = try body(connection, session)
            try session.finish()
            return result
        }
    }

    // The sync stores' forms of `withReader`, `withConnection` and `write`: a refusal of the
    // protocol (`SyncRefused`) leaves as itself, for the server to answer as the protocol says;
    // every other failure becomes a `ReplicaError`.

    func syncRead<T: Sendable>(_ body: (Connection) throws -> T) throws -> T {
        try passingRefusals { try read(body) }
    }

    func syncConnection<T: Sendable>(_ body: (Connection) throws -> T) throws -> T {
        try passingRefusals { try connection.withLock { connection in try body(connection) } }
    }

    func syncWrite<T: Sendable>(now: Int64, _ body: (Connection, WriteSession) throws -> T) throws -> T {
        try syncConnection { connection in try Database.transaction(connection, now: now, body) }
    }

    private func passingRefusals<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let refused as SyncRefused {
            throw refused
        } catch {
            throw Database.translate(error, path: path)
        }
    }

    static func translate(_ error: any Error, path: String) -> ReplicaError {
        if let error = error as? ReplicaError { return error }
        guard let error = error as? SQLiteError else { return .internalFailure(String(describing: error)) }
        switch error.primaryCode {
        case SQLITE_CORRUPT, SQLITE_NOTADB: return .corrupt(path: path, detail: error.message)
        case SQLITE_READONLY: return .readOnly(path: path)
        case SQLITE_FULL: return .diskFull(path: path)
        // A full disk shows as an I/O error where SQLite grows its shared-memory index or a file.
        case SQLITE_IOERR where DiskSpace.isFull(path): return .diskFull(path: path)
        case SQLITE_BUSY, SQLITE_LOCKED: return .busy(path: path)
        case SQLITE_CANTOPEN, SQLITE_PERM, SQLITE_AUTH: return .cannotOpen(path: path, detail: error.message)
        default: return .internalFailure(error.description)
        }
    }
}
