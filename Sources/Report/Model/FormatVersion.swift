/// The national layout a report follows: the 2019 trial format for 2019 and 2020, the 2021
/// format from 2021 on.
public enum FormatVersion: String, Sendable, CaseIterable, Codable {
    case v2019 = "2019"
    case v2021 = "2021"

    public static func forYear(_ year: Int) -> FormatVersion { year <= 2020 ? .v2019 : .v2021 }

    public var notice: String {
        switch self {
        case .v2019: "国办公开办函〔2019〕60号"
        case .v2021: "国办公开办函〔2021〕30号"
        }
    }
}
