/// The fields of every record kind, with their Chinese names, types and rules.
/// The storage schema mirrors these lists (a test holds them together).
enum KindFields {
    static let title = 2_000
    static let longText = 200_000

    static let notices: [FieldSpec] = [
        FieldSpec("title", "标题", .text(maxLength: title), required: true, headers: ["标题", "信息标题", "名称"], example: "2020年扶贫小额贷款贴息补助公示"),
        FieldSpec("category", "类别", .choice(EnumChoice(NoticeCategory.self)), required: true, headers: ["类别", "信息类别"], example: "扶贫救灾"),
        FieldSpec("channel", "公开渠道", .choices(EnumChoice(PublicationChannel.self)), required: true, headers: ["渠道", "公开渠道", "公开方式"], example: "门户网站;公开栏"),
        FieldSpec("published_on", "发布日期", .date, required: true, headers: ["发布日期", "公开日期"], example: "2020-03-05"),
        FieldSpec("body", "正文", .text(maxLength: longText), headers: ["正文", "内容"]),
    ]

    static let documents: [FieldSpec] = [
        FieldSpec("kind", "文件类别", .choice(EnumChoice(DocumentKind.self)), required: true, headers: ["类别", "文件类别"], example: "规范性文件"),
        FieldSpec("title", "标题", .text(maxLength: title), required: true, headers: ["标题", "文件名称", "名称"], example: "关于规范村级财务管理的通知"),
        FieldSpec("doc_no", "文号", .text(maxLength: 200), headers: ["文号"], example: "西政发〔2020〕12号"),
        FieldSpec("made_on", "制作日期", .date, required: true, headers: ["制作日期", "制发日期", "印发日期"], example: "2020-03-05"),
        FieldSpec("published_on", "公开日期", .date, headers: ["公开日期", "发布日期"], example: "2020-03-10"),
        FieldSpec("repealed_on", "废止日期", .date, headers: ["废止日期"], example: "2022-12-31"),
    ]

    static let matters: [FieldSpec] = [
        FieldSpec("kind", "事项类别", .choice(EnumChoice(MatterKind.self)), required: true, headers: ["类别", "事项类别"], example: "行政许可"),
        FieldSpec("name", "事项名称", .text(maxLength: title), required: true, headers: ["名称", "事项名称"], example: "农村宅基地审批"),
        FieldSpec("established_on", "设立日期", .date, required: true, headers: ["设立日期"], example: "2019-01-01"),
        FieldSpec("abolished_on", "取消日期", .date, headers: ["取消日期", "废止日期"], example: "2021-06-30"),
    ]

    static let decisions: [FieldSpec] = [
        FieldSpec("kind", "决定类别", .choice(EnumChoice(MatterKind.self, only: MatterKind.decisionKinds)), required: true, headers: ["类别", "决定类别"], example: "行政许可"),
        FieldSpec("decided_on", "决定日期", .date, required: true, headers: ["决定日期", "日期"], example: "2020-05-20"),
        FieldSpec("count", "数量", .count, required: true, default: "1", headers: ["数量", "件数"], example: "1"),
    ]

    static let fees: [FieldSpec] = [
        FieldSpec("collected_on", "收费日期", .date, required: true, headers: ["收费日期", "日期"], example: "2021-04-01"),
        FieldSpec("amount_yuan", "金额（元）", .money, required: true, headers: ["金额", "金额（元）", "金额(元)"], example: "120.50",
                  plausibleMaximum: Yuan.plausibleFee),
    ]

    static let procurement: [FieldSpec] = [
        FieldSpec("title", "采购项目", .text(maxLength: title), required: true, headers: ["项目", "采购项目", "名称"], example: "村委会办公设备采购"),
        FieldSpec("contracted_on", "签约日期", .date, required: true, headers: ["签约日期", "日期"], example: "2020-08-01"),
        FieldSpec("amount_yuan", "金额（元）", .money, required: true, headers: ["金额", "金额（元）", "金额(元)"], example: "35000",
                  plausibleMaximum: Yuan.plausibleProcurement),
    ]

    static let requests: [FieldSpec] = [
        FieldSpec("received_on", "收到日期", .date, required: true, headers: ["收到日期", "申请日期", "受理日期"], example: "2021-03-02"),
        FieldSpec("channel", "申请渠道", .choice(EnumChoice(RequestChannel.self)), headers: ["渠道", "申请渠道", "申请方式"], example: "当面提交"),
        FieldSpec("applicant_type", "申请人类型", .choice(EnumChoice(ApplicantType.self)), required: true, headers: ["申请人类型", "申请人情况"], example: "自然人"),
        FieldSpec("applicant_name", "申请人", .text(maxLength: 200), headers: ["申请人", "申请人姓名", "申请人名称"], example: "张三"),
        FieldSpec("content", "申请内容", .text(maxLength: longText), headers: ["申请内容", "内容"], example: "2020年低保户名单"),
        FieldSpec("concluded_on", "办结日期", .date, headers: ["办结日期", "答复日期"], example: "2021-03-20"),
        FieldSpec("outcome", "办理结果", .choice(EnumChoice(RequestOutcome.self)), headers: ["办理结果", "结果"], example: "予以公开"),
        FieldSpec("fee_yuan", "信息处理费（元）", .money, headers: ["信息处理费", "收费金额"], example: "0",
                  plausibleMaximum: Yuan.plausibleRequestFee),
    ]

    static let cases: [FieldSpec] = [
        FieldSpec("group", "案件类别", .choice(EnumChoice(CaseGroup.self)), required: true, headers: ["类别", "案件类别"], example: "行政复议"),
        FieldSpec("filed_on", "立案日期", .date, required: true, headers: ["立案日期", "申请日期", "起诉日期"], example: "2021-05-10"),
        FieldSpec("result", "审结结果", .choice(EnumChoice(CaseResult.self, emptySpellings: CaseResult.pendingSpellings)), headers: ["结果", "审结结果"], example: "结果维持"),
        FieldSpec("concluded_on", "审结日期", .date, headers: ["审结日期", "结案日期"], example: "2021-08-01"),
    ]

    static let narrative: [FieldSpec] = [
        FieldSpec("year", "年度", .year, required: true, example: "2020"),
        FieldSpec("section", "章节", .choice(EnumChoice(NarrativeSection.self)), required: true, example: "一"),
        FieldSpec("text", "正文", .text(maxLength: 1_000_000), required: true),
    ]

    /// Built once: validation runs for every row of an import.
    static func rules(for kind: RecordKind) -> [FieldRule] {
        switch kind {
        case .requests: requestRules
        case .cases: caseRules
        case .documents: documentRules
        case .matters: matterRules
        case .notices, .decisions, .fees, .procurement, .narrative: []
        }
    }

    private static let requestRules = [FieldRule.notBefore("concluded_on", "办结日期", "received_on", "收到日期")]
        + FieldRule.together("outcome", "办理结果", "concluded_on", "办结日期")
    private static let caseRules = [FieldRule.notBefore("concluded_on", "审结日期", "filed_on", "立案日期")]
        + FieldRule.together("result", "审结结果", "concluded_on", "审结日期")
    private static let documentRules = [FieldRule.notBefore("published_on", "公开日期", "made_on", "制作日期"),
                                        FieldRule.notBefore("repealed_on", "废止日期", "made_on", "制作日期")]
    private static let matterRules = [FieldRule.notBefore("abolished_on", "取消日期", "established_on", "设立日期")]
}
