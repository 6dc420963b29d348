import Foundation
import Testing
import TestSupport
import TestTiers

/// Issue 27, findings 7 and 12, and the fuzzer under a memory ceiling: a 2 MB workbook of eight
/// 250 MB sheets took `import` to 2.3 GB before it refused (every sheet was unpacked before one
/// was chosen), and a crafted sheet reference (20 column letters, row 2^63 − 1) crashed it with no
/// message. Each hostile workbook here goes to the real binary, whose peak memory the kernel
/// reports: never a crash, never past 200 MB, a refusal in words or the rows read.
@Suite("Trust: hostile workbooks are refused in words, within 200 MB", .tags(.slow), .fullSuiteOnly)
struct HostileWorkbookTests {
    static let ceilingMB = 200.0
    static let header = "<row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>title</t></is></c><c r=\"B1\" t=\"inlineStr\"><is><t>category</t></is></c>"
        + "<c r=\"C1\" t=\"inlineStr\"><is><t>channel</t></is></c><c r=\"D1\" t=\"inlineStr\"><is><t>published_on</t></is></c></row>"

    /// A notices row of the ledger, numbered `n`.
    static func row(_ n: Int) -> String {
        "<row r=\"\(n)\"><c r=\"A\(n)\" t=\"inlineStr\"><is><t>通知</t></is></c><c r=\"B\(n)\" t=\"inlineStr\"><is><t>民生</t></is></c>"
            + "<c r=\"C\(n)\" t=\"inlineStr\"><is><t>公开栏</t></is></c><c r=\"D\(n)\" t=\"inlineStr\"><is><t>2021-03-01</t></is></c></row>"
    }

    struct Case: CustomStringConvertible, Sendable {
        let name: String
        let sheets: Int
        let parts: [GeneratedWorkbook.Part]
        var sharedStrings: GeneratedWorkbook.Part? = nil
        /// The words of the refusal; nil when the rows are read.
        let refusal: String?
        var description: String { name }
    }

    static let cases: [Case] = [
        // Finding 7: eight sheets of 250 MB each, each under the per-part limit (2 MB zipped)
        Case(name: "eight 250 MB sheets", sheets: 8, parts: (1...8).map {
            GeneratedWorkbook.sheet($0, head: header, rows: String(repeating: " ", count: 1_000), count: 250_000)
        }, refusal: nil),
        Case(name: "a 300 MB sheet", sheets: 1, parts: [GeneratedWorkbook.sheet(1, head: header, rows: String(repeating: " ", count: 1_000), count: 300_000)],
             refusal: "解开后超过 256 MB"),
        Case(name: "a 100 MB cell", sheets: 1, parts: [GeneratedWorkbook.sheet(1, head: header + "<row r=\"2\"><c r=\"A2\" t=\"inlineStr\"><is><t>",
                                                                                  rows: String(repeating: "公开", count: 500), count: 35_000)],
             refusal: "的内容超过 1 MB"),
        Case(name: "a tag of 20 MB", sheets: 1, parts: [GeneratedWorkbook.sheet(1, head: header + "<row r=\"2\" x=\"", rows: String(repeating: "a", count: 1_000),
                                                                                 count: 20_000)],
             refusal: "不是有效的 XML"),
        Case(name: "1,000,000 elements nested", sheets: 1, parts: [GeneratedWorkbook.sheet(1, head: header, rows: "<x>", count: 1_000_000)],
             refusal: nil),
        Case(name: "2,100,000 shared strings", sheets: 1, parts: [GeneratedWorkbook.sheet(1, head: header, rows: "", count: 0)],
             sharedStrings: GeneratedWorkbook.Part("xl/sharedStrings.xml", prefix: "<?xml version=\"1.0\"?><sst xmlns=\"\(WorkbookBuilder.main)\">",
                                                   unit: "<si/>", count: 2_100_000, suffix: "</sst>"),
             refusal: "共享文字超过 2000000 条"),
        Case(name: "40 MB of shared strings", sheets: 1, parts: [GeneratedWorkbook.sheet(1, head: header, rows: "", count: 0)],
             sharedStrings: GeneratedWorkbook.Part("xl/sharedStrings.xml", prefix: "<?xml version=\"1.0\"?><sst xmlns=\"\(WorkbookBuilder.main)\">",
                                                   unit: "<si><t>公开政务信息</t></si>", count: 1_300_000, suffix: "</sst>"),
             refusal: "解开后超过 32 MB"),
        Case(name: "200,001 data rows", sheets: 1,
             parts: [GeneratedWorkbook.sheet(1, head: header, rows: row(2), count: 200_001)], refusal: "超过 200000 行数据"),
        // Finding 12: references no program that saves workbooks writes
        Case(name: "20 column letters", sheets: 1, parts: [GeneratedWorkbook.sheet(1, head: header
            + "<row r=\"2\"><c r=\"AAAAAAAAAAAAAAAAAAAA2\" t=\"inlineStr\"><is><t>x</t></is></c></row>", rows: "", count: 0)],
             refusal: "超出 Excel 的范围 (最多 XFD 列)"),
        Case(name: "row 2^63 − 1", sheets: 1, parts: [GeneratedWorkbook.sheet(1, head: header
            + "<row r=\"9223372036854775807\"><c t=\"inlineStr\"><is><t>x</t></is></c></row>", rows: "", count: 0)],
             refusal: "超出 Excel 的范围 (1 到 1048576)"),
        Case(name: "column XFE", sheets: 1, parts: [GeneratedWorkbook.sheet(1, head: header
            + "<row r=\"2\"><c r=\"XFE2\" t=\"inlineStr\"><is><t>x</t></is></c></row>", rows: "", count: 0)],
             refusal: "最多 XFD 列"),
        Case(name: "row 1,048,577", sheets: 1, parts: [GeneratedWorkbook.sheet(1, head: header + "<row r=\"1048577\"/>", rows: "", count: 0)],
             refusal: "超出 Excel 的范围"),
        Case(name: "a row with no number after row 1,048,576", sheets: 1, parts: [GeneratedWorkbook.sheet(1, head: header + "<row r=\"1048576\"/><row/>",
                                                                                                           rows: "", count: 0)],
             refusal: "超过 1048576 行"),
        Case(name: "16,385 cells in a row", sheets: 1, parts: [GeneratedWorkbook.sheet(1, head: header + "<row r=\"2\">",
                                                                                          rows: "<c t=\"inlineStr\"><is><t>x</t></is></c>", count: 16_385)],
             refusal: "超过 16384 列"),
        Case(name: "references of every odd shape", sheets: 1, parts: [GeneratedWorkbook.sheet(1, head: header
            + "<row r=\"-1\"><c r=\"A0\"/></row>", rows: "", count: 0)], refusal: "超出 Excel 的范围"),
        // A ledger of 50,000 rows, read and imported
        Case(name: "a ledger of 50,000 rows", sheets: 1, parts: [GeneratedWorkbook.sheet(1, head: header, rows: row(2), count: 50_000)], refusal: nil),
    ]

    @Test("each hostile workbook: no crash, peak memory under 200 MB, refused in words with nothing imported, or read", arguments: cases)
    func withinTheCeiling(hostile: Case) throws {
        // Given a village replica and the workbook
        let w = Workspace()
        try w.initVillage()
        let before = try w.dump()
        let file = w.url.appendingPathComponent("hostile.xlsx")
        try GeneratedWorkbook.write(to: file, sheets: hostile.sheets, parts: hostile.parts, sharedStrings: hostile.sharedStrings)
        let size = (try FileManager.default.attributesOfItem(atPath: file.path)[.size] as? Int) ?? 0
        // When it is imported
        let run = try MeasuredRun.gongkai(["import", "notices", file.path, "--db", w.path("v.sqlite")], in: w.url)
        print("HOSTILE-WORKBOOK \(hostile.name): \(size / 1024) kB zipped, exit \(run.status), peak \(Int(run.peakMB)) MB")
        // Then it never dies of a signal and stays under the ceiling
        #expect(run.signal == nil, "\(hostile.name): killed by signal \(run.signal ?? 0); \(run.stderr.suffix(300))")
        #expect(run.peakMB < Self.ceilingMB, "\(hostile.name): peak \(run.peakMB) MB")
        if let refusal = hostile.refusal {
            // And a refusal says why and leaves the replica as it was
            #expect(run.status == 1 && run.stderr.contains(refusal), "\(hostile.name): \(run.status) \(run.stderr.prefix(400))")
            #expect(try w.dump() == before, "\(hostile.name)")
        } else {
            #expect(run.status == 0, "\(hostile.name): \(run.stderr.prefix(400))")
        }
    }
}
