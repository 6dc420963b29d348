#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// A database is its owner's alone: it holds every record, the remembered token and, on a
/// server, the token hashes. Files are made readable and writable by their owner only (SQLite
/// gives its `-wal` and `-shm` the database's own permissions), folders made for them by their
/// owner only, and a file an earlier release left readable by others is closed to them when
/// opened.
enum PrivateFiles {
    static let fileMode: mode_t = 0o600
    static let folderMode: mode_t = 0o700

    /// An empty file at `path`, 0600 from its first moment; false when it could not be made
    /// (it exists, or the folder is not writable: the caller's own open says why).
    @discardableResult
    static func createEmpty(_ path: String) -> Bool {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, fileMode)
        guard descriptor >= 0 else { return false }
        Glibc.close(descriptor)
        return true
    }

    /// The folder of `path` and any above it that are missing, made 0700.
    static func makeFolder(of path: String) {
        let folder = (path as NSString).deletingLastPathComponent
        guard !folder.isEmpty, !FileManager.default.fileExists(atPath: folder) else { return }
        try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: Int(folderMode)])
    }

    /// `path` and its `-wal` and `-shm` closed to everyone but their owner, when they are not.
    /// (A file this account does not own is left as it is: opening it says what is wrong.)
    static func close(_ path: String) {
        for file in [path, path + "-wal", path + "-shm"] {
            var status = stat()
            guard stat(file, &status) == 0, status.st_mode & 0o077 != 0, status.st_uid == getuid() else { continue }
            chmod(file, fileMode)
        }
    }
}
