import ArgumentParser
import Foundation
import OfficeFiles
import PostgresStore
import Records
import Report
import Storage

struct ReportCommand: ParsableCommand, ExampleProviding {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "《政府信息公开工作年度报告》: 由记录计算、检查、发布。",
        subcommands: [ReportAnnual.self, ReportCheck.self, ReportPublish.self, ReportPublished.self]
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
    @Option(name: .customLong("amount-decimals"),
            help: ArgumentHelp("表二收费金额 (万元) 印几位小数, 0 到 6, 四舍五入; 默认 6 位, 即精确到分", valueName: "N"))
    var amountDecimals: Int = Yuan.wanYuanDecimals

    func version() throws -> FormatVersion? {
        guard let formatVersion else { return nil }
        guard let version = FormatVersion(rawValue: formatVersion) else { throw CLIError.usage("未知的格式版本 \"\(formatVersion)\"; 可用: 2019, 2021") }
        return version
    }

    func validate() throws {
        guard (2008...2100).contains(year) else { throw ValidationError("年度 \(year) 不合理") }
        guard (0...Yuan.wanYuanDecimals).contains(amountDecimals) else {
            throw ValidationError("--amount-decimals 应在 0 到 \(Yuan.wanYuanDecimals) 之间 (万元的第 6 位小数即 1 分), 收到 \(amountDecimals)")
        }
    }

    func build(_ source: any ReportSource) throws -> (ReportBuilder.Built, [CheckResult]) {
        let built = try ReportBuilder.build(source, year: year, version: try version(), amountDecimals: amountDecimals)
        return (built, try ReportChecks.run(built, source: source))
    }
}

/// Where a report's records are: the replica (`--db`), or a county's PostgreSQL store
/// (`--store`), of the unit it serves or of one of its units (`--unit`).
struct ReportSourceOptions: ParsableArguments {
    @OptionGroup var replica: ReplicaOptions
    @Option(help: ArgumentHelp("PostgreSQL 服务器数据库 (县级平台), 代替 --db", valueName: "URL")) var store: String?
    @Option(help: ArgumentHelp("报告的单位及其下级 (如县级服务器上的某乡镇); 默认为本副本或服务器自己的单位", valueName: "CODE")) var unit: String?

    func validate() throws {
        if store != nil && replica.db != nil { throw ValidationError("--db 和 --store 只能选一个") }
    }

    /// The source, and what to close once the report is made.
    func open() throws -> (source: any ReportSource, close: () -> Void) {
        guard let store else {
            let figures = try replica.open().figures
            return (try unit.map { try figures.scoped(to: $0) } ?? figures, {})
        }
        let opened = try PostgresServerStore.open(try PostgresLocation(store))
        return (try opened.reportSource(unit: unit), { opened.close() })
    }
}

struct ReportAnnual: ParsableCommand, ExampleProviding {
    static let configuration = CommandConfiguration(
        commandName: "annual", abstract: "生成年度报告: 六个部分按官方格式, 表二、三、四由记录计算; 另附各村情况和图表。")

    static let examples = [
        "gongkai report annual --year 2020 --format md",
        "gongkai report annual --year 2021 --format html --output 2021年报.html   # 浏览器打开后打印到 A4",
        "gongkai report annual --year 2021 --format csv --encoding utf-8-bom --output 2021年报表格.csv   # Excel 打开不乱码",
        "gongkai report annual --year 2021 --format json",
        "gongkai report annual --year 2021 --format docx --output 2021年报.docx   # Word/WPS 打开, A4 公文格式",
        "gongkai report annual --year 2021 --format pdf --output 2021年报.pdf     # 由 Chromium 打印到 A4",
        "gongkai report annual --year 2021 --amount-decimals 4   # 收费金额 (万元) 印 4 位小数; 默认 6 位, 精确到分",
        "gongkai report annual --year 2021 --published --format html --output 已发布.html   # 已发布的版本, 原样",
        "gongkai report annual --year 2021 --store postgresql://gongkai@db.county/gongkai --unit 640522100201   # 县级平台上某村的报告",
    ]

    @OptionGroup var records: ReportSourceOptions
    @OptionGroup var report: ReportOptions
    @Option(help: ArgumentHelp("md, html, csv, json, docx (Word, 按公文格式排版) 或 pdf (A4, 需要 Chromium)", valueName: "FORMAT")) var format: String = "md"
    @Option(help: ArgumentHelp("写入文件; 默认输出到标准输出", valueName: "FILE")) var output: String?
    @Flag(help: "覆盖已经存在的文件 (数据库文件永远不会被覆盖)") var force = false
    @Option(help: ArgumentHelp("csv 的编码: utf-8 (默认), utf-8-bom (Excel 推荐) 或 gbk", valueName: "ENCODING")) var encoding: String = "utf-8"
    @Flag(help: "输出已发布的报告 (最新版本), 而不是按现在的数据计算") var published = false
    @Flag(name: .customLong("no-appendix"), help: "不要附录 (各村数字、同步日期、图表; 不属于官方格式): 对外公布的版本用") var noAppendix = false
    @Option(name: .customLong("published-version"), help: ArgumentHelp("输出已发布的第 N 版 (见 gongkai report published)", valueName: "N"))
    var publishedVersion: Int?

    func run() throws {
        guard ["md", "html", "csv", "json", "docx", "pdf"].contains(format) else {
            throw CLIError.usage("未知的格式 \"\(format)\"; 可用: md, html, csv, json, docx, pdf")
        }
        let textEncoding = try SpreadsheetOptions.encoding(named: encoding)
        if textEncoding != .utf8 && format != "csv" { throw CLIError.usage("--encoding 只用于 --format csv; 其他格式总是 UTF-8") }
        if ["docx", "pdf"].contains(format) && output == nil {
            throw CLIError.usage("\(format) 是二进制文件, 请用 --output 指定文件名, 例如 --output \(report.year)年报.\(format)")
        }
        try OutputFile.checkWritable(output, force: force)
        if published || publishedVersion != nil {
            guard records.store == nil else { throw CLIError.usage("已发布的报告请在乡镇服务器的数据库上用 --db 输出") }
            return try renderPublished(try records.replica.open(), encoding: textEncoding)
        }
        let (source, close) = try records.open()
        defer { close() }
        let (built, checks) = try report.build(source)
        if format == "docx" {
            try OutputFile.write(try ReportDocument.docx(built.report, appendix: !noAppendix), to: output, force: force)
        } else if format == "pdf", let output {
            try PDFPrinter.print(html: HTMLRenderer.render(built.report, appendix: !noAppendix), to: output, force: force)
        } else {
            let text = switch format {
            case "html": HTMLRenderer.render(built.report, appendix: !noAppendix)
            case "csv": CSVRenderer.render(built.report)
            case "json": JSONRenderer.render(built.report, checks: checks)
            default: MarkdownRenderer.render(built.report, appendix: !noAppendix)
            }
            try OutputFile.write(text, to: output, force: force, encoding: textEncoding)
        }
        let failing = checks.filter { !$0.ok }
        if !failing.isEmpty {
            Terminal.error("注意: \(failing.count) 项检查未通过 (\(failing.map(\.id).joined(separator: ", "))); 发布前请运行 gongkai report check --year \(report.year)")
        }
    }
}

extension ReportAnnual {
    /// A published version exactly as it was: its JSON as stored, other formats from its model.
    func renderPublished(_ opened: Replica, encoding: TextEncoding) throws {
        let versions = try opened.published.publishedVersions(year: report.year)
        guard let latest = versions.last else {
            throw CLIError.failure("\(report.year) 年的报告还没有发布; 用 gongkai report publish --year \(report.year) 发布")
        }
        let wanted = publishedVersion ?? latest.version
        guard let content = try opened.published.publishedContent(year: report.year, version: wanted) else {
            throw CLIError.failure("\(report.year) 年没有第 \(wanted) 版; 已发布的版本: \(versions.map { "第 \($0.version) 版" }.joined(separator: ", "))")
        }
        if format == "json" { return try OutputFile.write(content.json, to: output, force: force) }
        guard let model = content.model else {
            throw CLIError.failure("第 \(wanted) 版发布于旧版 gongkai, 只保存了 JSON; 请用 --format json 输出")
        }
        let frozen = try PublishedModel.decode(model)
        if format == "docx" { return try OutputFile.write(try ReportDocument.docx(frozen, appendix: !noAppendix), to: output, force: force) }
        if format == "pdf", let output { return try PDFPrinter.print(html: HTMLRenderer.render(frozen, appendix: !noAppendix), to: output, force: force) }
        let text = switch format {
        case "html": HTMLRenderer.render(frozen, appendix: !noAppendix)
        case "csv": CSVRenderer.render(frozen)
        default: MarkdownRenderer.render(frozen, appendix: !noAppendix)
        }
        try OutputFile.write(text, to: output, force: force, encoding: encoding)
    }
}

struct ReportCheck: ParsableCommand, ExampleProviding {
    static let configuration = CommandConfiguration(
        commandName: "check", abstract: "发布前检查: 表内勾稽关系、跨年结转、数据缺漏、各村同步、冲突、与已发布报告的差异。错误时退出码为 1。")

    static let examples = ["gongkai report check --year 2021", "gongkai report check --year 2021 --json"]

    @OptionGroup var records: ReportSourceOptions
    @OptionGroup var report: ReportOptions
    @Flag(help: "输出 JSON") var json = false

    func run() throws {
        let (source, close) = try records.open()
        defer { close() }
        let checks: [CheckResult]
        do {
            checks = try report.build(source).1
        } catch let beyond as AmountBeyondReport {
            // No report can be made of such a year: say which records make it so, and only that.
            checks = [try ReportChecks.amounts(try source.reportFigures(year: report.year), source: source)]
            Terminal.error(beyond.description.components(separatedBy: ";").first! + "; 其余检查要等金额改正后才能进行")
        }
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
        abstract: "把某年的报告定稿保存。发布后不再改动: 再次发布须 --supersede --reason, 每一版都保留。",
        discussion: """
        之后数据若有变化, report check 会列出与已发布报告的差异 (表格和文字); 次年的结转也与之核对。
        已发布的报告可随时用 gongkai report annual --year Y --published 原样输出 (任何格式)。
        """)

    static let examples = [
        "gongkai report publish --year 2021",
        "gongkai report publish --year 2021 --supersede --reason \"补录园河村12月的两件申请\"",
        "gongkai report published --year 2021   # 列出各版本",
    ]

    @OptionGroup var replica: ReplicaOptions
    @OptionGroup var report: ReportOptions
    @Flag(help: "取代已发布的版本 (须同时写 --reason)") var supersede = false
    @Option(help: ArgumentHelp("取代的原因, 与新版本一起保存", valueName: "TEXT")) var reason: String?

    func run() throws {
        let reason = reason?.trimmingCharacters(in: .whitespacesAndNewlines)
        if supersede && (reason ?? "").isEmpty { throw CLIError.usage("--supersede 须写明原因: --reason \"原因\"") }
        if !supersede && reason != nil { throw CLIError.usage("--reason 只和 --supersede 一起用") }
        let opened = try replica.open()
        let (built, checks) = try report.build(opened.figures)
        let errors = checks.filter(\.failsAsError)
        guard errors.isEmpty else {
            throw CLIError.failure("有 \(errors.count) 项检查错误 (\(errors.map(\.id).joined(separator: ", "))), 不能发布; 请先运行 gongkai report check --year \(report.year) 并修正")
        }
        let json = JSONRenderer.render(built.report, checks: checks)
        let version = try opened.published.publishReport(year: report.year, formatVersion: built.report.formatVersion.rawValue, json: json,
                                               model: try PublishedModel.encode(built.report), supersedingBecause: supersede ? reason : nil,
                                               now: WallClock.now())
        print("已发布 \(built.report.title) 第 \(version.version) 版 (格式 \(built.report.formatVersion.rawValue))")
    }
}

struct ReportPublished: ParsableCommand, ExampleProviding {
    static let configuration = CommandConfiguration(commandName: "published", abstract: "列出某年报告已发布的各版本: 时间和原因。")
    static let examples = ["gongkai report published --year 2021", "gongkai report published --year 2021 --json",
                           "gongkai report published --year 2021 --unit 640522100000"]

    @OptionGroup var replica: ReplicaOptions
    @Option(help: ArgumentHelp("报告年度", valueName: "Y")) var year: Int
    @Option(help: ArgumentHelp("单位代码; 报告在哪个单位的副本或服务器上发布, 就在那里列出 (默认本副本的单位)", valueName: "CODE")) var unit: String?
    @Flag(help: "输出 JSON") var json = false

    func run() throws {
        let opened = try replica.open()
        let own = try opened.units.identity().unit
        if let unit, unit != own.code {
            throw CLIError.failure("这里发布的是本单位 \(own.code) \(TextRule.printable(own.name)) 的报告; \(unit) 的报告在它自己的副本或服务器上发布, "
                                   + "请在那里运行 gongkai report published --year \(year)")
        }
        let versions = try opened.published.publishedVersions(year: year)
        if json {
            print(JSONValue.array(versions.map { version in
                .object([("version", .number(String(version.version))), ("format_version", .string(version.formatVersion)),
                         ("published_at", .string(WallClock.iso(version.publishedAt))), ("reason", version.reason.map(JSONValue.string) ?? .null)])
            }).rendered())
            return
        }
        guard !versions.isEmpty else { return print("\(year) 年的报告还没有发布") }
        for version in versions {
            print("第 \(version.version) 版  \(WallClock.format(version.publishedAt))  格式 \(version.formatVersion)" + (version.reason.map { "  原因: \($0)" } ?? ""))
        }
    }
}
