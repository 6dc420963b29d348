import ArgumentParser
import Foundation
import Records
import Storage

struct ImportCommand: ParsableCommand, ExampleProviding {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "从 CSV 文件导入记录: 全部导入或全部不导入。",
        discussion: """
        KIND: \(RecordKind.importable.map(\.rawValue).joined(separator: " "))
        第一行是表头 (CSV 列名, 或中文列名)。有 id 的行若 id 已存在则更新该记录, 不会重复;
        没有 id 的行按内容生成 id, 同一文件再导入一次不会重复。任何一行有错, 则什么也不导入,
        并列出每一处错误的行号、列和原因。
        """
    )

    static let examples = [
        "gongkai import requests 申请登记.csv",
        "gongkai import notices 公开目录.csv --encoding gbk   # Excel 默认保存的 GBK 文件",
        "gongkai export requests > r.csv && gongkai import requests r.csv   # 修改后再导入, 按 id 更新",
    ]

    @Argument(help: ArgumentHelp("记录类别", valueName: "KIND")) var kind: String
    @Argument(help: ArgumentHelp("CSV 文件", valueName: "FILE")) var file: String
    @OptionGroup var replica: ReplicaOptions
    @Option(help: ArgumentHelp("文件编码: utf-8 (默认) 或 gbk", valueName: "ENCODING")) var encoding: String = "utf-8"

    func run() throws {
        let kind = try KindArgument.importable(kind)
        guard let encoding = SourceEncoding.parse(encoding) else {
            throw CLIError.usage("未知的编码 \"\(encoding)\"; 可用: utf-8, gbk")
        }
        guard let data = FileManager.default.contents(atPath: file) else {
            throw CLIError.failure("无法读取文件 \(file); 请检查路径和权限")
        }
        guard let bytes = encoding.utf8Bytes(of: Array(data)) else {
            throw CLIError.failure("文件 \(file) 不是有效的 \(encoding.rawValue) 文字; 请确认文件编码")
        }
        let opened = try replica.open()
        let reader: ImportReader
        do {
            reader = try ImportReader(kind: kind, bytes: bytes, defaultUnit: try opened.identity().unit.code)
        } catch let ImportFileProblem.problems(problems) {
            throw ImportCommand.rejection(problems, file: file)
        }
        let summary: ImportSummary
        do {
            summary = try opened.importRows(reader, now: WallClock.now()) { rows in
                Terminal.progress("已处理 \(rows) 行…")
            }
        } catch let ReplicaError.rejectedRows(problems) {
            throw ImportCommand.rejection(problems, file: file)
        }
        Terminal.endProgress()
        var message = "已导入 \(kind.rawValue) (\(kind.label)) \(summary.rows) 行: 新增 \(summary.created), 更新 \(summary.updated), 未变 \(summary.unchanged)"
        if summary.restored > 0 { message += ", 恢复已删除 \(summary.restored)" }
        print(message)
        if summary.derivedIDs > 0 {
            print("注意: \(summary.derivedIDs) 行没有 id, 已按内容生成。要修改这些记录, 请先 gongkai export \(kind.rawValue) 得到带 id 的文件, 改好后再导入")
        }
    }

    /// Every problem on its own line, then one line that says nothing was imported.
    static func rejection(_ problems: [RowProblem], file: String) -> CLIError {
        let lines = problems.map(\.description)
        let rows = Set(problems.map(\.line)).count
        return .failure(lines.joined(separator: "\n") + "\n错误: \(file) 有 \(rows) 行共 \(problems.count) 处错误, 未导入任何记录; 修正后重新运行同一命令即可")
    }
}
