import Foundation

/// The wall clock, read only at the edge. `GONGKAI_NOW` (Unix seconds) sets it for tests and
/// for replaying a run; it only ever labels changes, never decides a merge.
enum WallClock {
    static func now() -> Int64 {
        if let text = Environment.value("GONGKAI_NOW"), let value = Int64(text) { return value }
        return Int64(Date().timeIntervalSince1970)
    }

    /// Seconds on a clock that never jumps, for durations.
    static func monotonicSeconds() -> Double {
        Double(DispatchTime.now().uptimeNanoseconds) / 1e9
    }

    /// `2026-11-27 10:24` in local time.
    static func format(_ seconds: Int64) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.dateFormat = "yyyy-MM-dd HH:mm"
        return formatter.string(from: Date(timeIntervalSince1970: TimeInterval(seconds)))
    }

    /// `20261127-102405` in local time, for a file's name.
    static func fileStamp(_ seconds: Int64) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.dateFormat = "yyyyMMdd-HHmmss"
        return formatter.string(from: Date(timeIntervalSince1970: TimeInterval(seconds)))
    }

    /// ISO 8601 in UTC, for JSON.
    static func iso(_ seconds: Int64) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.timeZone = TimeZone(identifier: "UTC")
        return formatter.string(from: Date(timeIntervalSince1970: TimeInterval(seconds)))
    }
}
