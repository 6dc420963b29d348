import Foundation
import TestSupport
import Testing

/// The real `gongkai serve` as a child process on a free loopback port.
final class ServerProcess {
    let process = Process()
    let port: Int
    let logURL: URL

    /// Starts the server on `db` (in `workspace`), or on the PostgreSQL store at `store`, and
    /// waits for its "listening" line.
    /// `commandLine`, when given, replaces the arguments (a service's bare `serve`, its settings
    /// in `environment`).
    init(workspace: Workspace, db: String = "town.sqlite", store: String? = nil, extra: [String] = [],
         commandLine: [String]? = nil, environment extraEnvironment: [String: String] = [:]) throws {
        logURL = workspace.url.appendingPathComponent("serve-\(UUID().uuidString.prefix(6)).log")
        FileManager.default.createFile(atPath: logURL.path, contents: nil)
        let output = Pipe()
        process.executableURL = GongkaiProcess.binary
        process.arguments = commandLine ?? (["serve"] + (store.map { ["--store", $0] } ?? ["--db", workspace.path(db)]) + ["--port", "0"] + extra)
        var environment = ProcessInfo.processInfo.environment
        environment["XDG_CONFIG_HOME"] = TestConfiguration.home
        environment["GONGKAI_DB"] = nil
        for (key, value) in extraEnvironment { environment[key] = value }
        process.environment = environment
        process.standardOutput = output
        process.standardError = try FileHandle(forWritingTo: logURL)
        try process.run()
        var text = ""
        while !text.contains("\n") {
            let chunk = output.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            text += String(decoding: chunk, as: UTF8.self)
        }
        guard let range = text.range(of: #":(\d+)\n"#, options: .regularExpression),
              let port = Int(text[range].dropFirst().dropLast()) else {
            process.terminate()
            throw ServerFailed(output: text)
        }
        self.port = port
    }

    struct ServerFailed: Error { let output: String }

    var url: String { "http://127.0.0.1:\(port)" }

    var log: String { (try? String(contentsOf: logURL, encoding: .utf8)) ?? "" }

    /// Stops the server at once (a child of an async test does not see SIGTERM).
    func kill() {
        if process.isRunning {
            Foundation.kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
    }

    deinit { kill() }
}

/// A township server with villages, tokens and laptops, driven through the real binaries.
final class Township {
    let workspace = Workspace()
    var tokens: [String: String] = [:]
    var server: ServerProcess

    static let township = TestSupport.township.code

    init(villages: [String]) throws {
        let w = workspace
        let created = try GongkaiProcess.run(["admin", "add-unit", "--unit", Township.township, "--name", "西安镇", "--db", w.path("town.sqlite")],
                                             environment: ["GONGKAI_SITE": "5e5e5e5e5e5e5e5e"])
        #expect(created.status == 0, "\(created.stderr)")
        for village in villages {
            // (A code of another length than a division code's is asked about: some tests want one.)
            let unusual = [6, 9, 12].contains(village.count) ? [] : ["--yes"]
            #expect(try w.gongkai(["admin", "add-unit", "--unit", village, "--name", "村\(village.suffix(3))", "--parent", Township.township] + unusual,
                                  db: "town.sqlite").status == 0)
        }
        server = try ServerProcess(workspace: w)
    }

    /// A new laptop of `unit` with its own token (and, when given, a fixed site id).
    func laptop(_ name: String, unit: String, site: String? = nil) throws {
        let issued = try workspace.gongkai(["admin", "issue-token", "--unit", unit], db: "town.sqlite")
        #expect(issued.status == 0, "\(issued.stderr)")
        tokens[name] = issued.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let placement = unit == Township.township ? ["--township"] : ["--parent", Township.township]
        let created = try GongkaiProcess.run(["init", "--unit", unit, "--name", "村", "--device", name] + placement
                                             + ["--db", workspace.path("\(name).sqlite")], environment: site.map { ["GONGKAI_SITE": $0] } ?? [:])
        #expect(created.status == 0)
    }

    @discardableResult
    func sync(_ name: String, extra: [String] = [], expectSuccess: Bool = true) throws -> RunResult {
        let result = try startSync(name, extra: extra).wait()
        if expectSuccess { #expect(result.status == 0, "sync of \(name): \(result.stderr)") }
        return result
    }

    /// Starts `gongkai sync` of laptop `name` and returns at once.
    func startSync(_ name: String, extra: [String] = []) throws -> StartedProcess {
        try GongkaiProcess.start(["sync", "--db", workspace.path("\(name).sqlite"), "--server", server.url, "--token", tokens[name]!] + extra,
                                 environment: ["GONGKAI_RETRY_DELAY": "0.05"])
    }

    func gongkai(_ name: String, _ arguments: [String]) throws -> RunResult {
        try workspace.gongkai(arguments, db: "\(name).sqlite")
    }

    /// One line per record of `kind` and `unit`, as the JSON export has it.
    func records(_ db: String, kind: String, unit: String) throws -> [String] {
        let result = try workspace.gongkai(["export", kind, "--format", "json", "--unit", unit], db: db)
        let objects = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [[String: Any]] ?? []
        return objects.map { object in
            object.keys.sorted().map { "\($0)=\(object[$0].map { "\($0)" } ?? "")" }.joined(separator: "|")
        }
    }
}
