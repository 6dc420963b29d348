import Records
import Testing

func records(_ text: String) -> [Result<CSVRecord, CSVProblem>] {
    Array(CSVReader(bytes: Array(text.utf8)))
}

@Suite("CSV reading (RFC 4180, strict)")
struct CSVReaderTests {
    @Test("quoted fields keep commas, doubled quotes and line breaks; lines are counted where records start")
    func quoting() throws {
        let result = records("a,b,c\r\n\"x, y\",\"say \"\"hi\"\"\",\"two\nlines\"\nplain,,end\n")
        let parsed = try result.map { try $0.get() }
        #expect(parsed == [
            CSVRecord(line: 1, fields: ["a", "b", "c"]),
            CSVRecord(line: 2, fields: ["x, y", "say \"hi\"", "two\nlines"]),
            CSVRecord(line: 4, fields: ["plain", "", "end"]),
        ])
    }

    @Test("a leading BOM, a missing final line break and blank lines are accepted")
    func bomAndBlankLines() throws {
        let parsed = try records("\u{FEFF}id,title\n\n1,一\n,\n2,二").map { try $0.get() }
        #expect(parsed == [
            CSVRecord(line: 1, fields: ["id", "title"]),
            CSVRecord(line: 3, fields: ["1", "一"]),
            CSVRecord(line: 5, fields: ["2", "二"]),
        ])
    }

    @Test("a stray quote inside an unquoted field is an error on its line, and reading goes on")
    func strayQuote() {
        let result = records("a,b\nx,y\"z\nok,ok\n")
        guard case .failure(let problem) = result[1] else { Issue.record("accepted a stray quote"); return }
        #expect(problem.line == 2)
        #expect(result.count == 3)
        #expect((try? result[2].get()) == CSVRecord(line: 3, fields: ["ok", "ok"]))
    }

    @Test("text after a closing quote is an error")
    func textAfterQuote() {
        let result = records("a,b\n\"x\"y,z\n")
        guard case .failure(let problem) = result[1] else { Issue.record("accepted text after a quote"); return }
        #expect(problem.line == 2)
    }

    @Test("an unclosed quote is reported at the line where it opened, and ends the file")
    func unclosedQuote() {
        let result = records("a,b\n1,2\n\"never closed,3\n4,5\n")
        #expect(result.count == 3)
        guard case .failure(let problem) = result[2] else { Issue.record("accepted an unclosed quote"); return }
        #expect(problem.line == 3)
        #expect(problem.message.contains("引号没有闭合"))
    }

    @Test("bytes that are not UTF-8 are an error naming the line and suggesting --encoding gbk", arguments: [
        [0xC4, 0xE3, 0x2C, 0x31, 0x0A] as [UInt8],
        // A 4-byte character cut after 3 bytes: repaired, it would be as many bytes again.
        [0x61, 0xF0, 0x9F, 0x98, 0x2C, 0x31, 0x0A],
        [0x22, 0xE5, 0x85, 0x22, 0x2C, 0x31, 0x0A],
    ])
    func badEncoding(row: [UInt8]) {
        let bytes: [UInt8] = Array("a,b\n".utf8) + row
        let result = Array(CSVReader(bytes: bytes))
        guard case .failure(let problem) = result[1] else { Issue.record("accepted GBK bytes as UTF-8"); return }
        #expect(problem.line == 2)
        #expect(problem.message.contains("--encoding gbk"))
    }

    @Test("GBK files read correctly when named")
    func gbk() throws {
        let bytes: [UInt8] = [0xC4, 0xE3, 0xBA, 0xC3] // 你好
        let utf8 = try #require(TextEncoding.gbk.utf8Bytes(of: bytes))
        #expect(String(decoding: utf8, as: UTF8.self) == "你好")
    }

    @Test("a field over the size cap is refused instead of filling memory")
    func hugeField() {
        let huge = String(repeating: "x", count: CSVReader.maximumFieldBytes + 1)
        let result = records("a\n\"\(huge)\"\n")
        guard case .failure(let problem) = result[1] else { Issue.record("accepted a huge field"); return }
        #expect(problem.message.contains("KB"))
    }

    @Test("the writer quotes what needs quoting, and the reader reads back exactly what was written")
    func writeThenRead() throws {
        let rows = [["id", "text"], ["1", "逗号,引号\"换行\n结束"], ["2", " leading space"], ["3", ""]]
        var writer = CSVWriter()
        rows.forEach { writer.write($0) }
        let parsed = try records(writer.output).map { try $0.get().fields }
        #expect(parsed == rows.filter { !$0.allSatisfy(\.isEmpty) })
    }
}

@Suite("CSV cells a spreadsheet would run")
struct CSVFormulaCellTests {
    @Test("a cell that starts a formula gets a leading '; a plain number and ordinary text do not", arguments: [
        ("=1+41", "'=1+41"), ("+1+1", "'+1+1"), ("-2+3", "'-2+3"), ("@SUM(A1)", "'@SUM(A1)"), ("\tx", "'\tx"), ("\r=1", "'\r=1"),
        ("'x", "''x"), ("=", "'="), ("-", "'-"), ("-3", "-3"), ("+1.5", "+1.5"), ("-1.", "'-1."), ("标题", "标题"), ("a=1", "a=1"), ("", ""),
    ])
    func neutralised(field: String, written: String) {
        #expect(CSVWriter.neutralised(field) == written)
        #expect(CSVWriter.restored(written) == field)
    }

    @Test("restoring what was neutralised gives every field back, for random fields of the characters that matter", arguments: [UInt64(1), 2, 3])
    func roundTrip(seed: UInt64) {
        var random = SplitMix(state: seed)
        let alphabet: [Character] = ["=", "+", "-", "@", "'", "\t", "\r", "1", ".", "a", "公"]
        for _ in 0..<2_000 {
            let field = String((0..<Int.random(in: 0...5, using: &random)).map { _ in alphabet.randomElement(using: &random)! })
            #expect(CSVWriter.restored(CSVWriter.neutralised(field)) == field, "seed \(seed): \(field.debugDescription)")
        }
    }
}

/// SplitMix64: a few lines of seeded randomness for this target, which has no TestSupport.
private struct SplitMix: RandomNumberGenerator {
    var state: UInt64

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
