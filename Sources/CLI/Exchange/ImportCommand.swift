import ArgumentParser
import Foundation
import Records
import OfficeFiles
import Storage

struct ImportCommand: ParsableCommand, ExampleProviding {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "从 CSV 文件或 Excel/WPS 工作簿 (.xlsx) 导入记录: 全部导入或全部不导入。",
        discussion: """
        KIND: \(RecordKind.importable.map(\.rawValue).joined(separator: " "))
        第一行是表头 (CSV 列名, 或中文列名)。有 id (或台账的"编号") 的行若 id 已存在则更新该记录,
        不会重复; 手填的 id 按单位区分 (写作 单位代码:编号), 不会与别村的编号相撞。
        没有 id 的行按识别项找已有记录 (申请: 收到日期、申请人、申请内容; 主动公开: 标题、发布日期 …),
        补填办结日期等再导入会更新原记录, 不会重复。只差一个识别项的行 (例如改正了标题的错字)
        默认不导入并列出, 由 --near update (按本行改正原记录) 或 --near add (另立新记录) 决定。
        空单元格不会清空已有的值; 已删除的记录不会被恢复, 除非加 --restore-deleted。这些行都会列出。
        "序号"、"备注"、"说明" 列不导入。任何一行有错, 则什么也不导入, 并列出每一处错误的行号、列和原因
        (同一列同一个错误出现在许多行时, 只列一次, 附行数和行号)。
        表头可以在标题行下面 (前 20 行内), 表头单元格里换行或带括号的说明 (收到日期（年月日）) 都认得;
        "填表人"、"审核人" 等落款行表示数据到此为止。日期可以写 2021-01-06、2021/1/6、2021年1月6日、
        20210106, 或 Excel 的日期序号 (44202)。逗号或制表符分隔的文本、UTF-16 的 "Unicode 文本" 都可导入;
        .ods 请先另存为 .xlsx。
        Excel 另存的 CSV 多为 GBK: 加 --encoding gbk; UTF-8 文件开头的 BOM 会自动跳过。
        .xlsx 工作簿直接导入 (默认第一个工作表, --sheet 指定其他): 表头上方的标题行 (合并单元格) 会跳过,
        日期单元格按日期读, 错误按单元格指出 (如 工作表 "登记表" 单元格 D12)。旧的 .xls 请先另存为 .xlsx。

        可用的列名 (英文键或任一中文名):

        """ + RecordKind.importable.map { kind in
            "\(kind.rawValue) (\(kind.label)):\n" + kind.acceptedHeaders.map { "  " + $0 }.joined(separator: "\n")
        }.joined(separator: "\n")
    )

    static let examples = [
        "gongkai import requests 申请登记.csv",
        "gongkai import notices 公开目录.csv --encoding gbk   # Excel 默认保存的 GBK 文件",
        "gongkai export requests > r.csv && gongkai import requests r.csv   # 修改后再导入, 按 id 更新",
        "gongkai import requests 申请登记.csv --near update   # 台账里改正了申请内容的错字",
        "gongkai import requests 2021年依申请公开台账.xlsx --sheet 登记表   # Excel 或 WPS 的工作簿",
        "gongkai import requests 申请登记.csv --dry-run   # 先看会新增、更新、改动什么, 不写入",
    ]

    @Argument(help: ArgumentHelp("记录类别", valueName: "KIND")) var kind: String
    @Argument(help: ArgumentHelp("CSV 文件或 .xlsx 工作簿", valueName: "FILE")) var file: String
    @OptionGroup var replica: ReplicaOptions
    @Option(help: ArgumentHelp("文件编码: utf-8 (默认, 带不带 BOM 均可) 或 gbk (Excel 中文版另存的 CSV)", valueName: "ENCODING")) var encoding: String = "utf-8"
    @Option(help: ArgumentHelp("只差一个识别项的行: refuse 不导入并列出 (默认), update 按本行改正原记录, add 另立新记录",
                               valueName: "refuse|update|add")) var near: String = "refuse"
    @Flag(help: "恢复文件中出现的已删除记录 (默认保持删除, 并列出这些行)") var restoreDeleted = false
    @Option(help: ArgumentHelp("读 .xlsx 工作簿的哪一个工作表; 默认第一个 (不含隐藏的)", valueName: "NAME")) var sheet: String?
    @Flag(name: .customLong("dry-run"), help: "试导入: 检查每一行, 列出会新增、更新、改动什么, 但不写入") var dryRun = false
    @Flag(help: "台账里的值为准: 即使本工具里的值是台账保存之后改的 (或冲突解决后定的), 也改成台账的") var overwrite = false

    func run() throws {
        let kind = try KindArgument.importable(kind)
        // The file's last save: values changed in the tool after it are newer than the ledger.
        let saved = ((try? FileManager.default.attributesOfItem(atPath: file))?[.modificationDate] as? Date).map { Int64($0.timeIntervalSince1970) }
        let options = ImportOptions(restoreDeleted: restoreDeleted, nearRows: try ImportCommand.nearRows(near), ledgerSavedAt: saved, overwrite: overwrite)
        guard let data = FileManager.default.contents(atPath: file) else {
            throw CLIError.failure("无法读取文件 \(file); 请检查路径和权限")
        }
        let opened = try replica.open()
        let reader: ImportReader
        do {
            reader = try readFile(data, kind: kind, defaultUnit: try opened.units.identity().unit.code)
        } catch let ImportFileProblem.problems(problems) {
            throw ImportCommand.rejection(problems, file: file)
        }
        let imported = Result { () throws(ReplicaError) -> ImportSummary in
            try opened.imports.importRows(reader, options: options, now: WallClock.now(), dryRun: dryRun) { rows in
                Terminal.progress("已处理 \(rows) 行…")
            }
        }
        let summary: ImportSummary
        switch imported {
        case .success(let done): summary = done
        case .failure(.rejectedRows(let problems)): throw ImportCommand.rejection(problems, file: file)
        case .failure(let error): throw error
        }
        Terminal.endProgress()
        var message = (dryRun ? "试导入 (没有写入任何内容) " : "已导入 ")
            + "\(kind.rawValue) (\(kind.label)) \(summary.rows) 行: 新增 \(summary.created), 更新 \(summary.updated), 未变 \(summary.unchanged)"
        if summary.restored > 0 { message += ", 恢复已删除 \(summary.restored)" }
        if !summary.leftDeleted.isEmpty { message += ", 已删除未恢复 \(summary.leftDeleted.count)" }
        print(message)
        ImportCommand.list(summary.nearRows, heading: "只差一个识别项的行 (--near \(near))")
        ImportCommand.list(summary.leftDeleted, heading: "对应已删除记录的行, 未导入 (要恢复请加 --restore-deleted)")
        ImportCommand.list(summary.changedValues, heading: "改动了已有的值 (若用的是旧台账, 请核对)")
        ImportCommand.list(summary.keptValues, heading: "空单元格未清空已有的值 (要清空请用 gongkai \(kind.singular) edit)")
    }

    /// The file's rows: a workbook's sheet (`.xlsx`, or a ZIP or old `.xls` by its first bytes,
    /// whatever its name), else CSV text in the chosen encoding.
    func readFile(_ data: Data, kind: RecordKind, defaultUnit: String) throws -> ImportReader {
        // OpenDocument (.ods) is a ZIP too, with its type first: named, with the way to a file we read.
        if file.lowercased().hasSuffix(".ods") || data.prefix(90).range(of: Data("application/vnd.oasis.opendocument.spreadsheet".utf8)) != nil {
            throw CLIError.failure("\(file) 是 OpenDocument 表格 (.ods); 请在 WPS 或 LibreOffice 中 \"另存为\" Excel 工作簿 (.xlsx) 或 CSV, 再导入那个文件")
        }
        // Excel's "Unicode text" is UTF-16 with a byte-order mark (and tab-separated): read as it is.
        if data.starts(with: [0xFF, 0xFE]) || data.starts(with: [0xFE, 0xFF]) {
            guard let text = String(data: data, encoding: .utf16) else {
                throw CLIError.failure("\(file) 开头标明是 UTF-16 (\"Unicode 文本\"), 但内容无法按 UTF-16 读取; 请在 Excel 中另存为 \"CSV UTF-8\"")
            }
            if sheet != nil { throw CLIError.usage("--sheet 只用于 .xlsx 工作簿; \(file) 是文本文件") }
            return try ImportReader(kind: kind, bytes: Array(text.utf8), defaultUnit: defaultUnit)
        }
        let isWorkbook = [".xlsx", ".xls", ".xlsm"].contains { file.lowercased().hasSuffix($0) }
            || data.starts(with: [0x50, 0x4B, 0x03, 0x04]) || data.starts(with: [0xD0, 0xCF, 0x11, 0xE0])
        guard isWorkbook else {
            if sheet != nil { throw CLIError.usage("--sheet 只用于 .xlsx 工作簿; \(file) 按 CSV 读取") }
            let encoding = try SpreadsheetOptions.encoding(named: encoding)
            guard let bytes = encoding.utf8Bytes(of: Array(data)) else {
                let hint = encoding == .gbk ? "" : "; Excel 中文版另存的 CSV 多为 GBK, 请加 --encoding gbk"
                throw CLIError.failure("文件 \(file) 不是有效的 \(encoding.rawValue) 文字\(hint); 或在 Excel 中另存为 \"CSV UTF-8\"")
            }
            return try ImportReader(kind: kind, bytes: bytes, defaultUnit: defaultUnit)
        }
        if encoding.lowercased() != "utf-8" { throw CLIError.usage("--encoding 只用于 CSV; 工作簿 \(file) 不需要") }
        do {
            let workbook = try Workbook(data: data)
            let first = try workbook.chosenSheet(sheet)
            do {
                return try SheetImport.reader(kind: kind, workbook: workbook, sheet: first, defaultUnit: defaultUnit)
            } catch let problem as ImportFileProblem where sheet == nil && workbook.sheetNames.count > 1 {
                // A first sheet of instructions (填表说明) before the ledger: the sheet with the header is taken, and named.
                for other in workbook.sheetNames where other != first {
                    guard let reader = try? SheetImport.reader(kind: kind, workbook: workbook, sheet: other, defaultUnit: defaultUnit) else { continue }
                    Terminal.error("第一个工作表 \"\(first)\" 里没有\(kind.label)的表头, 读的是工作表 \"\(other)\" (要读别的, 用 --sheet 名称)")
                    return reader
                }
                guard case .problems(let problems) = problem else { throw problem }
                throw ImportFileProblem.problems(problems + [RowProblem(line: 1, message: "没有一个工作表有\(kind.label)的表头; 工作表有: "
                    + workbook.sheetNames.map { "\"\($0)\"" }.joined(separator: ", ") + "; 用 --sheet 名称 指定")])
            }
        } catch let problem as WorkbookProblem {
            throw CLIError.failure("\(file): \(problem.message)")
        }
    }

    static func nearRows(_ text: String) throws -> ImportOptions.NearRows {
        let spellings: [String: ImportOptions.NearRows] = ["refuse": .refuse, "拒绝": .refuse, "update": .update, "更新": .update,
                                                           "改正": .update, "add": .add, "新增": .add]
        guard let policy = spellings[text.trimmingCharacters(in: .whitespaces).lowercased()] else {
            throw CLIError.usage("--near 的值 \"\(text)\" 无效; 可用: refuse (拒绝), update (更新), add (新增)")
        }
        return policy
    }

    /// Notes about rows, at most 20 of them, then how many more.
    static func list(_ notes: [ImportNote], heading: String) {
        guard !notes.isEmpty else { return }
        print("\(heading): \(notes.count) 处")
        for note in notes.prefix(20) { print("  \(note)") }
        if notes.count > 20 { print("  … 另有 \(notes.count - 20) 处") }
    }

    /// Every problem on its own line, then one line that says nothing was imported.
    static func rejection(_ problems: [RowProblem], file: String) -> CLIError {
        let lines = RowProblem.summarised(problems)
        let rows = Set(problems.map(\.line)).count
        return .failure(lines.joined(separator: "\n") + "\n错误: \(file) 有 \(rows) 行共 \(problems.count) 处错误, 未导入任何记录; 修正后重新运行同一命令即可")
    }
}
