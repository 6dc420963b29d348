import Foundation

/// The requests and bytes `gongkai sync` reports on its standard error (its last line:
/// "请求 N 次, 发送 N 字节, 接收 N 字节"), for the tests and benchmarks that check them.
public struct WireCost: Equatable, Sendable {
    public let requests: Int
    public let sent: Int
    public let received: Int
    public var bytes: Int { sent + received }

    public struct Missing: Error, CustomStringConvertible {
        public let stderr: String
        public var description: String { "no request and byte counts in the sync's output: \(stderr.suffix(300))" }
    }

    public init(_ stderr: String) throws {
        let regex = try NSRegularExpression(pattern: #"请求 (\d+) 次, 发送 (\d+) 字节, 接收 (\d+) 字节"#)
        guard let match = regex.firstMatch(in: stderr, range: NSRange(stderr.startIndex..., in: stderr)) else { throw Missing(stderr: stderr) }
        func number(_ index: Int) -> Int { Int((stderr as NSString).substring(with: match.range(at: index))) ?? 0 }
        (requests, sent, received) = (number(1), number(2), number(3))
    }
}
