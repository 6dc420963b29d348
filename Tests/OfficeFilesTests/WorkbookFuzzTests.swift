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
            var reader = try SheetImport.reader(kind: .requests, workbook: workbook, defaultUnit: "640522100201")
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

    @Test("a part that unpacks past the limit (a zip bomb) is refused as it is read, saying so")
    func bomb() throws {
        var builder = WorkbookBuilder(sheets: [.init(name: "登记表", xml: WorkbookBuilder.worksheet(
            "<row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>\(String(repeating: "0", count: 3 << 20))</t></is></c></row>"))])
        builder.stylesXML = nil
        #expect(throws: WorkbookProblem(message: "工作簿的 xl/worksheets/sheet1.xml 解开后超过 1 MB; 这不是正常的台账文件")) {
            _ = try Workbook(data: try builder.data(), maximumPartBytes: 1 << 20).sheet()
        }
    }

    @Test("references of random shapes (letters, digits, signs, lengths up to 40) in rows and cells: refused with a message or read, never a crash")
    func hostileReferences() throws {
        let seed: UInt64 = 20261206
        print("WorkbookFuzzTests references seed \(seed)")
        var random = SeededGenerator(seed: seed)
        let alphabet = Array("ABCXYZaz0123456789-+. ")
        // Half of them in the shape Excel writes (1 to 4 letters, 1 to 8 digits), half anything
        func reference() -> String {
            if random.next() % 2 == 0 {
                let letters = String((0..<(1 + Int(random.next() % 4))).map { _ in Character(Unicode.Scalar(65 + UInt8(random.next() % 26))) })
                return letters + String(1 + random.next() % 99_999_999)
            }
            return String((0..<Int(random.next() % 41)).map { _ in alphabet[Int(random.next() % UInt64(alphabet.count))] })
        }
        var refused = 0, read = 0
        for _ in 0..<300 {
            let (row, cell) = (reference(), reference())
            let rows = "<row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>received_on</t></is></c><c r=\"B1\" t=\"inlineStr\"><is><t>applicant_type</t></is></c></row>"
                + "<row r=\"\(WorkbookBuilder.escaped(String(row.drop { $0.isLetter })))\"><c r=\"\(WorkbookBuilder.escaped(cell))\" t=\"inlineStr\"><is><t>x</t></is></c></row>"
            let result = Self.outcome(try WorkbookBuilder(sheets: [.init(name: "表", xml: WorkbookBuilder.worksheet(rows))]).data())
            if result.hasPrefix("refused: ") {
                #expect(!result.contains("Error") && !result.contains("error"), "a refusal in Swift's words, not the user's: \(result)")
                refused += 1
            } else {
                read += 1
            }
        }
        print("WORKBOOK-REFERENCES seed=\(seed) cases=300 refused=\(refused) read=\(read)")
        #expect(refused > 0 && read > 0, "refused \(refused), read \(read)")
    }
}
