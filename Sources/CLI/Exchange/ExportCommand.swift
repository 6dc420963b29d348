import ArgumentParser
import Foundation
import Records
import OfficeFiles
import Storage

struct ExportCommand: ParsableCommand, ExampleProviding {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "导出记录: csv (可原样再导入), xlsx (Excel/WPS 工作簿, 也可再导入) 或 json (按 id 排序的对象数组)。已删除的记录不导出。",
        discussion: """
        用 Excel (中文 Windows) 打开 CSV, 请加 --encoding utf-8-bom (推荐, 任何文字都不乱码) 或 --encoding gbk;
        默认的 utf-8 不带 BOM, Excel 会显示乱码, 适合脚本和其他程序。--headers zh 用中文列名 (编号、标题、发布日期 …),
        值也写成中文 (自然人、当面提交、（一）予以公开 …), 编号写台账自己的编号 (2021-001, 不带单位代码); xlsx 默认如此。
        导入时同样认得, 再导入还是原来的记录。
        """
    )

    static let examples = [
        "gongkai export requests --encoding utf-8-bom --headers zh --output 申请登记.csv   # 给 Excel 打开",
        "gongkai export notices > notices.csv",
        "gongkai export requests --format json --output requests.json",
        "gongkai export requests --format xlsx --output 申请登记.xlsx   # 中文列名, 日期和金额可直接计算",
    ]

    @Argument(help: ArgumentHelp("记录类别", valueName: "KIND")) var kind: String
    @OptionGroup var replica: ReplicaOptions
    @Option(help: ArgumentHelp("csv, xlsx 或 json", valueName: "FORMAT")) var format: String = "csv"
    @Option(help: ArgumentHelp("写入文件; 默认输出到标准输出", valueName: "FILE")) var output: String?
    @Flag(help: "覆盖已经存在的文件 (数据库文件永远不会被覆盖)") var force = false
    @Option(help: ArgumentHelp("只导出这个单位的记录", valueName: "CODE")) var unit: String?
    @OptionGroup var spreadsheet: SpreadsheetOptions

    func run() throws {
        let kind = try KindArgument.importable(kind)
        guard ["csv", "json", "xlsx"].contains(format) else { throw CLIError.usage("未知的格式 \"\(format)\"; 可用: csv, json, xlsx") }
        let encoding = try spreadsheet.textEncoding()
        if format != "csv" && encoding != .utf8 { throw CLIError.usage("--encoding 只用于 csv; \(format) 总是 UTF-8") }
        if format == "xlsx" && output == nil { throw CLIError.usage("xlsx 是工作簿文件, 请用 --output 指定文件名, 例如 --output 申请登记.xlsx") }
        try OutputFile.checkWritable(output, force: force)
        let records = try replica.open().records.all(kind, unit: unit)
        let bytes: [UInt8]
        switch format {
        case "json":
            bytes = Array((JSONValue.array(records.map { kind.jsonObject(id: $0.id, unit: $0.unit, values: $0.values) }).rendered() + "\n").utf8)
        case "xlsx":
            // Chinese headers unless `--headers key` is asked for: the workbook is for people.
            // Under Chinese headers, values as people write them (labels, the ledger's numbers).
            let chinese = try spreadsheet.chineseHeaders(byDefault: true)
            let rows = records.map { chinese ? kind.chineseRow(id: $0.id, unit: $0.unit, values: $0.values) : $0.csvFields }
            bytes = Array(try RecordSheet.workbook(kind: kind, chineseHeaders: chinese, rows: rows).data())
        default:
            let chinese = try spreadsheet.chineseHeaders()
            let rows = [chinese ? kind.chineseCSVHeaders : kind.csvColumns]
                + records.map { chinese ? kind.chineseRow(id: $0.id, unit: $0.unit, values: $0.values) : $0.csvFields }
            bytes = try SpreadsheetOptions.csv(rows, encoding: encoding)
        }
        try OutputFile.write(Data(bytes), to: output, force: force)
        if let output { Terminal.error("已导出 \(records.count) 条\(kind.label)到 \(output)") }
    }
}
