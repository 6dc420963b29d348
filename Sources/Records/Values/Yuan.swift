/// An amount of money in yuan, held exactly as a whole number of fen (0.01 yuan).
/// Never floating point: sums are exact and print exactly.
public struct Yuan: Hashable, Comparable, Sendable, Codable, CustomStringConvertible {
    public let fen: Int64

    /// Larger than any township's annual figures by orders of magnitude, and far from overflow.
    public static let maximumFen: Int64 = 1_000_000_000_000_000

    public init(fen: Int64) { self.fen = fen }

    // The most one record may plausibly hold (spec: docs/PROTOCOL.md, "Amounts"): a request's
    // information-processing fee, a fee collected, a procurement contract. Larger is a misplaced
    // decimal point or fen typed as yuan, refused at capture and by the server.
    public static let plausibleRequestFee = Yuan(fen: 1_000_000 * 100)
    public static let plausibleFee = Yuan(fen: 1_000_000_000 * 100)
    public static let plausibleProcurement = Yuan(fen: 10_000_000_000 * 100)
    /// The most one figure of a report (a year's fees, procurement or request fees over a unit's
    /// subtree) may plausibly be; `report check` names the units and records beyond it.
    public static let plausibleReportTotal = Yuan(fen: 100_000_000_000 * 100)

    /// Parses `1234`, `1234.5`, `1,234.50`, `1234.50元`, `¥1234.50`. At most two decimals.
    public static func parse(_ text: String) -> Result<Yuan, YuanProblem> {
        var body = Substring(text.trimmingSpaces())
        for prefix in ["¥", "￥"] where body.hasPrefix(prefix) { body = body.dropFirst(prefix.count) }
        if body.hasSuffix("元") { body = body.dropLast() }
        body = Substring(String(body).trimmingSpaces())
        guard !body.isEmpty else { return .failure(.notAnAmount) }
        if body.first == "-" || body.first == "－" { return .failure(.negative) }
        if body.first == "+" { body = body.dropFirst() }
        var whole: Int64 = 0
        var fraction: Int64 = 0
        var fractionDigits = 0
        var seenPoint = false
        var digits = 0
        for scalar in body.unicodeScalars {
            if let digit = scalar.asciiDigit {
                digits += 1
                if seenPoint {
                    fractionDigits += 1
                    guard fractionDigits <= 2 else { return .failure(.tooManyDecimals) }
                    fraction = fraction * 10 + Int64(digit)
                } else {
                    whole = whole * 10 + Int64(digit)
                    guard whole <= maximumFen / 100 else { return .failure(.tooLarge) }
                }
            } else if scalar == "." && !seenPoint {
                seenPoint = true
            } else if scalar == "," && !seenPoint {
                continue
            } else {
                return .failure(.notAnAmount)
            }
        }
        guard digits > 0 else { return .failure(.notAnAmount) }
        if fractionDigits == 1 { fraction *= 10 }
        return .success(Yuan(fen: whole * 100 + fraction))
    }

    /// Canonical text: no grouping, no trailing zeros (`1234.5`, `1234`, `0.05`).
    public var description: String { Yuan.text(fen: Int128(fen)) }

    /// The canonical text of any number of fen, a sum too large for one amount included.
    public static func text(fen: Int128) -> String {
        let sign = fen < 0 ? "-" : ""
        let whole = fen.magnitude / 100
        let cents = fen.magnitude % 100
        if cents == 0 { return sign + String(whole) }
        if cents % 10 == 0 { return "\(sign)\(whole).\(cents / 10)" }
        return "\(sign)\(whole).\(cents < 10 ? "0" : "")\(cents)"
    }

    /// The amount in 万元 exactly, trailing zeros dropped (7730.28, 96171.6, 1234.056789, 0):
    /// 0.01 yuan is 0.000001 万元, so six decimals hold every fen.
    public var wanYuanDescription: String {
        let sign = fen < 0 ? "-" : ""
        let magnitude = fen.magnitude
        let whole = magnitude / Yuan.fenPerWanYuan
        var fraction = magnitude % Yuan.fenPerWanYuan
        guard fraction != 0 else { return sign + String(whole) }
        var width = 6
        while fraction % 10 == 0 { fraction /= 10; width -= 1 }
        let text = String(fraction)
        return "\(sign)\(whole).\(String(repeating: "0", count: width - text.count))\(text)"
    }

    /// 1 万元 in fen.
    static let fenPerWanYuan: UInt64 = 1_000_000

    /// The most decimals of 万元 an amount has (one fen is the sixth).
    public static let wanYuanDecimals = 6

    /// The amount rounded half up (away from zero) to `decimals` decimals of 万元, for offices that
    /// print fewer than six: 1234.056789 万元 to 2 is 1234.06. `decimals` is clamped to 0...6.
    public func roundedToWanYuan(decimals: Int) -> Yuan {
        let dropped = Yuan.wanYuanDecimals - min(max(decimals, 0), Yuan.wanYuanDecimals)
        guard dropped > 0 else { return self }
        var step: Int64 = 1
        for _ in 0..<dropped { step *= 10 }
        let magnitude = (fen.magnitude + UInt64(step / 2)) / UInt64(step) * UInt64(step)
        return Yuan(fen: fen < 0 ? -Int64(magnitude) : Int64(magnitude))
    }

    /// A round amount as an official writes it: 100万元, 10亿元, 1000亿元; other amounts in 元.
    public var chineseDescription: String {
        let yuan = fen / 100
        guard fen % 100 == 0, yuan > 0 else { return "\(self)元" }
        for (unit, size) in [("亿元", Int64(100_000_000)), ("万元", Int64(10_000))] where yuan % size == 0 {
            return "\(yuan / size)\(unit)"
        }
        return "\(yuan)元"
    }

    public static func < (lhs: Yuan, rhs: Yuan) -> Bool { lhs.fen < rhs.fen }
    public static func + (lhs: Yuan, rhs: Yuan) -> Yuan { Yuan(fen: lhs.fen + rhs.fen) }
}

public enum YuanProblem: Error, Sendable, Equatable {
    case notAnAmount, negative, tooManyDecimals, tooLarge

    public var message: String {
        switch self {
        case .notAnAmount: "不是金额; 请写成以元为单位的数字, 例如 1234.50"
        case .negative: "金额不能为负数"
        case .tooManyDecimals: "金额最多两位小数 (精确到分)"
        case .tooLarge: "金额过大, 请检查单位是否为元"
        }
    }
}
