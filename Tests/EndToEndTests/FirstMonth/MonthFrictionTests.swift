import Foundation
import Testing
import TestSupport

/// The small things a month of use found, each through the real binary (and server).
@Suite("The first month: what a person reads")
struct MonthFrictionTests {
    static let village = "640522100201"

    /// Runs `gongkai` under a pseudo-terminal (util-linux `script`), as a person at a terminal would.
    static func atTerminal(_ arguments: [String], in workspace: Workspace) throws -> RunResult {
        let line = ([GongkaiProcess.binary.path] + arguments).map { "'\($0)'" }.joined(separator: " ")
        return try GongkaiProcess.runTool(URL(fileURLWithPath: "/usr/bin/script"), ["-qec", line, "/dev/null"],
                                          environment: ["GONGKAI_NOW": "1700000000"], in: workspace.url)
    }

    @Test("sync's last line: Chinese at a terminal, the contract's line for a script, JSON with --json; a conflict points to gongkai conflicts")
    func syncLastLine() throws {
        let town = try Township(villages: [Self.village])
        try town.laptop("a", unit: Self.village)
        try town.laptop("b", unit: Self.village)
        #expect(try town.gongkai("a", ["fee", "add", "--id", "f1", "--collected-on", "2021-04-01", "--amount-yuan", "5"]).status == 0)
        // A script reads the contract's line
        let piped = try town.sync("a")
        #expect(piped.stdout.hasSuffix("synced: pushed 1, pulled 0, conflicts 0\n"), "\(piped.stdout)")
        // A person reads Chinese
        let person = try Self.atTerminal(["sync", "--db", town.workspace.path("b.sqlite"), "--server", town.server.url, "--token-file",
                                          town.workspace.write("b-token.txt", town.tokens["b"]!)], in: town.workspace)
        #expect(person.status == 0 && person.stdout.contains("同步完成: 推送 0 条, 拉取 1 条, 冲突 0 处") && !person.stdout.contains("synced:"), "\(person.stdout)")
        // Both edit the same field: the sync that meets the conflict says what to run next
        #expect(try town.gongkai("a", ["fee", "edit", "f1", "--amount-yuan", "6"]).status == 0)
        #expect(try town.gongkai("b", ["fee", "edit", "f1", "--amount-yuan", "7"]).status == 0)
        try town.sync("a")
        let conflicted = try town.sync("b", extra: ["--json"])
        #expect(conflicted.stderr.contains("运行 gongkai conflicts 查看"), "\(conflicted.stderr)")
        let counts = try JSONSerialization.jsonObject(with: Data(conflicted.stdout.utf8)) as? [String: Any]
        #expect(counts?["conflicts"] as? Int == 1 && counts?["pulled"] as? Int == 1 && counts?["refused"] as? Int == 0, "\(conflicted.stdout)")
    }

    @Test("progress shows the total and a percentage")
    func progressWithTotal() throws {
        let town = try Township(villages: [Self.village])
        try town.laptop("a", unit: Self.village)
        let ledger = WriteLedger()
        #expect(try ledger.captureFees(town.workspace, db: "a.sqlite", unit: Self.village, prefix: "p", count: 1_200).status == 0)
        let result = try town.sync("a", extra: ["--progress", "--batch-size", "500"])
        #expect(result.stderr.contains("已推送 500/1200 (41%)") && result.stderr.contains("已推送 1200/1200 (100%)"), "\(result.stderr)")
    }

    @Test("a server that does not answer: said within 2 s, and each retry said with its cause")
    func silentServer() throws {
        let w = Workspace()
        try w.initVillage()
        // A port that takes the connection and never answers
        let (listener, port) = try LoopbackListener.open()
        defer { close(listener) }
        let started = Date()
        let result = try w.gongkai(["sync", "--server", "http://127.0.0.1:\(port)", "--token-file", w.write("t.txt", "gk_x"), "--attempts", "2",
                                    "--stall-timeout", "3", "--no-remember"])
        #expect(result.status != 0)
        #expect(result.stderr.contains("正在等待服务器 http://127.0.0.1:\(port) 回应 (已等 2 秒"), "\(result.stderr)")
        #expect(result.stderr.contains("连接服务器失败: ") && result.stderr.contains("第 2/2 次尝试"), "\(result.stderr)")
        #expect(Date().timeIntervalSince(started) < 30)
        // A closed port: the cause in words, libcurl's own text beside it
        let closed = try w.gongkai(["sync", "--server", "http://127.0.0.1:9", "--token-file", w.path("t.txt"), "--attempts", "1", "--no-remember"])
        #expect(closed.stderr.contains("连不上服务器: 服务器没有运行、地址或端口不对") && closed.stderr.contains("libcurl:"), "\(closed.stderr)")
    }

    @Test("the argument parser's words in Chinese: help headings, defaults, unexpected arguments")
    func parserInChinese() throws {
        let w = Workspace()
        let help = try w.gongkai(["sync", "--help"])
        for heading in ["说明: ", "用法: ", "选项:", "显示帮助。", "(默认: "] { #expect(help.stdout.contains(heading), "\(heading)") }
        for english in ["OVERVIEW:", "USAGE:", "OPTIONS:", "Show help information", "(default:"] { #expect(!help.stdout.contains(english), "\(english)") }
        let root = try w.gongkai(["--help"])
        #expect(root.stdout.contains("子命令:") && root.stdout.contains("各子命令的详细帮助: gongkai help <子命令>"), "\(root.stdout.prefix(300))")
        let extra = try w.gongkai(["status", "list", "notices"])
        #expect(extra.status == 2 && extra.stderr.contains("多余的参数") && !extra.stderr.contains("unexpected"), "\(extra.stderr)")
    }

    @Test("hints keep the database given; a missing server database points to add-unit; admin without --db refuses; backup keeps an existing file")
    func serverHints() throws {
        let w = Workspace()
        let missing = try GongkaiProcess.run(["serve", "--db", w.path("missing.sqlite"), "--port", "0"])
        #expect(missing.status == 1 && missing.stderr.contains("gongkai admin add-unit --db \(w.path("missing.sqlite"))"), "\(missing.stderr)")
        #expect(!FileManager.default.fileExists(atPath: w.path("missing.sqlite")))
        let bare = try GongkaiProcess.run(["admin", "list-units"], environment: ["XDG_DATA_HOME": w.path("home")])
        #expect(bare.status == 2 && bare.stderr.contains("请用 --db 指定服务器数据库"), "\(bare.stderr)")
        #expect(!FileManager.default.fileExists(atPath: w.path("home/gongkai/replica.sqlite")))
        #expect(try w.gongkai(["admin", "add-unit", "--unit", "640522100000", "--name", "西安镇"], db: "town.sqlite").status == 0)
        let noTokens = try w.gongkai(["admin", "list-tokens"], db: "town.sqlite")
        #expect(noTokens.stdout.contains("gongkai admin issue-token --db \(w.path("town.sqlite"))"), "\(noTokens.stdout)")
        // Lists have a header row and aligned columns
        #expect(try w.gongkai(["admin", "add-unit", "--unit", Self.village, "--name", "园河村", "--parent", "640522100000"], db: "town.sqlite").status == 0)
        let units = try w.gongkai(["admin", "list-units"], db: "town.sqlite").stdout.split(separator: "\n").map(String.init)
        #expect(units.count == 3 && units[0].hasPrefix("代码") && units[0].contains("最近网络同步") && units[2].contains("从未同步"), "\(units)")
        #expect(units[1].contains("— (本服务器)") && !units[1].contains("从未同步"), "\(units)")
        #expect(units.allSatisfy { $0.hasPrefix("640522") || $0.hasPrefix("代码") })
        // (代码 is 4 columns wide on a terminal; a code 12: both padded to 12, then two spaces)
        #expect(units[0].hasPrefix("代码" + String(repeating: " ", count: 10) + "名称") && units[2].hasPrefix("\(Self.village)  园河村"), "\(units)")
        // A code of a length no division code has is questioned, and taken with --yes
        let typo = try w.gongkai(["admin", "add-unit", "--unit", "64052210020", "--name", "园河", "--parent", "640522100000"], db: "town.sqlite")
        #expect(typo.status == 1 && typo.stderr.contains("有 11 位数字") && typo.stderr.contains("--yes"), "\(typo.stderr)")
        #expect(try w.gongkai(["admin", "add-unit", "--unit", "64052210020", "--name", "园河", "--parent", "640522100000", "--yes"], db: "town.sqlite").status == 0)
        _ = w.write("copy.sqlite", "earlier backup")
        let backup = try w.gongkai(["backup", "--to", w.path("copy.sqlite")], db: "town.sqlite")
        #expect(backup.status == 1 && backup.stderr.contains("已经存在, 没有覆盖它") && backup.stderr.contains("--to "), "\(backup.stderr)")
        #expect(try String(contentsOfFile: w.path("copy.sqlite"), encoding: .utf8) == "earlier backup")
        // serve on loopback says only this machine can connect, and how to let villages in
        let server = try ServerProcess(workspace: w, extra: ["--host", "127.0.0.1"])
        defer { server.kill() }
        #expect(try GongkaiProcess.runTool(URL(fileURLWithPath: "/usr/bin/curl"), ["-s", server.url + "/v1/health"]).status == 0)
        #expect(server.log.contains("只有这台电脑自己能连") && server.log.contains("--host 0.0.0.0"), "\(server.log)")
    }

    @Test("add: an exact duplicate needs --again, a date after today needs --future, and a refused add names no id it never made")
    func addGuards() throws {
        let w = Workspace()
        try w.initVillage()
        let add = ["request", "add", "--received-on", "2021-03-02", "--applicant-type", "自然人", "--applicant-name", "张三", "--content", "低保名单"]
        #expect(try w.gongkai(add).status == 0)
        let twice = try w.gongkai(add)
        #expect(twice.status == 1 && twice.stderr.contains("已有一条相同的依申请公开") && twice.stderr.contains("--again"), "\(twice.stderr)")
        #expect(try w.gongkai(add + ["--again"]).status == 0)
        // (the workspace's clock is 2023-11-15 in China)
        let ahead = try w.gongkai(["notice", "add", "--title", "预告", "--category", "其他", "--channel", "公开栏", "--published-on", "2024-01-05"])
        #expect(ahead.status == 1 && ahead.stderr.contains("2024-01-05 在今天 (2023-11-15) 之后") && ahead.stderr.contains("--future"), "\(ahead.stderr)")
        #expect(try w.gongkai(["notice", "add", "--title", "预告", "--category", "其他", "--channel", "公开栏", "--published-on", "2024-01-05", "--future"]).status == 0)
        let wrong = try w.gongkai(["request", "add", "--received-on", "2021-03-05", "--applicant-type", "自然人", "--concluded-on", "2021-03-01"])
        #expect(wrong.status == 1 && wrong.stderr.contains("没有新增") && !wrong.stderr.contains("req-"), "\(wrong.stderr)")
        #expect(try w.gongkai(["status"]).stdout.contains("依申请公开 2"))
    }

    @Test("init --server takes the unit's code and name from the server and remembers it; a wrong token or --unit is refused; an empty replica made by mistake can be removed")
    func initFromServer() throws {
        let town = try Township(villages: [Self.village])
        let issued = try town.workspace.gongkai(["admin", "issue-token", "--unit", Self.village], db: "town.sqlite")
        let tokenFile = town.workspace.write("园河村令牌.txt", issued.stdout)
        // When a new laptop is set up with the server's address and its token only
        let created = try GongkaiProcess.run(["init", "--db", town.workspace.path("new.sqlite"), "--server", town.server.url, "--token-file", tokenFile,
                                              "--device", "新电脑"])
        #expect(created.status == 0 && created.stdout.contains("单位: \(Self.village) 村201"), "\(created.stdout) \(created.stderr)")
        // Then it is the village's replica under the township, and a plain sync works
        let status = try town.workspace.gongkai(["status"], db: "new.sqlite").stdout
        #expect(status.contains("单位: \(Self.village) 村201 (上级 \(Township.township))") && status.contains("服务器: \(town.server.url)"), "\(status)")
        #expect(try GongkaiProcess.run(["sync", "--db", town.workspace.path("new.sqlite")]).status == 0)
        // And a --unit that is not the token's, or a token the server does not know, is refused with nothing made
        let other = try GongkaiProcess.run(["init", "--db", town.workspace.path("x.sqlite"), "--server", town.server.url, "--token-file", tokenFile,
                                            "--unit", "640522100202"])
        #expect(other.status == 1 && other.stderr.contains("这个令牌是单位 \(Self.village)"), "\(other.stderr)")
        let unknown = try GongkaiProcess.run(["init", "--db", town.workspace.path("x.sqlite"), "--server", town.server.url, "--token-file",
                                              town.workspace.write("错.txt", "gk_not_a_token")])
        #expect(unknown.status == 1 && unknown.stderr.contains("设备令牌无效"), "\(unknown.stderr)")
        #expect(!FileManager.default.fileExists(atPath: town.workspace.path("x.sqlite")))
        // And an init over a replica that holds nothing yet says it may simply be removed
        #expect(try town.workspace.gongkai(["init", "--unit", "64052210201", "--name", "打错的", "--parent", Township.township], db: "typo.sqlite").status == 0)
        let again = try town.workspace.gongkai(["init", "--unit", Self.village, "--name", "园河村", "--parent", Township.township], db: "typo.sqlite")
        #expect(again.status == 1 && again.stderr.contains("还没有任何记录") && again.stderr.contains("rm \(town.workspace.path("typo.sqlite"))"), "\(again.stderr)")
    }

    @Test("report check names a changed cell of table 3 by its labels, as a township reads it")
    func differencesInWords() throws {
        let w = Workspace()
        try w.initVillage()
        let add = ["request", "add", "--received-on", "2021-03-02", "--applicant-type", "自然人", "--applicant-name", "张三", "--content", "低保名单",
                   "--concluded-on", "2021-03-10", "--outcome", "予以公开"]
        #expect(try w.gongkai(add).status == 0)
        #expect(try w.gongkai(["report", "publish", "--year", "2021"]).status == 0)
        #expect(try w.gongkai(add.map { $0 == "张三" ? "李四" : $0 }).status == 0)
        let check = try w.gongkai(["report", "check", "--year", "2021"])
        #expect(check.stdout.contains("表三") && check.stdout.contains("予以公开 自然人: 已发布 1, 现在 2"), "\(check.stdout)")
        #expect(!check.stdout.contains("table3") && !check.stdout.contains("rows."), "\(check.stdout)")
    }

    @Test("narrative help lists its placeholders; a report can leave its appendix out; the server's sync line is in words")
    func reportAndLog() throws {
        let w = Workspace()
        let help = try w.gongkai(["narrative", "set", "--help"])
        for placeholder in ["{{year}} 或 {{年度}}", "{{收到申请数}}", "{{信息处理费}}"] { #expect(help.stdout.contains(placeholder), "\(placeholder)") }
        try w.initVillage()
        #expect(try w.gongkai(["report", "published", "--year", "2021", "--unit", "640522100201"]).stdout.contains("还没有发布"))
        let elsewhere = try w.gongkai(["report", "published", "--year", "2021", "--unit", "640522100000"])
        #expect(elsewhere.status == 1 && elsewhere.stderr.contains("在它自己的副本或服务器上发布"), "\(elsewhere.stderr)")
        let full = try w.gongkai(["report", "annual", "--year", "2021"])
        let posted = try w.gongkai(["report", "annual", "--year", "2021", "--no-appendix"])
        #expect(full.stdout.contains("附录") && !posted.stdout.contains("附录") && posted.stdout.contains("六、"), "\(posted.stdout.suffix(200))")
        let town = try Township(villages: [Self.village])
        try town.laptop("a", unit: Self.village)
        try town.sync("a")
        #expect(town.server.log.contains("同步完成, 双方一致: a (单位 \(Self.village)) 推送 0 条, 拉取 0 条"), "\(town.server.log)")
    }
}
