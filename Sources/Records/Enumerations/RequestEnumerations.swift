/// 申请人情况: the six applicant columns of table 3, in the official order.
public enum ApplicantType: String, LabeledEnumeration {
    case naturalPerson = "natural_person"
    case commercialEnterprise = "commercial_enterprise"
    case researchInstitution = "research_institution"
    case publicInterestOrg = "public_interest_org"
    case legalServiceOrg = "legal_service_org"
    case otherOrg = "other_org"

    public static let title = "申请人类型"

    public var label: String {
        switch self {
        case .naturalPerson: "自然人"
        case .commercialEnterprise: "商业企业"
        case .researchInstitution: "科研机构"
        case .publicInterestOrg: "社会公益组织"
        case .legalServiceOrg: "法律服务机构"
        case .otherOrg: "其他"
        }
    }

    public var aliases: [String] {
        switch self {
        case .otherOrg: ["其他组织", "其他法人或其他组织"]
        default: []
        }
    }

    /// Whether the column sits under 法人或其他组织.
    public var isOrganisation: Bool { self != .naturalPerson }
}

/// The heading a leaf of table 3's 三、本年度办理结果 sits under.
public enum OutcomeGroup: String, Sendable, CaseIterable {
    case granted, partiallyGranted, withheld, unavailable, notProcessed, other

    public var label: String {
        switch self {
        case .granted: "（一）予以公开"
        case .partiallyGranted: "（二）部分公开（区分处理的，只计这一情形，不计其他情形）"
        case .withheld: "（三）不予公开"
        case .unavailable: "（四）无法提供"
        case .notProcessed: "（五）不予处理"
        case .other: "（六）其他处理"
        }
    }
}

/// The outcome of a concluded request: one leaf of table 3, 三、本年度办理结果.
/// `otherProcessing` is the 2019 format's single （六） row; the three 2021 leaves fold into it.
public enum RequestOutcome: String, LabeledEnumeration {
    case granted
    case partiallyGranted = "partially_granted"
    case withheldStateSecret = "withheld_state_secret"
    case withheldLawProhibits = "withheld_law_prohibits"
    case withheldThreeSecurityOneStability = "withheld_three_security_one_stability"
    case withheldThirdPartyRights = "withheld_third_party_rights"
    case withheldInternalAffairs = "withheld_internal_affairs"
    case withheldProcessInfo = "withheld_process_info"
    case withheldEnforcementFile = "withheld_enforcement_file"
    case withheldAdminQuery = "withheld_admin_query"
    case unavailableNotHeld = "unavailable_not_held"
    case unavailableNeedsCreation = "unavailable_needs_creation"
    case unavailableUnclearAfterCorrection = "unavailable_unclear_after_correction"
    case notProcessedPetitionComplaint = "not_processed_petition_complaint"
    case notProcessedDuplicate = "not_processed_duplicate"
    case notProcessedPublication = "not_processed_publication"
    case notProcessedMassRepeated = "not_processed_mass_repeated"
    case notProcessedConfirmOrReissue = "not_processed_confirm_or_reissue"
    case otherNoCorrection = "other_no_correction"
    case otherFeeUnpaid = "other_fee_unpaid"
    case otherOther = "other_other"
    case otherProcessing = "other_processing"

    public static let title = "办理结果"

    /// （三） to （六）'s leaves sit under their heading; （一）, （二） and the 2019 format's single
    /// （六） row are headings of their own.
    public var groupLabel: String? {
        switch group {
        case .granted, .partiallyGranted: nil
        case .other where self == .otherProcessing: nil
        default: group.label
        }
    }

    /// The row label exactly as the official table prints it.
    public var label: String {
        switch self {
        case .granted: "（一）予以公开"
        case .partiallyGranted: "（二）部分公开（区分处理的，只计这一情形，不计其他情形）"
        case .withheldStateSecret: "1.属于国家秘密"
        case .withheldLawProhibits: "2.其他法律行政法规禁止公开"
        case .withheldThreeSecurityOneStability: "3.危及“三安全一稳定”"
        case .withheldThirdPartyRights: "4.保护第三方合法权益"
        case .withheldInternalAffairs: "5.属于三类内部事务信息"
        case .withheldProcessInfo: "6.属于四类过程性信息"
        case .withheldEnforcementFile: "7.属于行政执法案卷"
        case .withheldAdminQuery: "8.属于行政查询事项"
        case .unavailableNotHeld: "1.本机关不掌握相关政府信息"
        case .unavailableNeedsCreation: "2.没有现成信息需要另行制作"
        case .unavailableUnclearAfterCorrection: "3.补正后申请内容仍不明确"
        case .notProcessedPetitionComplaint: "1.信访举报投诉类申请"
        case .notProcessedDuplicate: "2.重复申请"
        case .notProcessedPublication: "3.要求提供公开出版物"
        case .notProcessedMassRepeated: "4.无正当理由大量反复申请"
        case .notProcessedConfirmOrReissue: "5.要求行政机关确认或重新出具已获取信息"
        case .otherNoCorrection: "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请"
        case .otherFeeUnpaid: "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请"
        case .otherOther: "3.其他"
        case .otherProcessing: "（六）其他处理"
        }
    }

    public var group: OutcomeGroup {
        switch self {
        case .granted: .granted
        case .partiallyGranted: .partiallyGranted
        case .withheldStateSecret, .withheldLawProhibits, .withheldThreeSecurityOneStability,
             .withheldThirdPartyRights, .withheldInternalAffairs, .withheldProcessInfo,
             .withheldEnforcementFile, .withheldAdminQuery: .withheld
        case .unavailableNotHeld, .unavailableNeedsCreation, .unavailableUnclearAfterCorrection: .unavailable
        case .notProcessedPetitionComplaint, .notProcessedDuplicate, .notProcessedPublication,
             .notProcessedMassRepeated, .notProcessedConfirmOrReissue: .notProcessed
        case .otherNoCorrection, .otherFeeUnpaid, .otherOther, .otherProcessing: .other
        }
    }

    /// "不予公开 · 1.属于国家秘密": the leaf with its heading, for listings.
    public var qualifiedLabel: String {
        switch group {
        case .granted, .partiallyGranted: return label
        case .other where self == .otherProcessing: return label
        default: return "\(group.label) · \(label)"
        }
    }

    public var aliases: [String] {
        switch self {
        case .partiallyGranted: ["部分公开"]
        case .otherOther: ["其他处理-其他"]
        case .otherProcessing: ["其他处理"]
        default: []
        }
    }
}

/// How a request was received.
public enum RequestChannel: String, LabeledEnumeration {
    case inPerson = "in_person"
    case mail
    case online
    case fax
    case email
    case other

    public static let title = "申请渠道"

    public var label: String {
        switch self {
        case .inPerson: "当面提交"
        case .mail: "信函"
        case .online: "网上申请"
        case .fax: "传真"
        case .email: "电子邮件"
        case .other: "其他"
        }
    }

    public var aliases: [String] {
        switch self {
        case .inPerson: ["当面", "现场"]
        case .mail: ["邮寄", "信件"]
        case .online: ["网络", "网上"]
        case .email: ["邮件", "电子邮箱"]
        default: []
        }
    }
}
