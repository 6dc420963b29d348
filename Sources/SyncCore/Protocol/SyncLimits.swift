/// The bounds of everything a peer may say, checked where a message is read: a number outside
/// them is refused as bad input (400, naming the field and the range) before anything acts on it.
public enum SyncLimits {
    /// The largest dot counter or declared counter: the largest integer every JSON reader holds
    /// exactly (2^53 − 1). Stored counters are 64-bit, so a replica that has seen this much still
    /// has room for 2^63 more writes of its own: no counter can overflow anywhere.
    public static let maximumCounter: UInt64 = (1 << 53) - 1

    /// How far a device's new change may run ahead of the highest counter the server holds.
    /// An honest laptop's counter is the highest it pulled plus its own writes since (a Lamport
    /// clock), so 16,777,216 writes between two syncs is far beyond any village; a device that
    /// claims more is refused, so one push cannot drive every replica's counter to the edge.
    public static let maximumCounterStep: UInt64 = 1 << 24

    /// Wall times of changes (Unix seconds, for display): from the year 1 to the year 9999.
    public static let times: ClosedRange<Int64> = -62_135_596_800...253_402_300_799

    /// Device names are shown in conflicts and logged: one short line.
    public static let maximumDeviceNameLength = 64

    /// Records one push may carry: the same as a pull page (and the same 4 MB of content,
    /// `syncBatchByteBudget`).
    public static let maximumBatchRecords = 2_000

    /// Why `name` cannot be a device name, or nil.
    public static func deviceNameProblem(_ name: String) -> String? {
        if name.isEmpty { return "设备名称不能为空" }
        if name.count > maximumDeviceNameLength { return "设备名称超过 \(maximumDeviceNameLength) 个字符 (有 \(name.count) 个)" }
        if name.unicodeScalars.contains(where: isControl) { return "设备名称含有换行或其他控制字符" }
        return nil
    }

    /// `name` made a valid device name: control characters become spaces, the rest is cut to
    /// the limit (for names stored before the limits existed).
    public static func cleanedDeviceName(_ name: String) -> String {
        guard deviceNameProblem(name) != nil else { return name }
        let cleaned = String(String.UnicodeScalarView(name.unicodeScalars.map { isControl($0) ? " " : $0 })).prefix(maximumDeviceNameLength)
        return cleaned.isEmpty ? "?" : String(cleaned)
    }

    /// Control characters (C0, DEL, C1) and the line and paragraph separators: what could break
    /// a line of a log or a terminal.
    public static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0..<0x20, 0x7F...0x9F, 0x2028, 0x2029: true
        default: false
        }
    }
}

/// The ranges the compact form's numbers must fall in: on the wire the protocol's limits; in a
/// replica's own rows any 64-bit number (rows written before the limits existed still read).
public struct CompactLimits: Sendable, Equatable {
    public let counters: ClosedRange<UInt64>
    public let times: ClosedRange<Int64>

    public static let wire = CompactLimits(counters: 1...SyncLimits.maximumCounter, times: SyncLimits.times)
    public static let stored = CompactLimits(counters: 1...UInt64.max, times: Int64.min...Int64.max)
}

/// Why a compact form (`vv`, `clock`, `dot`) was refused.
public enum CompactFormError: Error, Sendable, Equatable, CustomStringConvertible {
    case malformed
    /// A counter, as written, outside the range.
    case counterOutOfRange(String, ClosedRange<UInt64>)
    /// A time, as written, outside the range.
    case timeOutOfRange(String, ClosedRange<Int64>)

    public var description: String {
        switch self {
        case .malformed: "格式不对"
        case .counterOutOfRange(let digits, let range):
            "计数 \(digits.prefix(40)) 超出范围 (\(range.lowerBound) 到 \(range.upperBound))"
        case .timeOutOfRange(let digits, let range):
            "时间 \(digits.prefix(40)) 超出范围 (\(range.lowerBound) 到 \(range.upperBound))"
        }
    }
}
