import Foundation
import Testing

/// The small frictions of the first week, each through the real binary.
@Suite struct SmallThingsTests {
    @Test func theDatabaseOptionBeforeTheSubcommandIsTakenAndUsageErrorsAreChinese() throws {
        let w = Workspace()
        try w.initVillage()
        let status = try GongkaiProcess.run(["--db", w.path("v.sqlite"), "status"])
        #expect(status.status == 0, "\(status.stderr)")
        #expect(status.stdout.contains("640522100201"))
        let unknown = try w.gongkai(["report", "annual", "--year", "2021", "--colour"])
        #expect(unknown.status == 2)
        #expect(unknown.stderr.contains("错误: 未知的选项 --colour"), "\(unknown.stderr)")
        #expect(unknown.stderr.contains("用法: gongkai report annual"))
        let missing = try w.gongkai(["report", "annual"])
        #expect(missing.stderr.contains("缺少参数 --year"), "\(missing.stderr)")
        #expect(!missing.stderr.contains("Error:"))
    }

    @Test func concludingWithoutADateNamesTheFlagThatExists() throws {
        let w = Workspace()
        try w.initVillage()
        #expect(try w.gongkai(["request", "add", "--id", "r1", "--received-on", "2021-03-02", "--applicant-type", "自然人"]).status == 0)
        let result = try w.gongkai(["request", "conclude", "r1", "--outcome", "予以公开"])
        #expect(result.status == 2)
        #expect(result.stderr.contains("缺少必填项: --on (办结日期)"), "\(result.stderr)")
        #expect(result.stderr.contains("gongkai request conclude r1 --on 2021-03-20"))
    }

    @Test(arguments: [["edit", "f1", "--amount-yuan", "7"], ["delete", "f1", "--yes"]])
    func aDeletedRecordSaysSoAndHowToRestoreIt(command: [String]) throws {
        let w = Workspace()
        try w.initVillage()
        #expect(try w.gongkai(["fee", "add", "--id", "f1", "--collected-on", "2021-04-01", "--amount-yuan", "5"]).status == 0)
        #expect(try w.gongkai(["fee", "delete", "f1", "--yes"]).status == 0)
        let result = try w.gongkai(["fee"] + command)
        #expect(result.status == 1)
        #expect(result.stderr.contains("已删除"), "\(result.stderr)")
        #expect(result.stderr.contains("gongkai fee restore 640522100201:f1"), "\(result.stderr)")
    }

    @Test func fullWidthDigitsInDatesAndAmountsAreNormalized() throws {
        let w = Workspace()
        try w.initVillage()
        #expect(try w.gongkai(["fee", "add", "--id", "f1", "--collected-on", "２０２１－０４－０１", "--amount-yuan", "１２．５"]).status == 0)
        #expect(try w.gongkai(["decision", "add", "--id", "d1", "--kind", "行政许可", "--decided-on", "２０２１／５／２", "--count", "３"]).status == 0)
        let fee = try w.gongkai(["fee", "show", "f1", "--json"]).stdout
        #expect(fee.contains("\"collected_on\": \"2021-04-01\"") && fee.contains("\"amount_yuan\": 12.5"), "\(fee)")
        let decision = try w.gongkai(["decision", "show", "d1", "--json"]).stdout
        #expect(decision.contains("\"decided_on\": \"2021-05-02\"") && decision.contains("\"count\": 3"), "\(decision)")
    }

    @Test func aNarrativeSavedAsGBKIsReadAndItsLineBreaksSurviveInTheHTML() throws {
        let w = Workspace()
        try w.initVillage()
        let text = "### （一）主动公开\n\n全年公开信息。\n公开栏每月更新。\n"
        let gbk = try #require(text.data(using: String.Encoding(rawValue: 0x8000_0632)))
        FileManager.default.createFile(atPath: w.path("gbk.md"), contents: gbk)
        let set = try w.gongkai(["narrative", "set", "--year", "2021", "--section", "一", "--file", w.path("gbk.md")])
        #expect(set.status == 0, "\(set.stderr)")
        let shown = try w.gongkai(["narrative", "show", "--year", "2021", "--section", "一", "--json"])
        let sections = try JSONSerialization.jsonObject(with: Data(shown.stdout.utf8)) as? [[String: Any]]
        #expect(sections?.first?["text"] as? String == text.trimmingCharacters(in: .newlines))
        let html = try w.gongkai(["report", "annual", "--year", "2021", "--format", "html"]).stdout
        #expect(html.contains("<p>全年公开信息。<br>\n公开栏每月更新。</p>"), "\(html.prefix(2000))")
    }

    @Test func everyHeadingIsKeptOnAPageWithWhatFollowsIt() throws {
        let w = try ReportCommandTests().township()
        let html = try w.gongkai(["report", "annual", "--year", "2021", "--format", "html"]).stdout
        #expect(html.contains(".keep { break-inside: avoid;"))
        let lines = html.components(separatedBy: "\n")
        for (index, line) in lines.enumerated() where line.hasPrefix("<h2>") || line.hasPrefix("<h3>") {
            guard !line.contains("附录") && !line.contains("按月份") else { continue }
            #expect(index > 0 && lines[index - 1] == "<div class=\"keep\">", "\(line) is not kept with what follows it")
            #expect(index + 1 < lines.count && lines[index + 1] != "</div>", "\(line) is kept with nothing")
        }
    }

    @Test func unitListAndNarrativeShowTakeJSON() throws {
        let w = try ReportCommandTests().township()
        let units = try JSONSerialization.jsonObject(with: Data(try w.gongkai(["unit", "list", "--json"]).stdout.utf8)) as? [[String: Any]]
        #expect(units?.map { $0["code"] as? String } == ["640522100000", "640522100201"])
        #expect(units?.first?["township"] as? Bool == true)
        let narrative = try JSONSerialization.jsonObject(with: Data(try w.gongkai(["narrative", "show", "--year", "2021", "--json"]).stdout.utf8)) as? [[String: Any]]
        #expect(narrative?.map { $0["section"] as? String } == ["一", "五", "六"])
        #expect(narrative?.last?["text"] is NSNull)
    }

    @Test func aBusyPortIsNamedInChinese() throws {
        let town = try Township(villages: [])
        let second = try town.workspace.gongkai(["serve", "--port", String(town.server.port)], db: "town.sqlite")
        #expect(second.status == 1)
        #expect(second.stderr.contains("端口 \(town.server.port) 已被占用"), "\(second.stderr)")
    }

    @Test func aPlainSyncGoesOnAfterAnInterruptedFirstSync() throws {
        // Given a laptop whose first sync is stopped (power cut, Ctrl-C) after the server took some of it
        let town = try Township(villages: ["640522100201"])
        try town.laptop("a", unit: "640522100201")
        let rows = (1...6_000).map { "2021-01-01,\($0)" }.joined(separator: "\n")
        #expect(try town.gongkai("a", ["import", "fees", town.workspace.write("f.csv", "collected_on,amount_yuan\n" + rows + "\n")]).status == 0)
        let first = try town.startSync("a", extra: ["--batch-size", "100"])
        let deadline = Date().addingTimeInterval(60)
        while first.isRunning, Date() < deadline,
              (try? GongkaiProcess.runTool(URL(fileURLWithPath: "/usr/bin/sqlite3"), [town.workspace.path("town.sqlite"), "SELECT count(*) FROM fees"]).stdout)
                .flatMap({ Int($0.trimmingCharacters(in: .whitespacesAndNewlines)) }) ?? 0 < 100 {
            usleep(10_000)
        }
        kill(first.process.processIdentifier, SIGKILL)
        let stopped = try first.wait()
        #expect(stopped.status != 0, "the first sync ended before it could be stopped")

        // When the official runs a plain `gongkai sync`
        let plain = try town.gongkai("a", ["sync"])

        // Then it goes on with the remembered server and token, and everything arrives
        #expect(plain.status == 0, "\(plain.stderr)")
        #expect(try town.records("town.sqlite", kind: "fees", unit: "640522100201").count == 6_000)
    }
}
