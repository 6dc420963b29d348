import ArgumentParser
import Foundation
import Records
import Report
import Storage

struct NarrativeCommand: ParsableCommand, ExampleProviding {
    static let configuration = CommandConfiguration(
        commandName: "narrative",
        abstract: "年度报告中的文字部分 (一、五、六)。",
        discussion: NarrativeCommand.placeholderHelp,
        subcommands: [NarrativeSet.self, NarrativeShow.self]
    )

    static let examples = [
        "gongkai narrative set --year 2020 --section 一 --file 总体情况.md",
        "gongkai narrative show --year 2020",
    ]

    /// Every placeholder a text may hold, as the help lists them.
    static let placeholderHelp = "文字中可以写占位符, 生成报告时换成当年的数字 (英文名或中文名都可以):\n"
        + NarrativePlaceholder.allCases.map { "  {{\($0.rawValue)}} 或 {{\($0.chineseName)}}: \($0.meaning)" }.joined(separator: "\n")
        + "\n例如: {{年度}}年，本单位收到政府信息公开申请{{收到申请数}}件。"
}

struct NarrativeSet: ParsableCommand, ExampleProviding {
    static let configuration = CommandConfiguration(
        commandName: "set", abstract: "设置某年某章节的文字 (小标题写成 Markdown 标题)。", discussion: NarrativeCommand.placeholderHelp)

    static let examples = [
        "gongkai narrative set --year 2020 --section 一 --file 总体情况.md",
        "gongkai narrative set --year 2020 --section 六 --file - <<< '无其他需要报告的事项。'   # 从标准输入读",
    ]

    @OptionGroup var replica: ReplicaOptions
    @Option(help: ArgumentHelp("报告年度", valueName: "Y")) var year: Int
    @Option(help: ArgumentHelp("章节: 一, 五 或 六", valueName: "SECTION")) var section: String
    @Option(help: ArgumentHelp("文字文件 (UTF-8); - 表示标准输入", valueName: "FILE")) var file: String
    @Option(help: ArgumentHelp("单位代码; 默认为本副本的单位", valueName: "CODE")) var unit: String?

    func run() throws {
        guard let section = NarrativeSection.parse(section) else {
            throw CLIError.usage("未知的章节 \"\(section)\"; 可用: 一, 五, 六")
        }
        let data = file == "-" ? FileHandle.standardInput.readDataToEndOfFile() : FileManager.default.contents(atPath: file)
        guard let data else { throw CLIError.failure("无法读取文件 \(file); 请检查路径和权限") }
        // Word and Notepad on Chinese Windows save text as GBK: that is read as well.
        guard let text = String(data: data, encoding: .utf8)
                ?? TextEncoding.gbk.utf8Bytes(of: Array(data)).map({ String(decoding: $0, as: UTF8.self) }) else {
            throw CLIError.failure("文件 \(file) 既不是 UTF-8 也不是 GBK 文字; 请在记事本中另存为 UTF-8 后重试")
        }
        let opened = try replica.open()
        let unit = try unit ?? opened.units.identity().unit.code
        let id = section.recordID(unit: unit, year: year)
        let input = ["year": String(year), "section": section.rawValue, "text": text]
        if let existing = try opened.records.record(.narrative, id: id), !existing.isDeleted {
            let (_, result) = try opened.records.update(.narrative, id: id, input: input, now: WallClock.now())
            print(result == .unchanged ? "\(year) 年 \(section.heading) 没有变化" : "已更新 \(year) 年 \(section.heading)")
        } else if try opened.records.record(.narrative, id: id) != nil {
            _ = try opened.records.restore(.narrative, id: id, now: WallClock.now())
            _ = try opened.records.update(.narrative, id: id, input: input, now: WallClock.now())
            print("已设置 \(year) 年 \(section.heading)")
        } else {
            _ = try opened.records.create(.narrative, id: id, unit: unit, input: input, now: WallClock.now())
            print("已设置 \(year) 年 \(section.heading)")
        }
    }
}

struct NarrativeShow: ParsableCommand, ExampleProviding {
    static let configuration = CommandConfiguration(commandName: "show", abstract: "显示某年的报告文字。")
    static let examples = ["gongkai narrative show --year 2020", "gongkai narrative show --year 2020 --section 五"]

    @OptionGroup var replica: ReplicaOptions
    @Option(help: ArgumentHelp("报告年度", valueName: "Y")) var year: Int
    @Option(help: ArgumentHelp("章节: 一, 五 或 六; 默认全部", valueName: "SECTION")) var section: String?
    @Option(help: ArgumentHelp("单位代码; 默认为本副本的单位", valueName: "CODE")) var unit: String?
    @Flag(help: "输出 JSON: 每个章节一个对象 (section, heading, text; 未填写的 text 为 null)") var json = false

    func run() throws {
        let opened = try replica.open()
        let unit = try unit ?? opened.units.identity().unit.code
        var sections = NarrativeSection.allCases
        if let section {
            guard let parsed = NarrativeSection.parse(section) else { throw CLIError.usage("未知的章节 \"\(section)\"; 可用: 一, 五, 六") }
            sections = [parsed]
        }
        if json {
            let objects = try sections.map { section -> JSONValue in
                let record = try opened.records.record(.narrative, id: section.recordID(unit: unit, year: year))
                let text = record?.isDeleted == false ? record?.values["text"] : nil
                return .object([("section", .string(section.label)), ("heading", .string(section.heading)),
                                ("text", text.map(JSONValue.string) ?? .null)])
            }
            return print(JSONValue.array(objects).rendered())
        }
        for section in sections {
            let record = try opened.records.record(.narrative, id: section.recordID(unit: unit, year: year))
            print("## \(section.heading)\n")
            print((record?.isDeleted == false ? record?.values["text"] : nil) ?? "(未填写)")
            print("")
        }
    }
}
