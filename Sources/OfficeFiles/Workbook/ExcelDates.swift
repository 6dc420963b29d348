import Records

/// Excel's serial dates: a number of days, counted from 1900 (with the 29 February 1900 that
/// Lotus 1-2-3 invented and Excel kept) or, in a workbook marked `date1904`, from 1904.
public enum ExcelDates {
    /// `YYYY-MM-DD` of a serial date (its time of day dropped), or nil for one before the
    /// system's first day or past 9999.
    public static func day(serial: Double, date1904: Bool) -> String? {
        guard serial.isFinite, serial >= (date1904 ? 0 : 1), serial < 2_958_466 else { return nil }
        let whole = Int(serial.rounded(.down))
        let daysFrom1970: Int
        if date1904 {
            daysFrom1970 = whole - 24_107                  // 1904-01-01 is 24,107 days before 1970-01-01
        } else if whole >= 61 {
            daysFrom1970 = whole - 25_569                  // serial 25,569 is 1970-01-01
        } else if whole == 60 {
            return nil                                     // 1900-02-29, the day that never was
        } else {
            daysFrom1970 = whole - 25_568                  // before the phantom day, one fewer
        }
        return civil(daysFrom1970)
    }

    /// The 1900-system serial of `YYYY-MM-DD`, for dates from 1900-03-01 (before it the
    /// phantom leap day shifts Excel's count); nil for any other text.
    public static func serial(of day: String) -> Int? {
        let parts = day.split(separator: "-")
        guard day.count == 10, parts.count == 3, let year = Int(parts[0]), let month = Int(parts[1]), let dayOfMonth = Int(parts[2]),
              (1...12).contains(month), (1...31).contains(dayOfMonth) else { return nil }
        let days = daysFrom1970(year: year, month: month, day: dayOfMonth)
        guard civil(days) == day else { return nil }
        let serial = days + 25_569
        return serial >= 61 ? serial : nil
    }

    static func daysFrom1970(year: Int, month: Int, day: Int) -> Int {
        let shiftedYear = month <= 2 ? year - 1 : year
        let era = (shiftedYear >= 0 ? shiftedYear : shiftedYear - 399) / 400
        let yearOfEra = shiftedYear - era * 400
        let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    /// Days since 1970-01-01 to `YYYY-MM-DD` (the proleptic Gregorian calendar).
    static func civil(_ days: Int) -> String {
        let (year, month, day) = Day.civil(daysFrom1970: days)
        func padded(_ value: Int, _ width: Int) -> String {
            let text = String(value)
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }
        return "\(padded(year, 4))-\(padded(month, 2))-\(padded(day, 2))"
    }

    /// Whether a number format shows a date: Excel's built-in date formats (14–22, and 27–36
    /// and 50–58, the ones Chinese, Japanese and Korean Excel use), or a format code with a
    /// year, month-with-day or Chinese date word outside quotes and brackets.
    public static func isDateFormat(id: Int, code: String?) -> Bool {
        if (14...22).contains(id) || (27...36).contains(id) || (50...58).contains(id) { return true }
        guard let code else { return false }
        var visible = ""
        var inQuote = false, inBracket = false, escaped = false
        for character in code {
            if escaped { escaped = false; continue }
            switch character {
            case "\\": escaped = true
            case "\"": inQuote.toggle()
            case "[" where !inQuote: inBracket = true
            case "]" where !inQuote: inBracket = false
            default: if !inQuote && !inBracket { visible.append(character) }
            }
        }
        let lowered = visible.lowercased()
        return lowered.contains("y") || lowered.contains("d") || visible.contains("年") || visible.contains("月") || visible.contains("日")
    }
}
