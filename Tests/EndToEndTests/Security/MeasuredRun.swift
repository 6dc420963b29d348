import Foundation
import Testing

/// A run of the real binary whose peak memory the kernel reports, for the tests that hold hostile
/// input to a memory ceiling. Measured by GNU time (Debian's `time`, which the set-up installs):
/// it forks the binary from its own small process and reads the child's largest resident set from
/// `wait4`. (Read directly from a child this test process spawns, that figure would start at this
/// process's own peak: a spawned child takes its parent's high-water mark with it through `exec`.)
struct MeasuredRun {
    let status: Int32
    /// Killed by a signal (a crash): the signal's number.
    let signal: Int32?
    let peakMB: Double
    let stdout: String
    let stderr: String

    static let time = "/usr/bin/time"
    static let missing = "GNU time (/usr/bin/time) is not installed: apt-get install time"

    static func gongkai(_ arguments: [String], in directory: URL) throws -> MeasuredRun {
        guard FileManager.default.isExecutableFile(atPath: time) else { throw Missing(what: missing) }
        let report = directory.appendingPathComponent("measured-\(UUID().uuidString).txt").path
        defer { try? FileManager.default.removeItem(atPath: report) }
        let run = try GongkaiProcess.runTool(URL(fileURLWithPath: time), ["-o", report, "-f", "%M %x", GongkaiProcess.binary.path] + arguments,
                                             environment: ["XDG_CONFIG_HOME": TestConfiguration.home], in: directory)
        let lines = ((try? String(contentsOfFile: report, encoding: .utf8)) ?? "").split(separator: "\n")
        guard let last = lines.last, let kilobytes = last.split(separator: " ").first.flatMap({ Double($0) }) else {
            throw Missing(what: "GNU time wrote no report: \(lines)")
        }
        let signal = lines.first { $0.hasPrefix("Command terminated by signal") }.flatMap { $0.split(separator: " ").last.flatMap { Int32($0) } }
        return MeasuredRun(status: signal == nil ? run.status : -1, signal: signal, peakMB: kilobytes / 1024, stdout: run.stdout, stderr: run.stderr)
    }

    struct Missing: Error, CustomStringConvertible {
        let what: String
        var description: String { what }
    }
}
