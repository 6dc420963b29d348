import Foundation
#if canImport(Glibc)
import Glibc
#endif
import Testing

/// Runs gongkai with its standard input on a pseudo-terminal, as when an official types at
/// the keyboard, and answers its questions with `answers` (one line each).
func runAtTerminal(_ arguments: [String], answers: [String], workspace: Workspace) throws -> RunResult {
    var primary: Int32 = -1
    var secondary: Int32 = -1
    guard openpty(&primary, &secondary, nil, nil, nil) == 0 else { throw POSIXError(.ENXIO) }
    defer { close(primary) }
    let process = Process()
    process.executableURL = GongkaiProcess.binary
    process.arguments = arguments + ["--db", workspace.path("v.sqlite")]
    process.environment = ProcessInfo.processInfo.environment.merging(["GONGKAI_NOW": "1700000000"]) { $1 }
    let outURL = workspace.url.appendingPathComponent("tty-out")
    let errURL = workspace.url.appendingPathComponent("tty-err")
    FileManager.default.createFile(atPath: outURL.path, contents: nil)
    FileManager.default.createFile(atPath: errURL.path, contents: nil)
    let out = try FileHandle(forWritingTo: outURL)
    let err = try FileHandle(forWritingTo: errURL)
    let keyboard = FileHandle(fileDescriptor: secondary, closeOnDealloc: true)
    process.standardInput = keyboard
    process.standardOutput = out
    process.standardError = err
    // The terminal keeps typed lines until the program reads them, as a keyboard would.
    let typed = answers.map { $0 + "\n" }.joined()
    _ = typed.withCString { write(primary, $0, strlen($0)) }
    try process.run()
    // Drain the terminal's echo so that it can never fill up and block the program.
    let terminal = primary
    let drain = Thread {
        var buffer = [UInt8](repeating: 0, count: 4096)
        while read(terminal, &buffer, buffer.count) > 0 {}
    }
    drain.start()
    process.waitUntilExit()
    // With the terminal's last handle closed, the drain reads end of file and stops.
    try? keyboard.close()
    try out.close()
    try err.close()
    return RunResult(status: process.terminationStatus,
                     stdout: String(decoding: try Data(contentsOf: outURL), as: UTF8.self),
                     stderr: String(decoding: try Data(contentsOf: errURL), as: UTF8.self))
}

@Suite("Asking for missing values at a terminal")
struct PromptTests {
    @Test("notice add asks for each missing required value in Chinese, listing numbered choices")
    func asksForMissing() throws {
        let workspace = Workspace()
        try workspace.initVillage()
        // Given a terminal and only a title
        // When the official answers: a bad date first, then a good one; channels by number
        let result = try runAtTerminal(["notice", "add", "--id", "n1", "--title", "低保公示"],
                                       answers: ["2", "1;2", "2020-02-30", "2020-05-01"], workspace: workspace)
        // Then the notice is stored with the answers, and the bad date was explained and asked again
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.contains("类别 可选:"))
        #expect(result.stderr.contains("1. 扶贫救灾 (poverty_relief)"))
        #expect(result.stderr.contains("公开渠道 (填编号或名称, 多个用 ; 分隔): "))
        #expect(result.stderr.contains("日历上没有这一天"))
        let shown = try workspace.gongkai(["notice", "show", "n1", "--json"])
        let object = try #require(try JSONSerialization.jsonObject(with: Data(shown.stdout.utf8)) as? [String: Any])
        #expect(object["category"] as? String == "livelihood")
        #expect(object["channel"] as? String == "portal;bulletin_board")
        #expect(object["published_on"] as? String == "2020-05-01")
    }

    @Test("request add asks for the applicant, the content and the channel too, which may be left empty; outcomes are listed under table 3's headings")
    func requestAddAsksWhatARegisterNotes() throws {
        let workspace = Workspace()
        try workspace.initVillage()
        // Given a terminal and nothing but the command; the channel is left empty with Enter
        let result = try runAtTerminal(["request", "add", "--id", "r9"], answers: ["2021-03-02", "1", "张三", "2020年低保户名单", ""], workspace: workspace)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.contains("申请人 (例如") && result.stderr.contains("申请内容") && result.stderr.contains("申请渠道 可选:"), "\(result.stderr)")
        let shown = try workspace.gongkai(["request", "show", "r9", "--json"])
        let object = try #require(try JSONSerialization.jsonObject(with: Data(shown.stdout.utf8)) as? [String: Any])
        #expect(object["applicant_name"] as? String == "张三" && object["content"] as? String == "2020年低保户名单")
        #expect(object["channel"] == nil || object["channel"] is NSNull)
        // And the outcome picker groups the leaves under （三） to （六）, as the help does
        let conclude = try runAtTerminal(["request", "conclude", "r9"], answers: ["2021-03-20", "3"], workspace: workspace)
        #expect(conclude.stderr.contains("  （三）不予公开\n      3. 1.属于国家秘密"), "\(conclude.stderr)")
        let help = try workspace.gongkai(["request", "add", "--help"])
        #expect(help.stdout.replacingOccurrences(of: "\n", with: " ").contains("（三）不予公开: 1.属于国家秘密"), "\(help.stdout)")
    }

    @Test("request conclude asks for the date and the outcome, which may be chosen by number")
    func concludeAsks() throws {
        let workspace = Workspace()
        try workspace.initVillage()
        _ = try workspace.gongkai(["request", "add", "--id", "r1", "--received-on", "2021-03-02", "--applicant-type", "自然人"])
        let result = try runAtTerminal(["request", "conclude", "r1"], answers: ["2021-03-20", "1"], workspace: workspace)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.contains("办理结果 可选:"))
        #expect(result.stdout.contains("已办结 640522100201:r1: （一）予以公开"))
    }

    @Test("delete at a terminal asks first, and keeps the record on no")
    func deleteConfirms() throws {
        let workspace = Workspace()
        try workspace.initVillage()
        _ = try workspace.gongkai(["fee", "add", "--id", "f1", "--collected-on", "2021-04-01", "--amount-yuan", "5"])
        let declined = try runAtTerminal(["fee", "delete", "f1"], answers: ["n"], workspace: workspace)
        #expect(declined.stdout.contains("未删除"))
        #expect(try workspace.gongkai(["fee", "list"]).stdout.contains("共 1 条"))
        let accepted = try runAtTerminal(["fee", "delete", "f1"], answers: ["是"], workspace: workspace)
        #expect(accepted.stdout.contains("已删除收费 640522100201:f1"))
        #expect(try workspace.gongkai(["fee", "list"]).stdout.contains("共 0 条"))
    }
}
