import Foundation
import Testing

/// What a run of the real `gongkai` binary did.
struct RunResult {
    let status: Int32
    let stdout: String
    let stderr: String
}

/// Runs the real binary, built next to the test bundle (or `GONGKAI_BIN`), with its output
/// captured through files so that large outputs cannot fill a pipe.
enum GongkaiProcess {
    static var binary: URL {
        if let path = ProcessInfo.processInfo.environment["GONGKAI_BIN"] { return URL(fileURLWithPath: path) }
        var directory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        // The runner may be inside the .xctest bundle on some platforms.
        while !FileManager.default.fileExists(atPath: directory.appendingPathComponent("gongkai").path), directory.path != "/" {
            directory = directory.deletingLastPathComponent()
        }
        return directory.appendingPathComponent("gongkai")
    }

    static func run(_ arguments: [String], stdin: String? = nil, environment: [String: String] = [:],
                    in directory: URL? = nil) throws -> RunResult {
        try runTool(binary, arguments, stdin: stdin, environment: environment, in: directory)
    }

    static func runTool(_ executable: URL, _ arguments: [String], stdin: String? = nil,
                        environment: [String: String] = [:], in directory: URL? = nil) throws -> RunResult {
        try StartedProcess(executable, arguments, stdin: stdin, environment: environment, in: directory).wait()
    }

    /// Starts the real binary and returns at once; `wait()` gives what it did.
    static func start(_ arguments: [String], environment: [String: String] = [:]) throws -> StartedProcess {
        try StartedProcess(binary, arguments, environment: environment)
    }
}

/// A child process started with its output captured through files, waited for later.
final class StartedProcess {
    let process = Process()
    let started = Date()
    private let scratch: URL
    private let files: (out: FileHandle, err: FileHandle, input: FileHandle)

    init(_ executable: URL, _ arguments: [String], stdin: String? = nil, environment: [String: String] = [:], in directory: URL? = nil) throws {
        scratch = FileManager.default.temporaryDirectory.appendingPathComponent("gongkai-run-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        for name in ["out", "err"] { FileManager.default.createFile(atPath: scratch.appendingPathComponent(name).path, contents: nil) }
        FileManager.default.createFile(atPath: scratch.appendingPathComponent("in").path, contents: Data((stdin ?? "").utf8))
        files = (try FileHandle(forWritingTo: scratch.appendingPathComponent("out")), try FileHandle(forWritingTo: scratch.appendingPathComponent("err")),
                 try FileHandle(forReadingFrom: scratch.appendingPathComponent("in")))
        process.executableURL = executable
        process.arguments = arguments
        var env = ProcessInfo.processInfo.environment
        env["GONGKAI_DB"] = nil
        env["XDG_CONFIG_HOME"] = TestConfiguration.home
        for (key, value) in environment { env[key] = value }
        process.environment = env
        if let directory { process.currentDirectoryURL = directory }
        process.standardOutput = files.out
        process.standardError = files.err
        process.standardInput = files.input
        try process.run()
    }

    deinit { try? FileManager.default.removeItem(at: scratch) }

    var isRunning: Bool { process.isRunning }

    /// Waits for the process to end and reads what it wrote.
    func wait() throws -> RunResult {
        process.waitUntilExit()
        try files.out.close()
        try files.err.close()
        try files.input.close()
        return RunResult(status: process.terminationStatus,
                         stdout: String(decoding: try Data(contentsOf: scratch.appendingPathComponent("out")), as: UTF8.self),
                         stderr: String(decoding: try Data(contentsOf: scratch.appendingPathComponent("err")), as: UTF8.self))
    }
}

/// Where the binaries run by the tests keep their configuration (a PostgreSQL store's server
/// key among it): a folder of this test run's own, never the user's.
enum TestConfiguration {
    static let home: String = {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("gongkai-test-config-\(ProcessInfo.processInfo.processIdentifier)").path
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }()
}

/// A scratch directory with a replica path, removed afterwards.
final class Workspace {
    let url: URL

    init() {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("gongkai-e2e-\(UUID().uuidString)")
        try! FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(at: url) }

    func path(_ name: String) -> String { url.appendingPathComponent(name).path }

    @discardableResult
    func write(_ name: String, _ text: String) -> String {
        let path = path(name)
        FileManager.default.createFile(atPath: path, contents: Data(text.utf8))
        return path
    }

    /// Runs gongkai with `--db` pointing at `db` in this workspace.
    func gongkai(_ arguments: [String], db: String = "v.sqlite", stdin: String? = nil, now: Int = 1_700_000_000) throws -> RunResult {
        try GongkaiProcess.run(arguments + ["--db", path(db)], stdin: stdin, environment: ["GONGKAI_NOW": String(now)], in: url)
    }

    /// `gongkai init` for a village, failing the test when it fails.
    func initVillage(_ db: String = "v.sqlite", unit: String = "640522100201") throws {
        let result = try gongkai(["init", "--unit", unit, "--name", "园河村", "--parent", "640522100000"], db: db)
        #expect(result.status == 0, "\(result.stderr)")
    }

    /// The whole file as SQL text, by the sqlite3 tool: equal dumps mean an unchanged replica.
    func dump(_ db: String = "v.sqlite") throws -> String {
        let result = try GongkaiProcess.runTool(URL(fileURLWithPath: "/usr/bin/sqlite3"), [path(db), ".dump"])
        #expect(result.status == 0, "\(result.stderr)")
        return result.stdout
    }
}
