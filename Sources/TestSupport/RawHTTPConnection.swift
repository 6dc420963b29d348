#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// One TCP connection to a server on 127.0.0.1, driven byte by byte: what a hostile or broken
/// client sends (half a request head, a body that never ends, a crafted message), and what the
/// server answers. Keep-alive: several requests may go over one connection.
public final class RawHTTPConnection {
    public struct Failed: Error, CustomStringConvertible {
        public let what: String
        public var description: String { what }
    }

    /// An answer: the status, the headers (names lower-cased) and the body as sent (not unzipped).
    public struct Response: Sendable {
        public let status: Int
        public let headers: [String: String]
        public let body: [UInt8]

        public var text: String { String(decoding: body, as: UTF8.self) }

        /// The `error.code` of a JSON error body, when there is one.
        public var errorCode: String? {
            let object = try? JSONSerialization.jsonObject(with: Data(body)) as? [String: Any]
            return (object?["error"] as? [String: Any])?["code"] as? String
        }

        public var errorMessage: String? {
            let object = try? JSONSerialization.jsonObject(with: Data(body)) as? [String: Any]
            return (object?["error"] as? [String: Any])?["message"] as? String
        }
    }

    private let socket: Int32
    private var buffered: [UInt8] = []
    public private(set) var isClosed = false

    /// Connects to 127.0.0.1:`port`; a read waits at most `readTimeout` seconds. `source`: the
    /// loopback address to connect from (127.0.0.2 is another client to the server);
    /// `receiveBuffer`: the kernel's receive buffer in bytes, small for a client that reads nothing.
    public init(port: Int, readTimeout: Double = 30, source: String? = nil, receiveBuffer: Int32? = nil) throws {
        socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard socket >= 0 else { throw Failed(what: "socket: errno \(errno)") }
        if var size = receiveBuffer {
            setsockopt(socket, SOL_SOCKET, SO_RCVBUF, &size, socklen_t(MemoryLayout<Int32>.size))
        }
        if let source {
            var local = sockaddr_in()
            local.sin_family = sa_family_t(AF_INET)
            local.sin_addr.s_addr = inet_addr(source)
            let bound = withUnsafePointer(to: &local) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
            guard bound == 0 else {
                let failure = Failed(what: "bind to \(source): errno \(errno)")
                Glibc.close(socket)
                throw failure
            }
        }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else {
            let failure = Failed(what: "connect to 127.0.0.1:\(port): errno \(errno)")
            Glibc.close(socket)
            throw failure
        }
        setReadTimeout(readTimeout)
    }

    deinit { close() }

    public func close() {
        guard !isClosed else { return }
        isClosed = true
        Glibc.close(socket)
    }

    public func setReadTimeout(_ seconds: Double) {
        var timeout = timeval(tv_sec: Int(seconds), tv_usec: Int((seconds - seconds.rounded(.down)) * 1_000_000))
        setsockopt(socket, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    }

    /// Sends `bytes`; false when the server has closed the connection.
    @discardableResult
    public func send(_ bytes: [UInt8]) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let sent = bytes[offset...].withUnsafeBytes { Glibc.send(socket, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if sent <= 0 { return false }
            offset += sent
        }
        return true
    }

    @discardableResult
    public func send(_ text: String) -> Bool { send(Array(text.utf8)) }

    /// Says that nothing more will be sent (a half-close); the answer can still be read.
    public func finishSending() {
        shutdown(socket, Int32(SHUT_WR))
    }

    /// The head of a request (ending in the blank line), with `Content-Length` for `bodyLength`.
    public static func head(_ method: String, _ path: String, headers: [String: String], bodyLength: Int?) -> String {
        var lines = ["\(method) \(path) HTTP/1.1", "Host: 127.0.0.1"]
        for (name, value) in headers.sorted(by: { $0.key < $1.key }) { lines.append("\(name): \(value)") }
        if let bodyLength { lines.append("Content-Length: \(bodyLength)") }
        return lines.joined(separator: "\r\n") + "\r\n\r\n"
    }

    /// Sends a whole request and reads its answer.
    public func request(_ method: String, _ path: String, headers: [String: String] = [:], body: [UInt8] = []) throws -> Response {
        let head = Self.head(method, path, headers: headers, bodyLength: method == "GET" && body.isEmpty ? nil : body.count)
        guard send(Array(head.utf8) + body) else { throw Failed(what: "the server closed the connection while \(method) \(path) was sent") }
        return try readResponse()
    }

    /// Reads one answer (a `Content-Length` or chunked body).
    public func readResponse() throws -> Response {
        let separator: [UInt8] = [13, 10, 13, 10]
        var headEnd: Int?
        while headEnd == nil {
            headEnd = firstIndex(of: separator)
            if headEnd == nil { guard try fill() else { throw Failed(what: "connection closed before an answer's head") } }
        }
        let head = String(decoding: buffered[..<headEnd!], as: UTF8.self)
        buffered.removeFirst(headEnd! + 4)
        var lines = head.components(separatedBy: "\r\n")
        let statusLine = lines.removeFirst().split(separator: " ")
        guard statusLine.count >= 2, let status = Int(statusLine[1]) else { throw Failed(what: "not an HTTP answer: \(head.prefix(80))") }
        var headers: [String: String] = [:]
        for line in lines {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        var body: [UInt8] = []
        if let length = headers["content-length"].flatMap(Int.init) {
            while buffered.count < length { guard try fill() else { throw Failed(what: "connection closed inside an answer's body") } }
            body = Array(buffered.prefix(length))
            buffered.removeFirst(length)
        } else if headers["transfer-encoding"]?.lowercased().contains("chunked") == true {
            while true {
                var lineEnd = firstIndex(of: [13, 10])
                while lineEnd == nil {
                    guard try fill() else { throw Failed(what: "connection closed inside a chunk") }
                    lineEnd = firstIndex(of: [13, 10])
                }
                let sizeText = String(decoding: buffered[..<lineEnd!], as: UTF8.self).split(separator: ";").first ?? ""
                guard let size = Int(sizeText.trimmingCharacters(in: .whitespaces), radix: 16) else { throw Failed(what: "bad chunk size") }
                buffered.removeFirst(lineEnd! + 2)
                while buffered.count < size + 2 { guard try fill() else { throw Failed(what: "connection closed inside a chunk") } }
                body += buffered.prefix(size)
                buffered.removeFirst(size + 2)
                if size == 0 { break }
            }
        }
        return Response(status: status, headers: headers, body: body)
    }

    /// Waits until the server closes the connection: the seconds it took, or nil when it was
    /// still open after `limit` seconds. Whatever the server sends meanwhile is read and dropped.
    public func secondsUntilClosed(limit: Double) -> Double? {
        let started = Date()
        setReadTimeout(0.25)
        var chunk = [UInt8](repeating: 0, count: 4096)
        while Date().timeIntervalSince(started) < limit {
            let count = chunk.withUnsafeMutableBytes { recv(socket, $0.baseAddress, $0.count, 0) }
            if count == 0 { return Date().timeIntervalSince(started) }
            if count < 0, errno != EAGAIN, errno != EWOULDBLOCK, errno != EINTR { return Date().timeIntervalSince(started) }
        }
        return nil
    }

    /// Whether the server has closed the connection, without waiting; what it sent is dropped.
    public func peerHasClosed() -> Bool {
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = chunk.withUnsafeMutableBytes { recv(socket, $0.baseAddress, $0.count, Int32(MSG_DONTWAIT)) }
            if count > 0 { continue }
            if count == 0 { return true }
            return errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR
        }
    }

    private func fill() throws -> Bool {
        var chunk = [UInt8](repeating: 0, count: 65_536)
        while true {
            let count = chunk.withUnsafeMutableBytes { recv(socket, $0.baseAddress, $0.count, 0) }
            if count > 0 {
                buffered += chunk.prefix(count)
                return true
            }
            if count == 0 { return false }
            if errno == EINTR { continue }
            if errno == EAGAIN || errno == EWOULDBLOCK { throw Failed(what: "no answer within the read timeout") }
            return false
        }
    }

    private func firstIndex(of pattern: [UInt8]) -> Int? {
        guard buffered.count >= pattern.count else { return nil }
        for start in 0...(buffered.count - pattern.count) where buffered[start] == pattern[0] {
            if buffered[start..<start + pattern.count].elementsEqual(pattern) { return start }
        }
        return nil
    }
}
