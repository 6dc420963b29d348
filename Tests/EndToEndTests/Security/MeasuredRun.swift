#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// A run of the real binary whose peak memory the kernel reports (`wait4`'s resource usage of
/// that one child: its largest resident set), for the tests that hold hostile input to a memory
/// ceiling.
struct MeasuredRun {
    let status: Int32
    /// Killed by a signal (a crash): the signal's number.
    let signal: Int32?
    let peakMB: Double
    let stdout: String
    let stderr: String

    static func gongkai(_ arguments: [String], in directory: URL) throws -> MeasuredRun {
        let out = directory.appendingPathComponent("measured-\(UUID().uuidString).out").path
        let err = out.replacingOccurrences(of: ".out", with: ".err")
        defer { try? FileManager.default.removeItem(atPath: out); try? FileManager.default.removeItem(atPath: err) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, out, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_addopen(&actions, 2, err, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        let executable = GongkaiProcess.binary.path
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var environment = ProcessInfo.processInfo.environment
        environment["GONGKAI_DB"] = nil
        environment["XDG_CONFIG_HOME"] = TestConfiguration.home
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { envp.forEach { free($0) } }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, executable, &actions, nil, argv, envp)
        guard spawned == 0 else { throw RawFailure(what: "posix_spawn: \(spawned)") }
        var status: Int32 = 0
        var usage = rusage()
        while wait4(pid, &status, 0, &usage) < 0 {
            guard errno == EINTR else { throw RawFailure(what: "wait4: errno \(errno)") }
        }
        let exited = status & 0x7F == 0
        return MeasuredRun(status: exited ? (status >> 8) & 0xFF : -1, signal: exited ? nil : status & 0x7F,
                           peakMB: Double(usage.ru_maxrss) / 1024,
                           stdout: (try? String(contentsOfFile: out, encoding: .utf8)) ?? "",
                           stderr: (try? String(contentsOfFile: err, encoding: .utf8)) ?? "")
    }

    struct RawFailure: Error { let what: String }
}
