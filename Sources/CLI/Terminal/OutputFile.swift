import Foundation
import Records

/// Writes a command's output to a file or to standard output. A file is written whole or not
/// at all (a temporary file renamed over it), readable by its owner only (`PrivateFile`), and
/// never over a file that is there already unless `--force` says so; never, even then, over a
/// database (a SQLite file, its journal, or a server's secret beside it): `--reply town.sqlite`
/// would have replaced a township's every record.
enum OutputFile {
    static func write(_ text: String, to path: String?, force: Bool, encoding: TextEncoding = .utf8) throws {
        if encoding == .gbk, let character = TextEncoding.firstOutsideGBK(in: text) {
            throw CLIError.failure("字符 \"\(character)\" 无法用 GBK 表示; 请改用 --encoding utf-8-bom (Excel 也能正确打开)")
        }
        try write(Data(encoding.bytes(of: text)), to: path, force: force)
    }

    static func write(_ bytes: Data, to path: String?, force: Bool) throws {
        guard let path else {
            FileHandle.standardOutput.write(bytes)
            return
        }
        try checkWritable(path, force: force)
        try PrivateFile.replace(path, bytes: Array(bytes))
        Terminal.error("已写入 \(path)")
    }

    /// Refuses, before any work is done, a path the output may not go to.
    static func checkWritable(_ path: String?, force: Bool) throws {
        guard let path else { return }
        if let database = database(at: path) {
            throw CLIError.failure("\(path) 是\(database), 不会被覆盖 (加 --force 也不会); 请换一个文件名")
        }
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) else { return }
        if isFolder.boolValue { throw CLIError.failure("\(path) 是一个目录; 请给出文件名") }
        guard force else { throw CLIError.failure("\(path) 已经存在; 确要覆盖请加 --force, 或换一个文件名") }
    }

    /// What kind of database `path` is, when it is one: a SQLite file, a journal of one, or the
    /// server's secret beside one.
    static func database(at path: String) -> String? {
        if isSQLite(path) { return "数据库文件" }
        for suffix in ["-wal", "-shm", "-journal"] where path.hasSuffix(suffix) {
            if isSQLite(String(path.dropLast(suffix.count))) { return "数据库的日志文件" }
        }
        if path.hasSuffix(".key"), isSQLite(String(path.dropLast(4))) { return "服务器密钥文件" }
        guard let head = FileManager.default.contents(atPath: path)?.prefix(4) else { return nil }
        // A write-ahead log by its own magic number, wherever it lies.
        if [[0x37, 0x7F, 0x06, 0x82], [0x37, 0x7F, 0x06, 0x83]].contains(Array(head)) { return "数据库的日志文件" }
        return nil
    }

    private static func isSQLite(_ path: String) -> Bool {
        guard let handle = FileHandle(forReadingAtPath: path) else { return false }
        defer { try? handle.close() }
        return (try? handle.read(upToCount: 16)) == Data("SQLite format 3\0".utf8)
    }
}
