import ArgumentParser
import Foundation
import Records
import Report
import Storage

struct ReportCommand: ParsableCommand, ExampleProviding {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "《政府信息公开工作年度报告》: 由记录计算、检查、发布。",
        subcommands: [ReportAnnual.self, ReportCheck.self, ReportPublish.self]
    )

    static let examples = [
        "gongkai report check --year 2021",
        "gongkai report annual --year 2021 --format html --output 2021年报.html",
        "gongkai report publish --year 2021",
    ]
}

/// `--year` and `--format-version`, shared by the report commands.
struct ReportOptions: ParsableArguments {
    @Option(help: ArgumentHelp("报告年度", valueName: "Y")) var year: Int
    @Option(name: .customLong("format-version"), help: ArgumentHelp("格式版本: 2019 (试行, 用于 2019、2020 年) 或 2021; 默认按年度选择", valueName: "V"))
    var formatVersion: String?

    func version() throws -> FormatVersion? {
        guard let formatVersion else { return nil }
        guard let version = FormatVersion(rawValue: formatVersion) else { throw CLIError.usage("未知的格式版本 \"\(formatVersion)\"; 可用: 2019, 2021") }
        return version
    }

    func validate() throws {
        guard (2008...2100).contains(year) else { throw ValidationError("年度 \(year) 不合理") }
    }

    func build(_ replica: Replica) throws -> (ReportBuilder.Built, [CheckResult]) {
        let built = try ReportBuilder.build(replica, year: year, version: try version())
        return (built, try ReportChecks.run(built, replica: replica))
    }
}

struct ReportAnnual: ParsableCommand, ExampleProviding {
    static let configuration = CommandConfiguration(
        commandName: "annual", abstract: "生成年度报告: 六个部分按官方格式, 表二、三、四由记录计算; 另附各村情况和图表。")

    static let examples = [
        "gongkai report annual --year 2020 --format md",
        "gongkai report annual --year 2021 --format html --output 2021年报.html   # 浏览器打开后打印到 A4",
        "gongkai report annual --year 2021 --format csv --output 2021年报表格.csv",
        "gongkai report annual --year 2021 --format json",
    ]

    @OptionGroup var replica: ReplicaOptions
    @OptionGroup var report: ReportOptions
    @Option(help: ArgumentHelp("md, html, csv 或 json", valueName: "FORMAT")) var format: String = "md"
    @Option(help: ArgumentHelp("写入文件; 默认输出到标准输出", valueName: "FILE")) var output: String?

    func run() throws {
        guard ["md", "html", "csv", "json"].contains(format) else { throw CLIError.usage("未知的格式 \"\(format)\"; 可用: md, html, csv, json") }
        let (built, checks) = try report.build(try replica.open())
        let text = switch format {
        case "html": HTMLRenderer.render(built.report)
        case "csv": CSVRenderer.render(built.report)
        case "json": JSONRenderer.render(built.report, checks: checks)
        default: MarkdownRenderer.render(built.report)
        }
        try OutputFile.write(text, to: output)
        let failing = checks.filter { !$0.ok }
        if !failing.isEmpty {
            Terminal.error("注意: \(failing.count) 项检查未通过 (\(failing.map(\.id).joined(separator: ", "))); 发布前请运行 gongkai report check --year \(report.year)")
        }
    }
}

struct ReportCheck: ParsableCommand, ExampleProviding {
    static let configuration = CommandConfiguration(
        commandName: "check", abstract: "发布前检查: 表内勾稽关系、跨年结转、数据缺漏、各村同步、冲突、与已发布报告的差异。错误时退出码为 1。")

    static let examples = ["gongkai report check --year 2021", "gongkai report check --year 2021 --json"]

    @OptionGroup var replica: ReplicaOptions
    @OptionGroup var report: ReportOptions
    @Flag(help: "输出 JSON") var json = false

    func run() throws {
        let (_, checks) = try report.build(try replica.open())
        if json {
            print(JSONValue.array(checks.map(JSONRenderer.check)).rendered())
        } else {
            for check in checks {
                let mark = check.ok ? "通过" : (check.severity == .error ? "错误" : "警告")
                print("[\(mark)] \(check.id): \(check.detail)")
                for record in check.records.prefix(50) {
                    print("    \(record.kind.singular) \(record.id) (\(record.unit)): \(record.problem)")
                }
                if check.records.count > 50 { print("    …另有 \(check.records.count - 50) 条") }
            }
        }
        let errors = checks.filter(\.failsAsError)
        if !errors.isEmpty { throw ExitCode(1) }
    }
}

struct ReportPublish: ParsableCommand, ExampleProviding {
    static let configuration = CommandConfiguration(
        commandName: "publish",
        abstract: "把某年的报告定稿保存。之后数据若有变化, report check 会列出与已发布报告的差异; 次年的结转也与之核对。")

    static let examples = ["gongkai report publish --year 2021"]

    @OptionGroup var replica: ReplicaOptions
    @OptionGroup var report: ReportOptions

    func run() throws {
        let opened = try replica.open()
        let (built, checks) = try report.build(opened)
        let errors = checks.filter(\.failsAsError)
        guard errors.isEmpty else {
            throw CLIError.failure("有 \(errors.count) 项检查错误 (\(errors.map(\.id).joined(separator: ", "))), 不能发布; 请先运行 gongkai report check --year \(report.year) 并修正")
        }
        let json = JSONRenderer.render(built.report, checks: checks)
        try opened.publishReport(year: report.year, formatVersion: built.report.formatVersion.rawValue, json: json, now: WallClock.now())
        print("已发布 \(built.report.title) (格式 \(built.report.formatVersion.rawValue))")
    }
}

/// Writes a command's output to a file (atomically) or to standard output.
enum OutputFile {
    static func write(_ text: String, to path: String?) throws {
        guard let path else {
            FileHandle.standardOutput.write(Data(text.utf8))
            return
        }
        do {
            try Data(text.utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            throw CLIError.failure("无法写入 \(path): \(error.localizedDescription)")
        }
        Terminal.error("已写入 \(path)")
    }
}
