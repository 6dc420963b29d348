import Foundation

/// The disk a file lives on, as a person finds it: where it is mounted and how much is free.
enum DiskSpace {
    /// Free bytes on the file system holding `path` (or its folder, when it does not exist yet).
    static func freeBytes(_ path: String) -> Int64? {
        let folder = FileManager.default.fileExists(atPath: path) ? path : (path as NSString).deletingLastPathComponent
        let attributes = try? FileManager.default.attributesOfFileSystem(forPath: folder.isEmpty ? "." : folder)
        return (attributes?[.systemFreeSize] as? NSNumber)?.int64Value
    }

    /// Whether the disk holding `path` has (next to) nothing left: less than SQLite needs to
    /// grow a file by a page or make its shared-memory index.
    static func isFull(_ path: String) -> Bool {
        (freeBytes(path) ?? .max) < 64 * 1024
    }

    /// `存放 town.sqlite 的磁盘 /srv (剩余 0 KB)`: the mount point is the highest folder above `path` on
    /// the same device.
    static func describe(_ path: String) -> String {
        let absolute = URL(fileURLWithPath: path).standardizedFileURL.path
        var mount = (absolute as NSString).deletingLastPathComponent
        func device(_ path: String) -> Int? { (try? FileManager.default.attributesOfItem(atPath: path))?[.systemNumber] as? Int }
        if let own = device(mount.isEmpty ? "/" : mount) {
            while mount != "/", device((mount as NSString).deletingLastPathComponent) == own { mount = (mount as NSString).deletingLastPathComponent }
        }
        let free = freeBytes(path).map { " (剩余 \($0 / 1024) KB)" } ?? ""
        return "存放 \((absolute as NSString).lastPathComponent) 的磁盘 \(mount.isEmpty ? "/" : mount)\(free)"
    }
}
