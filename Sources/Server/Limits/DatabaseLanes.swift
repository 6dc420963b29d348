import Dispatch
import Foundation
import Synchronization

/// Where the server's blocking database work runs: on threads of its own, never on the few
/// threads that run Swift tasks and the network. Writes go one at a time down one lane when the
/// store has one writer (SQLite), many at once when it takes concurrent writes (PostgreSQL);
/// reads go down another, many at once, each on a connection of its own, so that status, health
/// and pulls never wait behind a push being merged.
final class DatabaseLanes: Sendable {
    private let writes: DispatchQueue
    private let reads = DispatchQueue(label: "gongkai.database.reads", attributes: .concurrent)

    init(concurrentWrites: Bool = false) {
        writes = DispatchQueue(label: "gongkai.database.writes", attributes: concurrentWrites ? .concurrent : [])
    }
    private let queued = Mutex(WriteQueue())

    /// The writes waiting or running, and since when the oldest has waited (for `/v1/health`).
    struct WriteQueue: Sendable {
        var count = 0
        var oldest: [Int: Double] = [:]
        var next = 0
    }

    func write<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        let ticket = queued.withLock { queue in
            queue.count += 1
            queue.next += 1
            queue.oldest[queue.next] = Date().timeIntervalSince1970
            return queue.next
        }
        defer {
            queued.withLock { queue in
                queue.count -= 1
                queue.oldest[ticket] = nil
            }
        }
        return try await run(on: writes, body)
    }

    func read<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await run(on: reads, body)
    }

    /// How many writes wait or run, and how long the oldest of them has.
    var writeQueue: (count: Int, oldestSeconds: Double) {
        let now = Date().timeIntervalSince1970
        return queued.withLock { queue in (queue.count, queue.oldest.values.min().map { now - $0 } ?? 0) }
    }

    private func run<T: Sendable>(on queue: DispatchQueue, _ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            queue.async { continuation.resume(with: Result { try body() }) }
        }
    }
}
