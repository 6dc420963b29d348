#if canImport(Glibc)
import Glibc
#endif

/// A TCP socket listening on 127.0.0.1 at a free port, for the test servers and proxies that
/// stand between the client and the real server.
public enum LoopbackListener {
    public struct Failed: Error, CustomStringConvertible {
        public let errno: Int32
        public var description: String { "cannot listen on 127.0.0.1: errno \(errno)" }
    }

    /// The listening socket and the port the system chose.
    public static func open(backlog: Int32 = 16) throws -> (socket: Int32, port: Int) {
        let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard listener >= 0 else { throw Failed(errno: errno) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(listener, $0, length) } }
        guard bound == 0, listen(listener, backlog) == 0 else {
            let failure = Failed(errno: errno)
            close(listener)
            throw failure
        }
        _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(listener, $0, &length) } }
        return (listener, Int(UInt16(bigEndian: address.sin_port)))
    }
}
