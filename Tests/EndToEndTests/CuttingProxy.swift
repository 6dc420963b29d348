import Foundation
#if canImport(Glibc)
import Glibc
#endif
import Synchronization

/// A TCP proxy on loopback that forwards to a server and, once `cutAfter` bytes have passed
/// in either direction (counted together), drops the connection there: a sync cut at any byte.
final class CuttingProxy: Sendable {
    let port: Int
    private let listener: Int32
    private let state: Mutex<(forwarded: Int, cut: Bool)>
    private let cutAfter: Int?

    /// With `healAfterCut`, connections opened after the cut pass untouched (a link that comes back).
    init(upstreamPort: Int, cutAfter: Int?, healAfterCut: Bool = false) throws {
        self.cutAfter = cutAfter
        state = Mutex((0, false))
        let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        self.listener = listener
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(listener, $0, length) } }
        guard bound == 0, listen(listener, 16) == 0 else { throw POSIXError(.EADDRINUSE) }
        _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(listener, $0, &length) } }
        port = Int(UInt16(bigEndian: address.sin_port))
        Thread.detachNewThread { [self] in
            while true {
                let client = accept(listener, nil, nil)
                if client < 0 { return }
                let server = CuttingProxy.connect(to: upstreamPort)
                guard server >= 0 else { Glibc.close(client); continue }
                let healed = healAfterCut && self.progress.cut
                Thread.detachNewThread { self.pump(from: client, to: server, untouched: healed) }
                Thread.detachNewThread { self.pump(from: server, to: client, untouched: healed) }
            }
        }
    }

    /// Bytes forwarded so far, and whether the cut happened.
    var progress: (forwarded: Int, cut: Bool) { state.withLock { $0 } }

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

    private func pump(from source: Int32, to target: Int32, untouched: Bool) {
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = read(source, &buffer, buffer.count)
            if count <= 0 { break }
            // How much of this chunk may pass before the cut.
            let allowed: Int = untouched ? count : state.withLock { state in
                if state.cut { return 0 }
                guard let cutAfter else { state.forwarded += count; return count }
                let passing = min(count, cutAfter - state.forwarded)
                state.forwarded += passing
                if state.forwarded >= cutAfter { state.cut = true }
                return passing
            }
            if allowed > 0 { _ = buffer.withUnsafeBytes { write(target, $0.baseAddress, allowed) } }
            if !untouched && (allowed < count || state.withLock({ $0.cut })) { break }
        }
        shutdown(source, Int32(SHUT_RDWR))
        shutdown(target, Int32(SHUT_RDWR))
    }
}
