import Foundation
import Records
import Testing

@Suite("The replica file and the command line contract")
struct ReplicaFileTests {
    @Test("the replica opens with the sqlite3 tool: journal mode wal, integrity ok")
    func sqliteTool() throws {
        let workspace = Workspace()
        try workspace.initVillage()
        for kind in kindFixtures.keys {
            _ = try workspace.gongkai(["import", kind.rawValue, workspace.write("\(kind.rawValue).csv", kindFixtures[kind]!)])
        }
        let sqlite = URL(fileURLWithPath: "/usr/bin/sqlite3")
        let journal = try GongkaiProcess.runTool(sqlite, [workspace.path("v.sqlite"), "PRAGMA journal_mode"])
        #expect(journal.stdout == "wal\n")
        let integrity = try GongkaiProcess.runTool(sqlite, [workspace.path("v.sqlite"), "PRAGMA integrity_check"])
        #expect(integrity.stdout == "ok\n")
        let count = try GongkaiProcess.runTool(sqlite, [workspace.path("v.sqlite"), "SELECT count(*) FROM requests WHERE deleted = 0"])
        #expect(count.stdout == "3\n")
    }

    @Test("libcurl is loaded by sync alone: other commands start without it")
    func libcurlOnlyForSync() throws {
        // Given a village replica
        let workspace = Workspace()
        try workspace.initVillage()
        // When status runs, the dynamic loader listing every library it opens
        let status = try GongkaiProcess.run(["status", "--db", workspace.path("v.sqlite")], environment: ["LD_DEBUG": "libs"])
        // Then libcurl is not among them
        #expect(status.status == 0, "\(status.stderr)")
        #expect(status.stderr.contains("libsqlite3"), "the loader's listing is there at all")
        #expect(!status.stderr.contains("libcurl"))
        // When sync runs against a port where nothing listens
        let sync = try GongkaiProcess.run(["sync", "--db", workspace.path("v.sqlite"), "--server", "http://127.0.0.1:9",
                                           "--token", "t", "--attempts", "1", "--no-remember"], environment: ["LD_DEBUG": "libs"])
        // Then libcurl was opened and it is the connection that failed
        #expect(sync.status == 1)
        #expect(sync.stderr.contains("libcurl.so.4"))
        #expect(sync.stderr.contains("无法与服务器通信"))
    }

    @Test("init refuses an existing file and leaves it intact")
    func initNeverOverwrites() throws {
        let workspace = Workspace()
        try workspace.initVillage()
        let before = try workspace.dump()
        let again = try workspace.gongkai(["init", "--unit", "640522100299", "--name", "别村"])
        #expect(again.status == 1)
        #expect(again.stderr.contains("已存在"))
        #expect(try workspace.dump() == before)
    }

    @Test("a file that is not a replica is refused without being touched")
    func notAReplica() throws {
        let workspace = Workspace()
        let path = workspace.write("notes.sqlite", "这不是数据库")
        let result = try workspace.gongkai(["status"], db: "notes.sqlite")
        #expect(result.status == 1)
        #expect(result.stderr.contains("不是 gongkai 副本"))
        #expect(FileManager.default.contents(atPath: path) == Data("这不是数据库".utf8))
    }

    @Test("the replica path comes from --db, else GONGKAI_DB, else XDG_DATA_HOME")
    func defaultPath() throws {
        let workspace = Workspace()
        let home = workspace.path("data")
        let created = try GongkaiProcess.run(["init", "--unit", "640522100201", "--name", "园河村"], environment: ["XDG_DATA_HOME": home])
        #expect(created.status == 0, "\(created.stderr)")
        #expect(FileManager.default.fileExists(atPath: home + "/gongkai/replica.sqlite"))
        let viaEnvironment = try GongkaiProcess.run(["status", "--json"], environment: ["GONGKAI_DB": home + "/gongkai/replica.sqlite"])
        #expect(viaEnvironment.stdout.contains("\"unit\": \"640522100201\""))
    }

    @Test("wrong usage exits 2, help exits 0")
    func exitCodes() throws {
        #expect(try GongkaiProcess.run(["--no-such-flag"]).status == 2)
        #expect(try GongkaiProcess.run(["notice", "frobnicate"]).status == 2)
        #expect(try GongkaiProcess.run(["export", "notices", "--format", "xml", "--db", "/nonexistent/x"]).status == 2)
        #expect(try GongkaiProcess.run(["--help"]).status == 0)
        #expect(try GongkaiProcess.run(["help", "request", "conclude"]).status == 0)
    }
}

@Suite("Help")
struct HelpTests {
    /// Every command path, found by reading the 子命令 (subcommands) of each help page.
    static func commandPaths() throws -> [[String]] {
        var paths: [[String]] = []
        var queue: [[String]] = [[]]
        while let path = queue.popLast() {
            paths.append(path)
            guard path.count < 3 else { continue }
            let help = try GongkaiProcess.run(path + ["--help"]).stdout
            guard let section = help.range(of: "子命令:\n") else { continue }
            // The section is the lines up to the first blank one; a subcommand's line starts with
            // two spaces and its name (wrapped abstracts are indented further).
            for line in help[section.upperBound...].split(separator: "\n", omittingEmptySubsequences: false) {
                if line.trimmingCharacters(in: .whitespaces).isEmpty { break }
                guard line.hasPrefix("  "), !line.hasPrefix("   ") else { continue }
                let name = String(line.dropFirst(2).prefix { $0 != " " })
                if name != "help" { queue.append(path + [name]) }
            }
        }
        return paths
    }

    @Test("every command's help ends with examples of gongkai command lines")
    func examplesEverywhere() throws {
        let paths = try Self.commandPaths()
        #expect(paths.count > 60, "found only \(paths.count) commands")
        for path in paths {
            let help = try GongkaiProcess.run(path + ["--help"])
            #expect(help.status == 0)
            let trimmed = help.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
            guard let examples = trimmed.range(of: "\n示例:\n", options: .backwards) else {
                Issue.record("gongkai \(path.joined(separator: " ")) --help has no examples")
                continue
            }
            let lines = trimmed[examples.upperBound...].split(separator: "\n")
            #expect(!lines.isEmpty && lines.allSatisfy { $0.hasPrefix("  gongkai ") }, "gongkai \(path.joined(separator: " "))")
        }
    }

    @Test("the add commands offer an option for every field of their kind", arguments: RecordKind.importable)
    func optionsCoverFields(kind: RecordKind) throws {
        // The fields come from the kind itself: a field added without an option fails here.
        // Only the options section counts: the examples after it spell options too.
        let help = try GongkaiProcess.run([kind.singular, "add", "--help"]).stdout
        let options = help.components(separatedBy: "示例:")[0].split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
        for field in kind.fields.map(\.name) {
            let option = "--" + field.replacingOccurrences(of: "_", with: "-") + " <"
            #expect(options.contains { $0.hasPrefix(option) }, "\(kind.singular) add lacks \(field)")
        }
    }
}
