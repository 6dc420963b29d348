import Foundation
import Testing
import TestTiers

/// The township server as the .deb installs it: a systemd unit that starts `gongkai serve` with
/// its settings from /etc/gongkai/serve.conf. systemd does not run in CI, so the unit is checked
/// with `systemd-analyze verify`, and its very command line is started with the settings file's
/// variables, as systemd would; no token may show on any command line.
@Suite("Install: the township server as a systemd service", .tags(.systemTool))
struct ServiceUnitTests {
    static let unit = packageRoot.appendingPathComponent("packaging/gongkai-serve.service")
    static let settings = packageRoot.appendingPathComponent("packaging/serve.conf")

    /// `KEY=VALUE` lines of a unit or an environment file (comments and sections left out).
    static func assignments(_ url: URL) throws -> [(String, String)] {
        try String(contentsOf: url, encoding: .utf8).split(separator: "\n").compactMap { line in
            guard !line.hasPrefix("#"), !line.hasPrefix("["), let equals = line.firstIndex(of: "=") else { return nil }
            return (String(line[..<equals]), String(line[line.index(after: equals)...]))
        }
    }

    @Test("the unit restarts on failure, runs as its own user with its settings file, and systemd-analyze verifies it")
    func unitFile() throws {
        let keys = Dictionary(try Self.assignments(Self.unit), uniquingKeysWith: { first, _ in first })
        #expect(keys["ExecStart"] == "/usr/bin/gongkai serve")
        #expect(keys["EnvironmentFile"] == "/etc/gongkai/serve.conf")
        #expect(keys["Restart"] == "on-failure" && keys["User"] == "gongkai" && keys["StateDirectory"] == "gongkai")
        #expect(keys["WantedBy"] == "multi-user.target")
        let analyze = URL(fileURLWithPath: "/usr/bin/systemd-analyze")
        guard FileManager.default.isExecutableFile(atPath: analyze.path) else { return }
        // The unit as installed, pointing at this build's binary and a copy of its settings.
        let w = Workspace()
        let text = try String(contentsOf: Self.unit, encoding: .utf8)
            .replacingOccurrences(of: "/usr/bin/gongkai", with: GongkaiProcess.binary.path)
            .replacingOccurrences(of: "/etc/gongkai/serve.conf", with: w.write("serve.conf", try String(contentsOf: Self.settings, encoding: .utf8)))
        let verified = try GongkaiProcess.runTool(analyze, ["verify", w.write("gongkai-serve.service", text)])
        #expect(verified.status == 0, "\(verified.stdout) \(verified.stderr)")
    }

    @Test("its command line, started with the settings file's variables, serves the database and shows no token")
    func commandLineServes() throws {
        // Given the settings file as shipped, with a township database, a loopback port and a county to sync up to
        let w = Workspace()
        #expect(try w.gongkai(["admin", "add-unit", "--unit", "640522100000", "--name", "西安镇"], db: "town.sqlite").status == 0)
        var environment = Dictionary(try Self.assignments(Self.settings), uniquingKeysWith: { first, _ in first })
        #expect(environment["GONGKAI_DB"] == "/var/lib/gongkai/town.sqlite" && environment["GONGKAI_SERVE_HOST"] == "0.0.0.0")
        environment["GONGKAI_DB"] = w.path("town.sqlite")
        environment["GONGKAI_SERVE_HOST"] = "127.0.0.1"
        environment["GONGKAI_SERVE_PORT"] = "0"
        environment["GONGKAI_UPSTREAM"] = "http://127.0.0.1:9"
        environment["GONGKAI_UPSTREAM_TOKEN"] = "gk_relay_secret_0123456789"
        environment["GONGKAI_UPSTREAM_EVERY"] = "1h"
        // When the unit's ExecStart runs with them
        let server = try ServerProcess(workspace: w, commandLine: ["serve"], environment: environment)
        defer { server.kill() }
        // Then it serves the settings' database on the settings' address
        #expect(try GongkaiProcess.runTool(URL(fileURLWithPath: "/usr/bin/curl"), ["-s", server.url + "/v1/status"]).stdout.contains("640522100000"))
        // And no process on the machine shows the token on its command line
        let ps = try GongkaiProcess.runTool(URL(fileURLWithPath: "/bin/ps"), ["-eo", "args"])
        #expect(ps.status == 0 && !ps.stdout.contains("gk_relay_secret"))
        let own = try String(decoding: Data(contentsOf: URL(fileURLWithPath: "/proc/\(server.process.processIdentifier)/cmdline")), as: UTF8.self)
        #expect(own.split(separator: "\0") == [Substring(GongkaiProcess.binary.path), "serve"], "\(own)")
    }
}
