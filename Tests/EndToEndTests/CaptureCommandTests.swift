import Foundation
import Testing

@Suite("Daily capture commands through the real binary")
struct CaptureCommandTests {
    @Test("a request goes from add to conclude, shows in list and show, and edits only what changed")
    func requestLifecycle() throws {
        let workspace = Workspace()
        try workspace.initVillage()
        let added = try workspace.gongkai(["request", "add", "--id", "r1", "--received-on", "2021-03-02",
                                           "--applicant-type", "自然人", "--content", "低保名单"])
        #expect(added.status == 0, "\(added.stderr)")
        #expect(added.stdout.contains("已新增依申请公开 640522100201:r1"))
        let concluded = try workspace.gongkai(["request", "conclude", "r1", "--on", "2021-03-20", "--outcome", "4.保护第三方合法权益"])
        #expect(concluded.status == 0, "\(concluded.stderr)")
        #expect(concluded.stdout.contains("不予公开 · 4.保护第三方合法权益"))
        let shown = try workspace.gongkai(["request", "show", "r1"])
        #expect(shown.stdout.contains("办结日期"))
        #expect(shown.stdout.contains("2021-03-20"))
        #expect(shown.stdout.contains("4.保护第三方合法权益"))
        let listed = try workspace.gongkai(["request", "list", "--json"])
        let objects = try #require(try JSONSerialization.jsonObject(with: Data(listed.stdout.utf8)) as? [[String: Any]])
        #expect(objects.first?["outcome"] as? String == "withheld_third_party_rights")
        let unchanged = try workspace.gongkai(["request", "edit", "r1", "--content", "低保名单"])
        #expect(unchanged.stdout.contains("没有变化"))
        let edited = try workspace.gongkai(["request", "edit", "r1", "--applicant-name", "张三", "--content", "低保名单"])
        #expect(edited.stdout.contains("已修改依申请公开 640522100201:r1: 申请人"))
        let early = try workspace.gongkai(["request", "edit", "r1", "--concluded-on", "2021-03-01"])
        #expect(early.status == 1)
        #expect(early.stderr.contains("办结日期 2021-03-01 早于收到日期 2021-03-02"))
    }

    @Test("delete needs --yes without a terminal; restore brings the record back")
    func deleteAndRestore() throws {
        let workspace = Workspace()
        try workspace.initVillage()
        #expect(try workspace.gongkai(["case", "add", "--id", "k1", "--group", "行政复议", "--filed-on", "2021-05-10"]).status == 0)
        let unconfirmed = try workspace.gongkai(["case", "delete", "k1"])
        #expect(unconfirmed.status == 2)
        #expect(unconfirmed.stderr.contains("--yes"))
        #expect(try workspace.gongkai(["case", "delete", "k1", "--yes"]).status == 0)
        #expect(try workspace.gongkai(["case", "list"]).stdout.contains("共 0 条"))
        #expect(try workspace.gongkai(["case", "list", "--deleted"]).stdout.contains("已删除"))
        #expect(try workspace.gongkai(["case", "restore", "k1"]).status == 0)
        let concluded = try workspace.gongkai(["case", "conclude", "k1", "--on", "2021-08-01", "--result", "纠正"])
        #expect(concluded.status == 0, "\(concluded.stderr)")
        #expect(try workspace.gongkai(["case", "show", "k1"]).stdout.contains("结果纠正"))
    }

    @Test("every kind can be added from the command line with its help's example", arguments: [
        ["notice", "add", "--title", "公示", "--category", "扶贫救灾", "--channel", "门户网站;公开栏", "--published-on", "2020-03-05"],
        ["document", "add", "--kind", "规范性文件", "--title", "通知", "--doc-no", "西政发〔2020〕12号", "--made-on", "2020-03-05"],
        ["matter", "add", "--kind", "行政许可", "--name", "宅基地审批", "--established-on", "2019-01-01"],
        ["decision", "add", "--kind", "行政处罚", "--decided-on", "2020-05-20", "--count", "3"],
        ["fee", "add", "--collected-on", "2021-04-01", "--amount-yuan", "120.50"],
        ["procurement", "add", "--title", "办公设备", "--contracted-on", "2020-08-01", "--amount-yuan", "35000"],
        ["request", "add", "--received-on", "2021-03-02", "--applicant-type", "科研机构"],
        ["case", "add", "--group", "复议后起诉", "--filed-on", "2021-05-10"],
    ])
    func addEveryKind(arguments: [String]) throws {
        let workspace = Workspace()
        try workspace.initVillage()
        let result = try workspace.gongkai(arguments)
        #expect(result.status == 0, "\(result.stderr)")
        let listed = try workspace.gongkai([arguments[0], "list"])
        #expect(listed.stdout.contains("共 1 条"))
    }

    @Test("missing required values without a terminal: exit 2 naming every missing option, nothing written")
    func missingWithoutTerminal() throws {
        let workspace = Workspace()
        try workspace.initVillage()
        let before = try workspace.dump()
        let result = try workspace.gongkai(["notice", "add", "--title", "公示"])
        #expect(result.status == 2)
        #expect(result.stderr.contains("--category (类别), --channel (公开渠道), --published-on (发布日期)"))
        #expect(try workspace.dump() == before)
    }

    @Test("a bad value is exit 1 with the choices, and writes nothing")
    func badValue() throws {
        let workspace = Workspace()
        try workspace.initVillage()
        let before = try workspace.dump()
        let result = try workspace.gongkai(["request", "add", "--received-on", "2021-02-29", "--applicant-type", "个人"])
        #expect(result.status == 1)
        #expect(result.stderr.contains("日历上没有这一天"))
        #expect(result.stderr.contains("可用: 自然人 (natural_person)"))
        #expect(try workspace.dump() == before)
    }

    @Test("narrative set stores a section's text; setting the same text again writes nothing")
    func narrative() throws {
        let workspace = Workspace()
        try workspace.initVillage()
        let file = workspace.write("一.md", "### （一）主动公开\n\n公开信息 82 条。\n")
        #expect(try workspace.gongkai(["narrative", "set", "--year", "2020", "--section", "一", "--file", file]).status == 0)
        let before = try workspace.dump()
        let again = try workspace.gongkai(["narrative", "set", "--year", "2020", "--section", "1", "--file", file])
        #expect(again.stdout.contains("没有变化"))
        #expect(try workspace.dump() == before)
        let shown = try workspace.gongkai(["narrative", "show", "--year", "2020"])
        #expect(shown.stdout.contains("## 一、总体情况"))
        #expect(shown.stdout.contains("公开信息 82 条。"))
        #expect(shown.stdout.contains("## 五、存在的主要问题及改进情况\n\n(未填写)"))
        let bad = try workspace.gongkai(["narrative", "set", "--year", "2020", "--section", "三", "--file", file])
        #expect(bad.status == 2)
    }

    @Test("status reports counts, pending changes and conflicts, as text and as the JSON the spec names")
    func status() throws {
        let workspace = Workspace()
        try workspace.initVillage()
        _ = try workspace.gongkai(["import", "requests", workspace.write("r.csv", kindFixtures[.requests]!)])
        let json = try workspace.gongkai(["status", "--json"])
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        #expect(object["unit"] as? String == "640522100201")
        #expect((object["site"] as? String)?.count == 16)
        #expect(object["pending_changes"] as? Int == 3)
        #expect(object["open_conflicts"] as? Int == 0)
        #expect(object["last_sync"] is NSNull)
        let text = try workspace.gongkai(["status"])
        #expect(text.stdout.contains("依申请公开 3"))
        #expect(text.stdout.contains("上次同步: 从未同步"))
    }
}
