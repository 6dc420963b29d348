import Foundation
import Logging
import Synchronization

/// Requests refused for want of a valid token (401), logged as a summary rather than a line
/// each: a script hammering the server with a wrong token must not flood the log. The first in
/// a window is logged in full; the rest are counted and written as one line when the window
/// ends (checked as refusals come in, and by `flush`, which the server calls every window).
final class RefusalSummary: Sendable {
    private struct Window {
        var started: Double
        var count = 0
        var clients: Set<String> = []
        var codes: [String: Int] = [:]
    }

    private let logger: Logger
    private let seconds: Double
    private let clock: @Sendable () -> Double
    private let window = Mutex<Window?>(nil)

    init(logger: Logger, seconds: Double = 60, clock: @escaping @Sendable () -> Double = { Date().timeIntervalSince1970 }) {
        self.logger = logger
        self.seconds = seconds
        self.clock = clock
    }

    /// A 401: `code` (unauthorized, token_revoked) from `client` for `path`.
    func refused(code: String, client: String, path: String) {
        let now = clock()
        let (first, ended) = window.withLock { window -> (Bool, Window?) in
            var ended: Window?
            if let current = window, now - current.started >= seconds {
                ended = current.count > 0 ? current : nil
                window = nil
            }
            if window == nil {
                window = Window(started: now)
                return (true, ended)
            }
            window!.count += 1
            window!.clients.insert(client)
            window!.codes[code, default: 0] += 1
            return (false, ended)
        }
        if let ended { write(ended) }
        if first {
            logger.warning("refused 401 \(code) client=\(LogText.quoted(client)) path=\(LogText.quoted(path)) (more in the next \(Int(seconds)) s are counted, not logged one by one)")
        }
    }

    /// Writes the summary of a window that has ended.
    func flush() {
        let now = clock()
        let ended = window.withLock { window -> Window? in
            guard let current = window, now - current.started >= seconds else { return nil }
            window = nil
            return current.count > 0 ? current : nil
        }
        if let ended { write(ended) }
    }

    private func write(_ window: Window) {
        let codes = window.codes.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
        logger.warning("refused 401 another \(window.count) times in \(Int(seconds)) s from \(window.clients.count) clients: \(codes)")
    }
}
