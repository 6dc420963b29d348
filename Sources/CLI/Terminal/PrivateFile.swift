#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// Files only their owner may read: a server's secret, databases, backups, bundles and exports
/// hold what other accounts on the machine must not (records, token hashes, sealed keys).
enum PrivateFile {
    /// Creates `path` with `bytes`, readable and writable by this user only (0600 from the first
    /// byte: never a moment with the umask's permissions); fails when the file exists.
    static func create(_ path: String, bytes: [UInt8]) throws {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw CLIError.failure("无法创建 \(path): \(String(cString: strerror(errno)))") }
        defer { close(descriptor) }
        var written = 0
        while written < bytes.count {
            let count = bytes[written...].withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress, $0.count) }
            guard count > 0 else { throw CLIError.failure("无法写入 \(path): \(String(cString: strerror(errno)))") }
            written += count
        }
        guard fsync(descriptor) == 0 else { throw CLIError.failure("无法写入 \(path): \(String(cString: strerror(errno)))") }
    }

    /// Appends `line` and a newline to `path` (created 0600 when missing), synced before it
    /// returns: a journal's entry is on disk once this returns.
    static func append(_ path: String, line: String) throws {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw CLIError.failure("无法写入 \(path): \(String(cString: strerror(errno)))") }
        defer { close(descriptor) }
        let bytes = Array((line + "\n").utf8)
        let count = bytes.withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress, $0.count) }
        guard count == bytes.count, fsync(descriptor) == 0 else { throw CLIError.failure("无法写入 \(path): \(String(cString: strerror(errno)))") }
    }

    /// Makes `folder` (and any folder above it that is missing) readable by this user only.
    static func makeFolder(_ folder: String) throws {
        guard !folder.isEmpty, !FileManager.default.fileExists(atPath: folder) else { return }
        do {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch {
            throw CLIError.failure("无法创建目录 \(folder): \(error.localizedDescription)")
        }
    }

    /// Writes `bytes` to `path` whole or not at all: a new file beside it (0600), synced, then
    /// renamed over it.
    static func replace(_ path: String, bytes: [UInt8]) throws {
        let folder = (path as NSString).deletingLastPathComponent
        let temporary = (folder.isEmpty ? "." : folder) + "/.\((path as NSString).lastPathComponent).\(getpid())-\(UInt32.random(in: 0...UInt32.max)).tmp"
        try create(temporary, bytes: bytes)
        guard rename(temporary, path) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temporary)
            throw CLIError.failure("无法写入 \(path): \(reason)")
        }
    }
}
