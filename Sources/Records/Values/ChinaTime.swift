import Foundation

/// Times shown to people, in China's time zone (UTC+8, no daylight saving).
public enum ChinaTime {
    /// `2021-03-20` for a moment given in Unix seconds.
    public static func day(_ seconds: Int64) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(secondsFromGMT: 8 * 3600)!
        let parts = calendar.dateComponents([.year, .month, .day], from: Date(timeIntervalSince1970: TimeInterval(seconds)))
        return String(format: "%04d-%02d-%02d", parts.year ?? 0, parts.month ?? 0, parts.day ?? 0)
    }
}
