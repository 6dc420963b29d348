@testable import OfficeFiles
import Testing

@Suite("Excel's serial dates and number formats")
struct ExcelDatesTests {
    @Test("serial days to dates in the 1900 system (with its phantom 29 February) and the 1904 system", arguments: [
        (1.0, false, "1900-01-01"), (59.0, false, "1900-02-28"), (61.0, false, "1900-03-01"), (44197.0, false, "2021-01-01"),
        (44257.75, false, "2021-03-02"), (2_958_465.0, false, "9999-12-31"), (0.0, true, "1904-01-01"), (42735.0, true, "2021-01-01"),
    ])
    func days(serial: Double, date1904: Bool, day: String) {
        #expect(ExcelDates.day(serial: serial, date1904: date1904) == day)
    }

    @Test("dates written as serials read back as the same dates; text that is no date has none", arguments: [
        ("1900-03-01", 61 as Int?), ("2021-01-01", 44197), ("2021-03-02", 44257), ("2000-02-29", 36585), ("9999-12-31", 2_958_465),
        ("1900-02-28", nil), ("2021-02-29", nil), ("2021-13-01", nil), ("2021-1-5", nil), ("", nil),
    ])
    func serials(day: String, serial: Int?) {
        #expect(ExcelDates.serial(of: day) == serial)
        if let serial { #expect(ExcelDates.day(serial: Double(serial), date1904: false) == day) }
    }

    @Test("days that are not: the phantom 1900-02-29, before the first day, past 9999")
    func notDays() {
        #expect(ExcelDates.day(serial: 60, date1904: false) == nil)
        #expect(ExcelDates.day(serial: 0, date1904: false) == nil)
        #expect(ExcelDates.day(serial: -1, date1904: true) == nil)
        #expect(ExcelDates.day(serial: 2_958_466, date1904: false) == nil)
    }

    @Test("date formats: built-in ids (Chinese Excel's 27–36 and 50–58 too) and codes with a year, day or 年月日", arguments: [
        (14, nil as String?, true), (22, nil, true), (31, nil, true), (57, nil, true), (0, nil, false), (2, nil, false), (49, nil, false),
        (176, "yyyy/m/d", true), (177, "yyyy\"年\"m\"月\"d\"日\"", true), (178, "[$-F800]dddd, mmmm dd, yyyy", true),
        (179, "0.00_);[Red](0.00)", false), (180, "\"day\"0", false), (181, "h:mm:ss", false), (182, "m月d日", true),
    ])
    func formats(id: Int, code: String?, isDate: Bool) {
        #expect(ExcelDates.isDateFormat(id: id, code: code) == isDate)
    }

    @Test("numbers as the shortest text that keeps 15 significant digits", arguments: [
        (567.89000000000001, "567.89"), (12_340_000.0, "12340000"), (0.05, "0.05"), (640_522_100_201.0, "640522100201"),
        (0.1 + 0.2, "0.3"), (-3.0, "-3"), (1e-7, "0.0000001"),
    ])
    func numbers(value: Double, text: String) {
        #expect(SheetParser.canonical(value) == text)
    }
}
