import ArgumentParser

struct Gongkai: ParsableCommand, ExampleProviding {
    static let configuration = CommandConfiguration(
        commandName: "gongkai",
        abstract: "gongkai (公开): 政府信息公开记录的离线副本、同步与年度报告。",
        discussion: """
        每个村在自己的电脑上保存一份副本 (SQLite 文件), 离线记录主动公开信息、依申请公开、
        复议诉讼等; 有网络时与乡镇服务器同步; 乡镇据合并后的数据编制年度报告。
        枚举值 (类别、申请人类型、办理结果等) 既可写中文名称, 也可写英文键; 日期写 YYYY-MM-DD。
        """,
        version: "0.1.0",
        subcommands: [
            InitCommand.self, StatusCommand.self, UnitCommand.self,
            ImportCommand.self, ExportCommand.self,
            KindCommand<NoticeOptions>.self, KindCommand<RequestOptions>.self, KindCommand<CaseOptions>.self,
            KindCommand<DocumentOptions>.self, KindCommand<MatterOptions>.self, KindCommand<DecisionOptions>.self,
            KindCommand<FeeOptions>.self, KindCommand<ProcurementOptions>.self,
            SyncCommand.self, ConflictsCommand.self, ResetSiteCommand.self, NarrativeCommand.self,
            BundleCommand.self, ReportCommand.self, ServeCommand.self, AdminCommand.self, BackupCommand.self,
        ]
    )

    static let examples = [
        "gongkai init --unit 640522100201 --name 西安镇园河村 --parent 640522100000   # 新建村级副本",
        "gongkai notice add --title \"2020年低保名单公示\" --category 民生 --channel 公开栏 --published-on 2020-05-01",
        "gongkai import requests 申请登记.csv",
        "gongkai status",
    ]
}
