import Foundation

/// Runs a program to the end and returns its output, exit status and wall time.
struct Finished {
    let status: Int32
    let stdout: String
    let stderr: String
    let seconds: Double
}

func runProgram(_ path: String, _ arguments: [String], environment: [String: String] = [:]) throws -> Finished {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: path)
    process.arguments = arguments
    process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("bench-out-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    let out = directory.appendingPathComponent("out"), err = directory.appendingPathComponent("err")
    _ = FileManager.default.createFile(atPath: out.path, contents: nil)
    _ = FileManager.default.createFile(atPath: err.path, contents: nil)
    process.standardOutput = try FileHandle(forWritingTo: out)
    process.standardError = try FileHandle(forWritingTo: err)
    let start = DispatchTime.now().uptimeNanoseconds
    try process.run()
    process.waitUntilExit()
    let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    return Finished(status: process.terminationStatus, stdout: (try? String(contentsOf: out, encoding: .utf8)) ?? "",
                    stderr: (try? String(contentsOf: err, encoding: .utf8)) ?? "", seconds: seconds)
}

/// Wall time of one run of a program, started with posix_spawn and reaped with waitpid, its
/// output to /dev/null (standard error to `stderrPath` if given): no Foundation in the way, so
/// a 2 ms program measures as 2 ms.
func spawnSeconds(_ path: String, _ arguments: [String], stderrPath: String? = nil) throws -> Double {
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
    posix_spawn_file_actions_addopen(&actions, 2, stderrPath ?? "/dev/null", O_WRONLY | O_CREAT | O_TRUNC, 0o644)
    let argv: [UnsafeMutablePointer<CChar>?] = ([path] + arguments).map { strdup($0) } + [nil]
    defer { argv.forEach { free($0) } }
    var pid: pid_t = 0
    let start = DispatchTime.now().uptimeNanoseconds
    let spawned = posix_spawn(&pid, path, &actions, nil, argv, environ)
    guard spawned == 0 else { throw POSIXError(POSIXErrorCode(rawValue: spawned) ?? .EIO) }
    var status: Int32 = 0
    while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
    let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    guard status == 0 else { throw ProgramFailed(command: ([path] + arguments).joined(separator: " "), status: status) }
    return seconds
}

struct ProgramFailed: Error, CustomStringConvertible {
    let command: String
    let status: Int32
    var description: String { "\(command.prefix(200)) exited with wait status \(status)" }
}

/// Peak resident memory of a running process, in MB (VmHWM).
func peakMemoryMB(_ pid: Int32) -> Double {
    let status = (try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)) ?? ""
    let line = status.split(separator: "\n").first { $0.hasPrefix("VmHWM:") } ?? ""
    return Double(line.split(separator: " ").dropFirst().first { !$0.isEmpty } ?? "0").map { $0 / 1024 } ?? 0
}

/// The gongkai binary built beside this benchmark.
var gongkaiBinary: String {
    URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent().appendingPathComponent("gongkai").path
}

/// `gongkai serve` on a free port, until stopped.
final class ServeProcess {
    let process = Process()
    let port: Int

    convenience init(db: String) throws {
        try self.init(arguments: ["--db", db])
    }

    /// `gongkai serve` with the store named by `arguments` (`--db FILE` or `--store URL`).
    init(arguments: [String]) throws {
        let output = Pipe()
        process.executableURL = URL(fileURLWithPath: gongkaiBinary)
        process.arguments = ["serve"] + arguments + ["--port", "0"]
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        var text = ""
        while !text.contains("\n") {
            let chunk = output.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            text += String(decoding: chunk, as: UTF8.self)
        }
        guard let range = text.range(of: #":(\d+)\n"#, options: .regularExpression), let port = Int(text[range].dropFirst().dropLast()) else {
            throw CocoaError(.executableLoad)
        }
        self.port = port
    }

    var url: String { "http://127.0.0.1:\(port)" }

    func stop() {
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }
}
