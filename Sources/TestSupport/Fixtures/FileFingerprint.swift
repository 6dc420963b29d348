import CSQLite
import Records

/// Everything a replica file holds, row by row (version metadata and counters included), read
/// with SQLite itself rather than through gongkai: two equal fingerprints mean nothing changed.
public func fingerprint(_ path: String) throws -> [String] {
    var handle: OpaquePointer?
    guard sqlite3_open_v2(path, &handle, SQLITE_OPEN_READONLY, nil) == SQLITE_OK, let database = handle else {
        sqlite3_close(handle)
        throw FingerprintError(path: path)
    }
    defer { sqlite3_close(database) }
    var lines: [String] = []
    for table in ["replica", "units"] + RecordKind.allCases.map(\.rawValue) {
        var statement: OpaquePointer?
        guard sqlite3_prepare_v2(database, "SELECT * FROM \(table) ORDER BY 1", -1, &statement, nil) == SQLITE_OK else {
            throw FingerprintError(path: path)
        }
        defer { sqlite3_finalize(statement) }
        while sqlite3_step(statement) == SQLITE_ROW {
            let values = (0..<sqlite3_column_count(statement)).map { column in
                sqlite3_column_text(statement, column).map { String(cString: $0) } ?? "NULL"
            }
            lines.append(table + ": " + values.joined(separator: "|"))
        }
    }
    return lines
}

public struct FingerprintError: Error, CustomStringConvertible {
    public let path: String
    public var description: String { "cannot read \(path) with SQLite" }
}

import Storage

/// The fingerprint of a replica's file.
public func fingerprint(_ replica: Replica) throws -> [String] {
    try fingerprint(replica.path)
}
