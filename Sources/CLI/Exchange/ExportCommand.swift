import ArgumentParser
import Foundation
import Records
import Storage

struct ExportCommand: ParsableCommand, ExampleProviding {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "导出记录: csv (可原样再导入) 或 json (按 id 排序的对象数组)。已删除的记录不导出。"
    )

    static let examples = [
        "gongkai export notices > notices.csv",
        "gongkai export requests --format json --output requests.json",
    ]

    @Argument(help: ArgumentHelp("记录类别", valueName: "KIND")) var kind: String
    @OptionGroup var replica: ReplicaOptions
    @Option(help: ArgumentHelp("csv 或 json", valueName: "FORMAT")) var format: String = "csv"
    @Option(help: ArgumentHelp("写入文件; 默认输出到标准输出", valueName: "FILE")) var output: String?
    @Option(help: ArgumentHelp("只导出这个单位的记录", valueName: "CODE")) var unit: String?

    func run() throws {
        let kind = try KindArgument.importable(kind)
        guard ["csv", "json"].contains(format) else { throw CLIError.usage("未知的格式 \"\(format)\"; 可用: csv, json") }
        let records = try replica.open().records(kind, unit: unit)
        let text: String
        if format == "json" {
            text = JSONValue.array(records.map { kind.jsonObject(id: $0.id, unit: $0.unit, values: $0.values) }).rendered() + "\n"
        } else {
            var writer = CSVWriter()
            writer.write(kind.csvColumns)
            for record in records { writer.write(record.csvFields) }
            text = writer.output
        }
        if let output {
            do {
                try Data(text.utf8).write(to: URL(fileURLWithPath: output), options: .atomic)
            } catch {
                throw CLIError.failure("无法写入 \(output): \(error.localizedDescription)")
            }
            FileHandle.standardError.write(Data("已导出 \(records.count) 条\(kind.label)到 \(output)\n".utf8))
        } else {
            FileHandle.standardOutput.write(Data(text.utf8))
        }
    }
}
