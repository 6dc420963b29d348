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
