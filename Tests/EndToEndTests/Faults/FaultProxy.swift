import Foundation
import TestSupport
#if canImport(Glibc)
import Glibc
#endif
import Synchronization

/// What the proxy does to the traffic between the client and the server.
struct FaultPlan: Sendable {
    enum Direction: Sendable { case up, down, either }

    /// Drop the connection once this many bytes have passed (in that direction).
    var cut: (direction: Direction, after: Int)?
    /// Hold the traffic for `seconds` once this many bytes have passed (in that direction).
    var stall: (direction: Direction, at: Int, seconds: Double)?
    /// Bytes per second in each direction (a slow link), nil for full speed.
    var bandwidth: Int?
    /// One-way delay added to each chunk (half the round trip).
    var latency: Double = 0
    /// After the cut or stall, later connections pass untouched (the link comes back).
    var healAfterFault = false

    static let clean = FaultPlan()
}

/// A TCP proxy on loopback between a sync client and the server that cuts, stalls and slows
/// the traffic as planned, counting the bytes each way.
final class FaultProxy: Sendable {
    let port: Int
    private let listener: Int32
    private let plan: FaultPlan
    private let state = Mutex<(up: Int, down: Int, faulted: Bool, connections: Int)>((0, 0, false, 0))

    init(upstreamPort: Int, plan: FaultPlan) throws {
        self.plan = plan
        let (listener, port) = try LoopbackListener.open()
        self.listener = listener
        self.port = port
        Thread.detachNewThread { [self] in
            while true {
                let client = accept(listener, nil, nil)
                if client < 0 { return }
                let server = FaultProxy.connect(to: upstreamPort)
                guard server >= 0 else { Glibc.close(client); continue }
                let healed = state.withLock { state in
                    state.connections += 1
                    return plan.healAfterFault && state.faulted
                }
                Thread.detachNewThread { self.pump(from: client, to: server, up: true, untouched: healed) }
                Thread.detachNewThread { self.pump(from: server, to: client, up: false, untouched: healed) }
            }
        }
    }

    var bytes: (up: Int, down: Int) { state.withLock { ($0.up, $0.down) } }
    var faulted: Bool { state.withLock { $0.faulted } }
    var connections: Int { state.withLock { $0.connections } }

    func close() {
        shutdown(listener, Int32(SHUT_RDWR))
        Glibc.close(listener)
    }

    private static func connect(to port: Int) -> Int32 {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        if connected != 0 { Glibc.close(fd); return -1 }
        return fd
    }

    private static func matches(_ direction: FaultPlan.Direction, up: Bool) -> Bool {
        direction == .either || (direction == .up) == up
    }

    /// Forwards one direction; applies the plan to each chunk.
    private func pump(from source: Int32, to target: Int32, up: Bool, untouched: Bool) {
        var buffer = [UInt8](repeating: 0, count: plan.bandwidth.map { max(64, min(4096, $0 / 8)) } ?? 4096)
        while true {
            let count = read(source, &buffer, buffer.count)
            if count <= 0 { break }
            if !untouched, plan.latency > 0 { usleep(useconds_t(plan.latency * 1_000_000)) }
            var offset = 0
            var stop = false
            while offset < count {
                // How many bytes may pass before something happens, and what.
                let (passing, action): (Int, String) = untouched ? (count - offset, "") : state.withLock { state in
                    if state.faulted, plan.cut != nil { return (0, "cut") }
                    func seen(_ direction: FaultPlan.Direction) -> Int {
                        switch direction {
                        case .either: state.up + state.down
                        case .up: state.up
                        case .down: state.down
                        }
                    }
                    var passing = count - offset
                    var action = ""
                    if let cut = plan.cut, FaultProxy.matches(cut.direction, up: up), !state.faulted, cut.after - seen(cut.direction) <= passing {
                        passing = max(0, cut.after - seen(cut.direction))
                        action = "cut"
                    } else if let stall = plan.stall, FaultProxy.matches(stall.direction, up: up), !state.faulted,
                              stall.at - seen(stall.direction) <= passing {
                        passing = max(0, stall.at - seen(stall.direction))
                        action = "stall"
                    }
                    if up { state.up += passing } else { state.down += passing }
                    if !action.isEmpty { state.faulted = true }
                    return (passing, action)
                }
                if passing > 0 {
                    if let bandwidth = plan.bandwidth, !untouched {
                        usleep(useconds_t(Double(passing) / Double(bandwidth) * 1_000_000))
                    }
                    var written = 0
                    while written < passing {
                        let n = buffer[(offset + written)...].withUnsafeBytes { send(target, $0.baseAddress, passing - written, Int32(MSG_NOSIGNAL)) }
                        if n <= 0 { stop = true; break }
                        written += n
                    }
                    offset += passing
                }
                if stop { break }
                if action == "cut" { stop = true; break }
                if action == "stall", let stall = plan.stall { usleep(useconds_t(stall.seconds * 1_000_000)) }
            }
            if stop { break }
        }
        shutdown(source, Int32(SHUT_RDWR))
        shutdown(target, Int32(SHUT_RDWR))
    }
}
