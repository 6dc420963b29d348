/// A calendar day, written YYYY-MM-DD. Comparable; its text sorts in date order.
public struct Day: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let year: Int
    public let month: Int
    public let day: Int

    /// The years a disclosure record can plausibly carry; anything else is a typing error.
    public static let plausibleYears = 1949...2100

    public init?(year: Int, month: Int, day: Int) {
        guard Day.plausibleYears.contains(year), (1...12).contains(month),
              (1...Day.daysIn(month: month, year: year)).contains(day) else { return nil }
        self.year = year
        self.month = month
        self.day = day
    }

    /// Parses `2020-03-05`, and the spellings spreadsheets produce: `2020-3-5`, `2020/3/5`,
    /// `2020.3.5`, `2020年3月5日`.
    public init?(parsing text: String) {
        switch Day.parse(text) {
        case .success(let day): self = day
        case .failure: return nil
        }
    }

    public static func parse(_ text: String) -> Result<Day, DayProblem> {
        let trimmed = text.trimmingSpaces()
        var parts: [Int] = []
        var current = 0
        var digits = 0
        var separators = 0
        for scalar in trimmed.unicodeScalars {
            if let digit = scalar.asciiDigit {
                current = current * 10 + digit
                digits += 1
                if digits > 4 { return .failure(.notADate) }
            } else if "-/.年月日".unicodeScalars.contains(scalar) {
                guard digits > 0 else { return .failure(.notADate) }
                parts.append(current)
                current = 0
                digits = 0
                separators += 1
            } else {
                return .failure(.notADate)
            }
        }
        if digits > 0 { parts.append(current) }
        guard parts.count == 3, separators >= 2 else { return .failure(.notADate) }
        let (year, month, day) = (parts[0], parts[1], parts[2])
        guard Day.plausibleYears.contains(year) else { return .failure(.implausibleYear(year)) }
        guard let value = Day(year: year, month: month, day: day) else { return .failure(.noSuchDay) }
        return .success(value)
    }

    public var description: String {
        "\(Day.pad(year, 4))-\(Day.pad(month, 2))-\(Day.pad(day, 2))"
    }

    public static func < (lhs: Day, rhs: Day) -> Bool {
        (lhs.year, lhs.month, lhs.day) < (rhs.year, rhs.month, rhs.day)
    }

    public static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: isLeap(year) ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    public static func isLeap(_ year: Int) -> Bool {
        (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
    }

    private static func pad(_ value: Int, _ width: Int) -> String {
        let text = String(value)
        return String(repeating: "0", count: max(0, width - text.count)) + text
    }
}

public enum DayProblem: Error, Sendable, Equatable {
    case notADate
    case implausibleYear(Int)
    case noSuchDay

    public var message: String {
        switch self {
        case .notADate: "不是日期; 请写成 YYYY-MM-DD, 例如 2020-03-05"
        case .implausibleYear(let year): "年份 \(year) 不合理; 年份应在 \(Day.plausibleYears.lowerBound) 到 \(Day.plausibleYears.upperBound) 之间"
        case .noSuchDay: "日历上没有这一天 (检查月份和日期)"
        }
    }
}

extension Unicode.Scalar {
    var asciiDigit: Int? {
        (48...57).contains(value) ? Int(value - 48) : nil
    }
}

extension String {
    /// Trims ASCII and full-width spaces, tabs and line breaks at both ends.
    public func trimmingSpaces() -> String {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\u{3000}" || $0 == "\r" || $0 == "\n" || $0 == "\u{00A0}" }
        guard let first = firstIndex(where: { !isSpace($0) }) else { return "" }
        let last = lastIndex(where: { !isSpace($0) })!
        return String(self[first...last])
    }
}
