/// 主动公开信息的类别.
public enum NoticeCategory: String, LabeledEnumeration {
    case povertyRelief = "poverty_relief"
    case livelihood
    case finance
    case villageAffairs = "village_affairs"
    case partyAffairs = "party_affairs"
    case landAndPlanning = "land_planning"
    case socialAssistance = "social_assistance"
    case healthAndEducation = "health_education"
    case agriculture
    case environment
    case safety
    case personnel
    case policy
    case other

    public static let title = "信息类别"

    public var label: String {
        switch self {
        case .povertyRelief: "扶贫救灾"
        case .livelihood: "民生"
        case .finance: "财务"
        case .villageAffairs: "村务"
        case .partyAffairs: "党务"
        case .landAndPlanning: "土地规划"
        case .socialAssistance: "社会救助"
        case .healthAndEducation: "教育卫生"
        case .agriculture: "农业农村"
        case .environment: "生态环境"
        case .safety: "安全应急"
        case .personnel: "人事"
        case .policy: "政策文件"
        case .other: "其他"
        }
    }

    public var aliases: [String] {
        switch self {
        case .povertyRelief: ["扶贫", "救灾", "乡村振兴"]
        case .finance: ["财务公开", "财政"]
        case .villageAffairs: ["村务公开"]
        case .partyAffairs: ["党务公开"]
        case .landAndPlanning: ["规划建设", "土地征收"]
        case .socialAssistance: ["低保", "社会保障"]
        case .healthAndEducation: ["教育", "卫生健康"]
        case .safety: ["安全生产", "应急管理"]
        default: []
        }
    }
}

/// 公开渠道 of a notice; a notice may go out through several.
public enum PublicationChannel: String, LabeledEnumeration {
    case portal
    case bulletinBoard = "bulletin_board"
    case oversightPlatform = "oversight_platform"
    case wechat
    case weibo
    case meeting
    case broadcast
    case other

    public static let title = "公开渠道"

    public var label: String {
        switch self {
        case .portal: "门户网站"
        case .bulletinBoard: "公开栏"
        case .oversightPlatform: "监管平台"
        case .wechat: "微信公众号"
        case .weibo: "微博"
        case .meeting: "会议"
        case .broadcast: "广播"
        case .other: "其他"
        }
    }

    public var aliases: [String] {
        switch self {
        case .portal: ["政府网站", "网站"]
        case .bulletinBoard: ["村务公开栏", "政务公开栏", "公示栏"]
        case .oversightPlatform: ["政务公开智能监管平台"]
        case .wechat: ["微信"]
        case .meeting: ["村民大会", "村民代表大会"]
        default: []
        }
    }
}
