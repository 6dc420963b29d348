import Foundation

/// Where a stretch of time's CPU went on this machine: the programs the benchmark ran to the
/// end (its children, e.g. the `gongkai sync` processes of a round), the `serve` processes it
/// keeps running, and everything else that was busy (PostgreSQL, the benchmark itself, the
/// kernel's threads). Read from the kernel's accounts: `getrusage(RUSAGE_CHILDREN)` for the
/// children reaped, `/proc/PID/stat` for a running process, `/proc/stat` for the machine.
struct CPUAccount {
    let finishedPrograms: Double
    let servers: Double
    let machine: Double

    /// The counters now, for `servers` (process ids).
    static func now(servers: [Int32]) -> CPUAccount {
        var usage = rusage()
        getrusage(__rusage_who_t(RUSAGE_CHILDREN.rawValue), &usage)
        let children = seconds(usage.ru_utime) + seconds(usage.ru_stime)
        return CPUAccount(finishedPrograms: children, servers: servers.map(processSeconds).reduce(0, +), machine: machineBusySeconds())
    }

    /// What was spent between `start` and `self`.
    func since(_ start: CPUAccount) -> CPUSpent {
        CPUSpent(programs: finishedPrograms - start.finishedPrograms, servers: servers - start.servers, machine: machine - start.machine)
    }

    private static func seconds(_ time: timeval) -> Double { Double(time.tv_sec) + Double(time.tv_usec) / 1e6 }

    private static var ticksPerSecond: Double { Double(sysconf(Int32(_SC_CLK_TCK))) }

    /// utime + stime of a running process (fields 14 and 15 of its stat line, after the name).
    private static func processSeconds(_ pid: Int32) -> Double {
        guard let line = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = line.lastIndex(of: ")") else { return 0 }
        let fields = line[line.index(after: close)...].split(separator: " ")
        // After the name: state is field 3, so utime (14) and stime (15) are at 11 and 12.
        guard fields.count > 12, let user = Double(fields[11]), let system = Double(fields[12]) else { return 0 }
        return (user + system) / ticksPerSecond
    }

    /// Every CPU's busy time: user, nice, system, irq, softirq and steal of `/proc/stat`'s first line.
    private static func machineBusySeconds() -> Double {
        guard let text = try? String(contentsOfFile: "/proc/stat", encoding: .utf8),
              let line = text.split(separator: "\n").first, line.hasPrefix("cpu ") else { return 0 }
        let values = line.split(separator: " ").dropFirst().compactMap { Double($0) }
        guard values.count >= 8 else { return 0 }
        let busy = values[0] + values[1] + values[2] + values[5] + values[6] + values[7]
        return busy / ticksPerSecond
    }
}

/// CPU seconds spent over a stretch of time, by whom.
struct CPUSpent {
    let programs: Double
    let servers: Double
    let machine: Double

    /// Busy time that was neither the finished programs nor the servers.
    var rest: Double { max(0, machine - programs - servers) }

    /// "CPU 9.8 s: syncs 7.1 s (35.5 ms each), serve 1.5 s, the rest 1.2 s".
    func summary(programs name: String, count: Int, rest restName: String) -> String {
        String(format: "CPU %.1f s: %@ %.1f s (%.1f ms each), serve %.1f s, %@ %.1f s", machine, name, programs,
               count > 0 ? programs / Double(count) * 1000 : 0, servers, restName, rest)
    }
}
