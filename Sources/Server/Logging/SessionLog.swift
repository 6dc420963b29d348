import Foundation
import Logging
import Storage
import SyncCore

/// One log line per sync session: the requests of a session (named by the client in
/// `X-Gongkai-Session`) are added up, and the line is written when the client says it is done,
/// or, for a session cut short, when it has been idle for ten minutes.
actor SessionLog {
    struct Session {
        var unit: String
        var site: String
        var device: String
        var pushed = 0
        var pulled = 0
        var conflicts = 0
        var requests = 0
        var bytesIn = 0
        var bytesOut = 0
        let started: Double
        var lastSeen: Double
    }

    private var sessions: [String: Session] = [:]
    private let logger: Logger
    private let idleSeconds: Double

    init(logger: Logger, idleSeconds: Double = 600) {
        self.logger = logger
        self.idleSeconds = idleSeconds
    }

    func record(session id: String, access: DeviceAccess, sender: SiteInfo, pushed: Int = 0, pulled: Int = 0,
                conflicts: Int = 0, bytesIn: Int, bytesOut: Int) {
        let now = Date().timeIntervalSince1970
        sweep(now: now)
        var session = sessions[id] ?? Session(unit: access.unit.code, site: sender.site.rawValue, device: sender.deviceName,
                                              started: now, lastSeen: now)
        session.pushed += pushed
        session.pulled += pulled
        session.conflicts += conflicts
        session.requests += 1
        session.bytesIn += bytesIn
        session.bytesOut += bytesOut
        session.lastSeen = now
        sessions[id] = session
    }

    func finish(session id: String, converged: Bool) {
        guard let session = sessions.removeValue(forKey: id) else { return }
        write(session, outcome: converged ? "converged" : "not-converged", now: Date().timeIntervalSince1970)
    }

    private func sweep(now: Double) {
        for (id, session) in sessions where now - session.lastSeen > idleSeconds {
            sessions[id] = nil
            write(session, outcome: "incomplete", now: session.lastSeen)
        }
    }

    private func write(_ session: Session, outcome: String, now: Double) {
        logger.info("""
        sync unit=\(session.unit) site=\(session.site) device=\(session.device) pushed=\(session.pushed) \
        pulled=\(session.pulled) conflicts=\(session.conflicts) requests=\(session.requests) \
        bytes_in=\(session.bytesIn) bytes_out=\(session.bytesOut) duration=\(String(format: "%.2f", now - session.started))s \
        \(outcome)
        """)
    }
}
