import Synchronization

/// At most a few requests of one device token at a time: one laptop's sync sends one request
/// after another, so more at once is a script, and it must not take every thread of the server.
final class TokenGate: Sendable {
    private let limit: Int
    private let running = Mutex<[String: Int]>([:])

    init(limit: Int) {
        self.limit = limit
    }

    /// Counts a request of `device` in; false (and nothing counted) when it already has `limit`.
    func enter(_ device: String) -> Bool {
        running.withLock { running in
            guard running[device, default: 0] < limit else { return false }
            running[device, default: 0] += 1
            return true
        }
    }

    func leave(_ device: String) {
        running.withLock { running in
            let left = running[device, default: 1] - 1
            running[device] = left > 0 ? left : nil
        }
    }
}
