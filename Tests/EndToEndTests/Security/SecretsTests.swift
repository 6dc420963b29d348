#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Testing
import TestSupport
import TestTiers

/// Issue 27, finding 9: `sync --token` and `serve --upstream-token` put tokens in
/// /proc/PID/cmdline for every account; the remembered token lay in a 0644 replica in a 0755
/// folder; the server's database, backups and bundles were 0644. Now a token comes from a file,
/// standard input, the environment or a prompt that does not echo, and every file gongkai makes
/// is its owner's alone.
@Suite("Trust: no token on the command line, no file readable by other accounts", .tags(.slow), .fullSuiteOnly)
struct SecretsTests {
    static let village = TestSupport.village.code

    static func mode(_ path: String) -> Int? {
        try? FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
    }

    /// The command line of a running process, as any account reads it.
    static func commandLine(_ pid: Int32) -> String {
        String(decoding: FileManager.default.contents(atPath: "/proc/\(pid)/cmdline") ?? Data(), as: UTF8.self).replacingOccurrences(of: "\0", with: " ")
    }

    @Test("a token from a file, standard input, the environment or a prompt syncs, and never shows in the command line; on the command line it warns")
    func tokensOffTheCommandLine() throws {
        // Given a township server and five laptops of village A, each with a token of its own
        let town = try Township(villages: [Self.village])
        let w = town.workspace
        for name in ["file", "stdin", "env", "v", "line"] { try town.laptop(name, unit: Self.village) }
        let tokenFile = w.write("令牌.txt", town.tokens["file"]! + "\n")
        // When each gives its token its own way
        let ways: [(String, [String], String?, [String: String])] = [
            ("file", ["--token-file", tokenFile], nil, [:]),
            ("stdin", ["--token", "-"], town.tokens["stdin"]! + "\n", [:]),
            ("env", [], nil, ["GONGKAI_TOKEN": town.tokens["env"]!]),
            ("line", ["--token", town.tokens["line"]!], nil, [:]),
        ]
        for (name, arguments, input, environment) in ways {
            let synced = try GongkaiProcess.run(["sync", "--db", w.path("\(name).sqlite"), "--server", town.server.url] + arguments, stdin: input,
                                                environment: environment.merging(["GONGKAI_RETRY_DELAY": "0.05"]) { $1 })
            // Then it syncs; only the token on the command line warns, naming the other ways
            #expect(synced.status == 0 && synced.stderr.contains("一致"), "\(name): \(synced.stderr)")
            #expect(synced.stderr.contains("本机其他用户可以看到") == (name == "line"), "\(name): \(synced.stderr)")
        }
        // And at a terminal it is asked for, without echo
        let prompted = try runAtTerminal(["sync", "--server", town.server.url], answers: [town.tokens["v"]!], workspace: w)
        #expect(prompted.status == 0 && prompted.stderr.contains("设备令牌") && prompted.stderr.contains("一致"), "\(prompted.stderr)")
        // And a sync held at a server that never answers shows no token in its command line
        let (listener, port) = try LoopbackListener.open()
        defer { close(listener) }
        let held = try GongkaiProcess.start(["sync", "--db", w.path("file.sqlite"), "--server", "http://127.0.0.1:\(port)", "--token-file", tokenFile,
                                             "--stall-timeout", "30", "--attempts", "1"])
        Thread.sleep(forTimeInterval: 0.5)
        let line = Self.commandLine(held.process.processIdentifier)
        #expect(line.contains("sync") && !line.contains("gk_"), "\(line)")
        kill(held.process.processIdentifier, SIGKILL)
        _ = try held.wait()
    }

    @Test("serve --upstream-token-file keeps the relay token out of its command line")
    func upstreamTokenOffTheCommandLine() throws {
        // Given a township server database and a relay token in a file
        let w = Workspace()
        #expect(try GongkaiProcess.run(["admin", "add-unit", "--unit", TestSupport.township.code, "--name", "西安镇", "--db", w.path("town.sqlite")]).status == 0)
        let tokenFile = w.write("relay.txt", "gk_relay0123456789abcdef0123456789abcdef\n")
        // When it serves, syncing up to a county (unreachable here: the rounds are logged and retried)
        let server = try ServerProcess(workspace: w, extra: ["--upstream", "http://127.0.0.1:9", "--upstream-token-file", tokenFile, "--every", "1h"])
        defer { server.kill() }
        // Then no account reads the token in its command line
        let line = Self.commandLine(server.process.processIdentifier)
        #expect(line.contains("--upstream-token-file") && !line.contains("gk_relay"), "\(line)")
    }

    @Test("replicas, server databases (and their -wal, -shm and key), backups, bundles and exports are 0600, their folder 0700; an old 0644 replica is closed when opened")
    func privateFiles() throws {
        // Given a laptop's replica in its default place, a township server serving, and the files they make
        let home = Workspace()
        let created = try GongkaiProcess.run(["init", "--unit", Self.village, "--name", "园河村", "--parent", TestSupport.township.code],
                                             environment: ["XDG_DATA_HOME": home.path("data")])
        #expect(created.status == 0, "\(created.stderr)")
        #expect(Self.mode(home.path("data/gongkai")) == 0o700)
        #expect(Self.mode(home.path("data/gongkai/replica.sqlite")) == 0o600)
        let town = try Township(villages: [Self.village])
        try town.laptop("a", unit: Self.village)
        #expect(try town.gongkai("a", ["notice", "add", "--title", "公示", "--category", "民生", "--channel", "公开栏", "--published-on", "2021-03-01"]).status == 0)
        try town.sync("a")
        let w = town.workspace
        #expect(try w.gongkai(["backup", "--to", w.path("backup.sqlite")], db: "town.sqlite").status == 0)
        #expect(try town.gongkai("a", ["bundle", "export", "--output", w.path("a.gkb")]).status == 0)
        #expect(try w.gongkai(["export", "notices", "--output", w.path("notices.csv")], db: "town.sqlite").status == 0)
        // Then each is its owner's alone
        for file in ["town.sqlite", "town.sqlite-wal", "town.sqlite-shm", "town.sqlite.key", "a.sqlite", "backup.sqlite", "a.gkb", "notices.csv"] {
            #expect(Self.mode(w.path(file)) == 0o600, "\(file): \(String(Self.mode(w.path(file)) ?? 0, radix: 8))")
        }
        // And a replica an earlier release left 0644 is closed to others when next opened
        chmod(w.path("a.sqlite"), 0o644)
        #expect(try town.gongkai("a", ["status"]).status == 0)
        #expect(Self.mode(w.path("a.sqlite")) == 0o600)
    }
}
