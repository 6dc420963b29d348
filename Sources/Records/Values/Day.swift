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
        // A ledger's dates as spreadsheets leave them: `20210106`, or an Excel serial number
        // (days since 1899-12-30) where a date cell lost its format in a CSV.
        if trimmed.utf8.allSatisfy({ (48...57).contains($0) }) {
            let digits = Array(trimmed.utf8).map { Int($0) - 48 }
            if digits.count == 8 {
                let year = digits[0..<4].reduce(0) { $0 * 10 + $1 }, month = digits[4] * 10 + digits[5], day = digits[6] * 10 + digits[7]
                if let date = Day(year: year, month: month, day: day) { return .success(date) }
                return .failure(.notADate)
            }
            if digits.count == 5, let date = Day(excelSerial: digits.reduce(0) { $0 * 10 + $1 }) { return .success(date) }
        }
        var parts: [Int] = []
        var current = 0
        var digits = 0
        var separators = 0
        for scalar in trimmed.unicodeScalars {
            if let digit = scalar.asciiDigit {
                current = current * 10 + digit
                digits += 1
                if digits > 4 { return .failure(.notADate) }
            } else if Day.isSeparator(scalar) {
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

    /// `-`, `/`, `.`, `年`, `月`, `日`.
    private static func isSeparator(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x2D, 0x2F, 0x2E, 0x5E74, 0x6708, 0x65E5: true
        default: false
        }
    }

    public var description: String {
        // YYYY-MM-DD, written digit by digit (dates are formatted for every row of an import).
        String(unsafeUninitializedCapacity: 10) { buffer in
            func put(_ value: Int, width: Int, at start: Int) {
                var rest = value
                for position in stride(from: start + width - 1, through: start, by: -1) {
                    buffer[position] = UInt8(ascii: "0") + UInt8(rest % 10)
                    rest /= 10
                }
            }
            put(year, width: 4, at: 0)
            buffer[4] = UInt8(ascii: "-")
            put(month, width: 2, at: 5)
            buffer[7] = UInt8(ascii: "-")
            put(day, width: 2, at: 8)
            return 10
        }
    }

    public static func < (lhs: Day, rhs: Day) -> Bool {
        (lhs.year, lhs.month, lhs.day) < (rhs.year, rhs.month, rhs.day)
    }

    /// The day an Excel serial number stands for (1900 date system, serials from 1 March 1900),
    /// nil outside the years a record may carry.
    public init?(excelSerial serial: Int) {
        guard serial > 60 else { return nil }
        let civil = Day.civil(daysFrom1970: serial - 25_569)
        self.init(year: civil.year, month: civil.month, day: civil.day)
    }

    /// The proleptic Gregorian date `days` after 1970-01-01 (Howard Hinnant's algorithm), any year.
    public static func civil(daysFrom1970 days: Int) -> (year: Int, month: Int, day: Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1_460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let shifted = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * shifted + 2) / 5 + 1
        let month = shifted < 10 ? shifted + 3 : shifted - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
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
        // Nearly every value has no space at either end: a space's first UTF-8 byte is one of
        // the leads below and its last byte one of the tails, so if neither end has one, done.
        let utf8 = self.utf8
        guard let head = utf8.first, let tail = utf8.last else { return self }
        switch (head, tail) {
        case (0x20, _), (0x09, _), (0x0D, _), (0x0A, _), (0xE3, _), (0xC2, _): break  // U+3000 = E3 80 80, U+00A0 = C2 A0
        case (_, 0x20), (_, 0x09), (_, 0x0D), (_, 0x0A), (_, 0x80), (_, 0xA0): break
        default: return self
        }
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\u{3000}" || $0 == "\r" || $0 == "\n" || $0 == "\u{00A0}" }
        guard let first = firstIndex(where: { !isSpace($0) }) else { return "" }
        let last = lastIndex(where: { !isSpace($0) })!
        return String(self[first...last])
    }
}

extension String {
    /// Full-width digits and the punctuation of dates and numbers (０-９ ． － ／ ， ＋ ：) as their
    /// ASCII forms, which a Chinese input method types by default. Other text is unchanged.
    public func halfWidthDigits() -> String {
        // Full-width forms are three UTF-8 bytes led by 0xEF: most values have none.
        guard utf8.contains(0xEF) else { return self }
        return String(String.UnicodeScalarView(unicodeScalars.map { scalar in
            switch scalar.value {
            case 0xFF10...0xFF19, 0xFF0E, 0xFF0D, 0xFF0F, 0xFF0C, 0xFF0B, 0xFF1A: Unicode.Scalar(scalar.value - 0xFEE0)!
            default: scalar
            }
        }))
    }
}
