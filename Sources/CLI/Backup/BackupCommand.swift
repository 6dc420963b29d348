import ArgumentParser
import Foundation
import Records
import Storage

/// `gongkai backup --db town.sqlite --to /media/usb/town-2021-12-31.sqlite`.
struct BackupCommand: ParsableCommand, ExampleProviding {
    static let configuration = CommandConfiguration(
        commandName: "backup",
        abstract: "把副本或服务器数据库复制成一个完整的文件, 服务器运行时也可以复制。",
        discussion: """
        用 SQLite 的在线备份: 复制的是某一时刻的完整数据, gongkai serve 或其他进程同时在写也不受影响。
        不要直接复制 .sqlite 文件: 最近的修改可能还在旁边的 -wal 文件里。
        复制完成后会检查副本 (integrity_check), 再给它最终的文件名; 已有的文件不会被覆盖。
        副本可直接用 gongkai serve --db 副本 运行, 或带到别处。
        """
    )

    static let examples = [
        "gongkai backup --db town.sqlite --to /media/usb/town-2021-12-31.sqlite   # 服务器运行中也可以",
        "gongkai backup --to 园河村-备份.sqlite   # 本机的村级副本",
    ]

    @OptionGroup var replica: ReplicaOptions
    @Option(help: ArgumentHelp("副本的文件名 (不能是已有的文件)", valueName: "COPY")) var to: String

    func run() throws {
        guard !FileManager.default.fileExists(atPath: to) else {
            throw CLIError.failure("备份文件 \(to) 已经存在, 没有覆盖它; 请换一个文件名, 例如加上今天的日期: --to \(Self.dated(to))")
        }
        Terminal.progress("正在复制 \(replica.path) …")
        let summary = try Database.backup(from: replica.path, to: to)
        Terminal.endProgress()
        let counts = RecordKind.importable.compactMap { kind in summary.records[kind.rawValue].map { "\(kind.label) \($0)" } }
        print("已备份到 \(summary.path) (\(summary.bytes / 1024) KB, 检查通过): " + counts.joined(separator: ", "))
    }

    /// `town.sqlite` → `town-20261206.sqlite`: a name beside an existing one.
    static func dated(_ path: String) -> String {
        let stamp = String(WallClock.fileStamp(WallClock.now()).prefix(8))
        let ext = (path as NSString).pathExtension
        let base = ext.isEmpty ? path : String(path.dropLast(ext.count + 1))
        return ext.isEmpty ? "\(base)-\(stamp)" : "\(base)-\(stamp).\(ext)"
    }
}
