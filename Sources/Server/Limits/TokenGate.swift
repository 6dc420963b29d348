import Synchronization

/// At most a few requests of one device token at a time, each counted until its answer is
/// written (an answer the client does not read keeps its place), and at most a few connections
/// of one token: one laptop's sync sends one request after another on one connection, so more at
/// once is a script, and it must not take every thread or the memory of the server.
final class TokenGate: Sendable {
    enum Admission: Equatable {
        /// Counted in; `newConnection` the first request of this token on this connection.
        case admitted(newConnection: Bool)
        case tooManyRequests
        case tooManyConnections
    }

    private struct Device {
        var running = 0
        var connections: Set<ObjectIdentifier> = []
    }

    private let limit: Int
    private let connectionLimit: Int
    private let devices = Mutex<[String: Device]>([:])

    init(limit: Int, connectionLimit: Int) {
        self.limit = limit
        self.connectionLimit = connectionLimit
    }

    /// Counts a request of `device` on `connection` in, unless the device already has `limit`
    /// requests running or `connectionLimit` other connections open.
    func enter(_ device: String, connection: ObjectIdentifier) -> Admission {
        devices.withLock { devices in
            var state = devices[device, default: Device()]
            let newConnection = !state.connections.contains(connection)
            if newConnection && state.connections.count >= connectionLimit { return .tooManyConnections }
            guard state.running < limit else { return .tooManyRequests }
            state.running += 1
            state.connections.insert(connection)
            devices[device] = state
            return .admitted(newConnection: newConnection)
        }
    }

    /// A request's answer is written (or will never be).
    func leave(_ device: String) {
        devices.withLock { devices in
            guard var state = devices[device] else { return }
            state.running = max(0, state.running - 1)
            devices[device] = state.running == 0 && state.connections.isEmpty ? nil : state
        }
    }

    /// A connection that carried the device's requests has closed.
    func disconnected(_ device: String, connection: ObjectIdentifier) {
        devices.withLock { devices in
            guard var state = devices[device] else { return }
            state.connections.remove(connection)
            devices[device] = state.running == 0 && state.connections.isEmpty ? nil : state
        }
    }
}

/// A request's place at its token's gate, given up when the last reference goes: after its
/// answer is written, or when the answer is dropped unwritten (the connection closed first).
final class GatePlace: Sendable {
    private let gate: TokenGate
    private let device: String

    init(gate: TokenGate, device: String) {
        self.gate = gate
        self.device = device
    }

    deinit { gate.leave(device) }
}
