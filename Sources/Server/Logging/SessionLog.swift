import Foundation
import Logging
import SyncCore

/// One log line per sync session. A session is named by the client (`X-Gongkai-Session`) but
/// kept per device token: a device can only add to, and close, sessions of its own. The line is
/// written when the client says it is done, or, for a session cut short, once it has been idle
/// for ten minutes. Everything the client chose is escaped (`LogText`).
actor SessionLog {
    struct Session {
        var unit: String
        var site: String
        var device: String
        var token: String
        var client: String
        var pushed = 0
        var pulled = 0
        var conflicts = 0
        var requests = 0
        var bytesIn = 0
        var bytesOut = 0
        let started: Double
        var lastSeen: Double
    }

    private struct Key: Hashable {
        let device: String
        let session: String
    }

    private var sessions: [Key: Session] = [:]
    private let logger: Logger
    private let idleSeconds: Double

    init(logger: Logger, idleSeconds: Double = 600) {
        self.logger = logger
        self.idleSeconds = idleSeconds
    }

    func record(session id: String, access: DeviceAccess, client: String, sender: SiteInfo, pushed: Int = 0, pulled: Int = 0,
                conflicts: Int = 0, bytesIn: Int, bytesOut: Int) {
        let now = Date().timeIntervalSince1970
        sweep(now: now)
        let key = Key(device: access.device, session: id)
        var session = sessions[key] ?? Session(unit: access.unit.code, site: sender.site.rawValue, device: sender.deviceName,
                                               token: String(access.device.prefix(8)), client: client, started: now, lastSeen: now)
        session.pushed += pushed
        session.pulled += pulled
        session.conflicts += conflicts
        session.requests += 1
        session.bytesIn += bytesIn
        session.bytesOut += bytesOut
        session.lastSeen = now
        sessions[key] = session
    }

    func finish(session id: String, access: DeviceAccess, converged: Bool) {
        guard let session = sessions.removeValue(forKey: Key(device: access.device, session: id)) else { return }
        write(session, outcome: converged ? "converged" : "not-converged", now: Date().timeIntervalSince1970)
    }

    private func sweep(now: Double) {
        for (key, session) in sessions where now - session.lastSeen > idleSeconds {
            sessions[key] = nil
            write(session, outcome: "incomplete", now: session.lastSeen)
        }
    }

    private func write(_ session: Session, outcome: String, now: Double) {
        // In words for the township's administrator first, then the same as key=value for tools.
        let seconds = String(format: "%.2f", now - session.started)
        let state = switch outcome {
        case "converged": "同步完成, 双方一致"
        case "not-converged": "同步完成, 双方尚不一致"
        default: "同步中断 (客户端没有结束这次同步)"
        }
        let words = "\(state): \(LogText.quoted(session.device)) "
            + "(单位 \(LogText.quoted(session.unit))) 推送 \(session.pushed) 条, 拉取 \(session.pulled) 条, 冲突 \(session.conflicts) 处, 用时 \(seconds) 秒"
        logger.info("""
        \(words) | sync unit=\(LogText.quoted(session.unit)) site=\(session.site) device=\(LogText.quoted(session.device)) \
        token=\(session.token) client=\(LogText.quoted(session.client)) pushed=\(session.pushed) \
        pulled=\(session.pulled) conflicts=\(session.conflicts) requests=\(session.requests) \
        bytes_in=\(session.bytesIn) bytes_out=\(session.bytesOut) duration=\(String(format: "%.2f", now - session.started))s \
        \(outcome)
        """)
    }
}
