/// The administrative division codes units go by (统计用区划代码): twelve digits, two for the
/// province, two for the city, two for the county, three for the township, three for the
/// village; a unit of a level fills the levels below it with zeros (海原县 640522000000, 西安镇
/// 640522100000, 园河村 640522100201).
public enum DivisionCode {
    /// Where each level's digits end.
    static let levelEnds = [2, 4, 6, 9, 12]

    /// The digits that name `code`'s division: the code without the zeros of the levels below it
    /// (640522100000 → 640522100); nil for a code that is not twelve digits.
    public static func prefix(of code: String) -> String? {
        let digits = Array(code.utf8)
        guard digits.count == 12, digits.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }) else { return nil }
        var end = 0
        for (start, stop) in zip([0] + levelEnds.dropLast(), levelEnds) where digits[start..<stop].contains(where: { $0 != UInt8(ascii: "0") }) {
            end = stop
        }
        return end == 0 ? nil : String(decoding: digits[..<end], as: UTF8.self)
    }

    /// Whether `child` is a division within `parent`'s: both division codes, the child's below
    /// the parent's level and under its digits (640522101201 is within 640522101000, not within
    /// 640522100000).
    public static func contains(_ parent: String, _ child: String) -> Bool {
        guard let outer = prefix(of: parent), let inner = prefix(of: child) else { return false }
        return inner.count > outer.count && inner.hasPrefix(outer)
    }
}
