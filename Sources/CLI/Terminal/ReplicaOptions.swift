import ArgumentParser
import Foundation
import Storage

/// `--db PATH`, accepted by every subcommand: the replica file to use.
struct ReplicaOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("副本文件路径; 默认取环境变量 GONGKAI_DB, 否则 ~/.local/share/gongkai/replica.sqlite", valueName: "PATH"))
    var db: String?

    /// `--db`, else `GONGKAI_DB`, else `$XDG_DATA_HOME/gongkai/replica.sqlite` (or under
    /// `$HOME/.local/share`, as the XDG spec says; the account's home only when HOME is unset).
    var path: String {
        if let db, !db.isEmpty { return db }
        if let path = Environment.value("GONGKAI_DB") { return path }
        let dataHome = Environment.value("XDG_DATA_HOME")
            ?? ((Environment.value("HOME") ?? NSHomeDirectory()) as NSString).appendingPathComponent(".local/share")
        return (dataHome as NSString).appendingPathComponent("gongkai/replica.sqlite")
    }

    func open() throws -> Replica {
        try Replica.open(at: path, now: WallClock.now())
    }
}
