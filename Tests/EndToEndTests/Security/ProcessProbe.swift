import Foundation

/// What the kernel says of a running process: its memory, and the TCP connections it holds.
struct ProcessProbe {
    let pid: Int32

    /// A line of /proc/PID/status in MB (VmRSS: resident now; VmHWM: the peak so far).
    func megabytes(_ field: String) -> Double {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix(field + ":") }),
              let kilobytes = line.split(separator: " ").compactMap({ Double($0) }).first else { return 0 }
        return kilobytes / 1024
    }

    var residentMB: Double { megabytes("VmRSS") }
    var peakMB: Double { megabytes("VmHWM") }

    /// The established TCP connections the process holds open to clients at `address` (an IPv4
    /// loopback address such as 127.0.0.2): sockets among its file descriptors whose peer is there.
    func connections(from address: String) -> Int {
        let descriptors = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/fd")) ?? []
        var inodes = Set<String>()
        for descriptor in descriptors {
            guard let target = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(pid)/fd/\(descriptor)"),
                  target.hasPrefix("socket:[") else { continue }
            inodes.insert(String(target.dropFirst(8).dropLast()))
        }
        // /proc/net/tcp writes an IPv4 address as the hex of its bytes in reverse (127.0.0.2 → 0200007F).
        let peer = address.split(separator: ".").reversed().map { String(format: "%02X", Int($0)!) }.joined()
        // Read to its end: the kernel hands a /proc table over a page at a time.
        guard let data = FileHandle(forReadingAtPath: "/proc/net/tcp")?.readDataToEndOfFile() else { return 0 }
        let table = String(decoding: data, as: UTF8.self)
        return table.split(separator: "\n").dropFirst().filter { line in
            let fields = line.split(separator: " ")
            guard fields.count > 9 else { return false }
            return fields[2].hasPrefix(peer + ":") && fields[3] == "01" && inodes.contains(String(fields[9]))
        }.count
    }
}
