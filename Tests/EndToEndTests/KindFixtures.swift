import Records

/// For each importable kind, a file with every column, Chinese labels and keys mixed, and
/// values that stress CSV (commas, quotes, line breaks), optional fields both set and empty.
let kindFixtures: [RecordKind: String] = [
    .notices: #"""
    id,unit,title,category,channel,published_on,body
    n1,,"2020年扶贫小额贷款贴息补助公示",扶贫救灾,门户网站,2020-03-05,"名单如下:
    张三, 李四 ""已核实"""
    n2,640522100201,低保名单,livelihood,公开栏;微信公众号,2020/4/1,
    ,,村务收支,村务,"监管平台, 公开栏",2020年5月6日,季度收支
    """#,
    .documents: #"""
    id,unit,kind,title,doc_no,made_on,published_on,repealed_on
    d1,,规范性文件,关于规范村级财务管理的通知,"西政发〔2020〕12号",2020-03-05,2020-03-10,
    d2,,normative,旧制度,,2018-01-01,2018-01-02,2020-06-30
    """#,
    .matters: #"""
    id,unit,kind,name,established_on,abolished_on
    m1,,行政许可,农村宅基地审批,2019-01-01,
    m2,,fees,垃圾处理费,2017-05-01,2020-12-31
    """#,
    .decisions: #"""
    id,unit,kind,decided_on,count
    c1,,行政许可,2020-05-20,3
    c2,,penalty,2020-06-01,
    """#,
    .fees: #"""
    id,unit,collected_on,amount_yuan
    f1,,2021-04-01,120.50
    f2,,2021-04-02,"1,234"
    """#,
    .procurement: #"""
    id,unit,title,contracted_on,amount_yuan
    p1,,"村委会办公设备采购, 第一批",2020-08-01,35000
    p2,,道路维修,2020-09-01,0.05
    """#,
    .requests: #"""
    id,unit,received_on,channel,applicant_type,applicant_name,content,concluded_on,outcome,fee_yuan
    r1,,2021-03-02,当面提交,自然人,张三,"2020年低保户名单, 含""边缘户""",2021-03-20,予以公开,
    r2,,2021-12-28,online,legal_service_org,某律师事务所,合同,,,
    r3,,2020-12-30,,其他,,,2021-01-05,3.其他,10
    """#,
    .cases: #"""
    id,unit,group,filed_on,result,concluded_on
    k1,,行政复议,2021-05-10,结果维持,2021-08-01
    k2,,litigation_after_review,2021-06-01,尚未审结,
    """#,
]
