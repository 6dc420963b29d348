import Foundation
import OfficeFiles
import Records
import Testing
import TestSupport

/// Damaged workbooks: each is read whole or refused with a message, never a crash or a hang.
@Suite("Damaged workbooks")
struct WorkbookFuzzTests {
    /// Reads a workbook's first sheet as requests, as `gongkai import` would; nil when refused.
    static func outcome(_ data: Data) -> String {
        do {
            let workbook = try Workbook(data: data)
            var reader = try SheetImport.reader(kind: .requests, sheet: try workbook.sheet(), defaultUnit: "640522100201")
            var rows = 0, problems = 0
            while let next = reader.next() {
                if case .row = next { rows += 1 } else { problems += 1 }
            }
            return "read \(rows) rows, \(problems) with problems"
        } catch let problem as WorkbookProblem {
            return "refused: \(problem.message)"
        } catch {
            return "refused: \(error)"
        }
    }

    @Test("truncated at every 1/20 of its length, and with bytes flipped at random (seeded): refused with a message or read whole")
    func damaged() throws {
        let seed: UInt64 = 20261201
        print("WorkbookFuzzTests seed \(seed)")
        var random = SeededGenerator(seed: seed)
        let good = try excelLedger()
        #expect(Self.outcome(good) == "read 2 rows, 0 with problems")
        var refused = 0, read = 0
        for twentieth in 0..<20 {
            let cut = Self.outcome(good.prefix(good.count * twentieth / 20))
            #expect(cut.hasPrefix("refused: "), "cut at \(twentieth)/20: \(cut)")
            refused += 1
        }
        for _ in 0..<400 {
            var bytes = [UInt8](good)
            for _ in 0..<(1 + Int(random.next() % 4)) {
                bytes[Int(random.next() % UInt64(bytes.count))] ^= UInt8(1 + random.next() % 255)
            }
            let result = Self.outcome(Data(bytes))
            if result.hasPrefix("refused: ") {
                #expect(!result.contains("Error") && !result.contains("error"), "a refusal in Swift's words, not the user's: \(result)")
                refused += 1
            } else {
                read += 1
            }
        }
        print("WORKBOOK-FUZZ seed=\(seed) cases=420 refused=\(refused) read=\(read)")
    }

    @Test("a part that unpacks past the limit (a zip bomb) is refused, saying so")
    func bomb() throws {
        var builder = WorkbookBuilder(sheets: [.init(name: "登记表", xml: WorkbookBuilder.worksheet(
            "<row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>\(String(repeating: "0", count: 3 << 20))</t></is></c></row>"))])
        builder.stylesXML = nil
        #expect(throws: WorkbookProblem(message: "工作簿的 xl/worksheets/sheet1.xml 解开后超过 1 MB; 这不是正常的台账文件")) {
            _ = try Workbook(data: try builder.data(), maximumPartBytes: 1 << 20)
        }
    }
}
