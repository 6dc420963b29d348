import Foundation
import Records
import Testing
import TestTiers

@Suite("Workbooks made by LibreOffice", .tags(.systemTool), .enabled(if: LibreOffice.path != nil || LibreOffice.isRequired, Comment(rawValue: LibreOffice.missing)))
struct LibreOfficeWorkbookTests {
    @Test("every kind's CSV fixture, converted to .xlsx by LibreOffice, imports to the same records as the CSV itself")
    func fixturesThroughLibreOffice() throws {
        // Given each kind's CSV fixture, and LibreOffice's .xlsx of it (numbers and dates detected, as Calc opens a CSV)
        let w = Workspace()
        let kinds = RecordKind.importable.filter { kindFixtures[$0] != nil }
        let files = kinds.map { w.write("\($0.rawValue).csv", kindFixtures[$0]!) }
        let converted = try LibreOffice.convert(files, to: "xlsx", inputFilter: "CSV:44,34,76,1,,0,false,true,true", in: w.url.path)
        #expect(converted.status == 0, "\(converted.stderr)")
        for (kind, csv) in zip(kinds, files) {
            // When the CSV goes into one replica and the workbook into another
            let fromCSV = "csv-\(kind.rawValue).sqlite", fromWorkbook = "xlsx-\(kind.rawValue).sqlite"
            for replica in [fromCSV, fromWorkbook] {
                #expect(try w.gongkai(["init", "--township", "--unit", "640522100000", "--name", "西安镇"], db: replica).status == 0)
                _ = try w.gongkai(["unit", "add", "640522100201", "园河村"], db: replica)
            }
            let viaCSV = try w.gongkai(["import", kind.rawValue, csv], db: fromCSV)
            let viaWorkbook = try w.gongkai(["import", kind.rawValue, w.path("\(kind.rawValue).xlsx")], db: fromWorkbook)
            #expect(viaCSV.status == 0 && viaWorkbook.status == 0, "\(kind): \(viaCSV.stderr) \(viaWorkbook.stderr)")
            // Then the two replicas export the same records
            let a = try w.gongkai(["export", kind.rawValue], db: fromCSV).stdout
            let b = try w.gongkai(["export", kind.rawValue], db: fromWorkbook).stdout
            #expect(a == b, "\(kind)\n\(a)\n\(b)")
            #expect(a.split(whereSeparator: \.isNewline).count > 1, "\(kind): nothing imported")
        }
    }

    @Test("gongkai's .xlsx of every kind, converted back to CSV by LibreOffice, equals gongkai's CSV export (Chinese headers) cell for cell")
    func exportThroughLibreOffice() throws {
        // Given a replica holding every kind's fixture, exported both ways
        let w = Workspace()
        #expect(try w.gongkai(["init", "--township", "--unit", "640522100000", "--name", "西安镇"]).status == 0)
        _ = try w.gongkai(["unit", "add", "640522100201", "园河村"])
        let kinds = RecordKind.importable.filter { kindFixtures[$0] != nil }
        var workbooks: [String] = []
        for kind in kinds {
            #expect(try w.gongkai(["import", kind.rawValue, w.write("\(kind.rawValue).csv", kindFixtures[kind]!)]).status == 0)
            workbooks.append(w.path("\(kind.rawValue)-export.xlsx"))
            #expect(try w.gongkai(["export", kind.rawValue, "--format", "xlsx", "--output", workbooks.last!]).status == 0)
        }
        // When LibreOffice opens each workbook and saves it as CSV (UTF-8, comma, double quotes)
        let converted = try LibreOffice.convert(workbooks, to: "csv:Text - txt - csv (StarCalc):44,34,76,1", in: w.url.path)
        #expect(converted.status == 0, "\(converted.stderr)")
        for kind in kinds {
            let office = try String(contentsOfFile: w.path("\(kind.rawValue)-export.csv"), encoding: .utf8)
            let ours = try w.gongkai(["export", kind.rawValue, "--headers", "zh"]).stdout
            // Then every cell is the same
            #expect(cells(office) == cells(ours), "\(kind)\n\(office)\n\(ours)")
            #expect(cells(ours).count > 1, "\(kind): nothing exported")
        }
    }

    @Test("an .xlsx export, opened by LibreOffice, shows Chinese labels and the ledger's own numbers, and imports back to the same records")
    func chineseLabelsAndLedgerNumbers() throws {
        // Given a township replica holding requests and notices numbered by hand, with coded values
        let w = Workspace()
        #expect(try w.gongkai(["init", "--township", "--unit", "640522100000", "--name", "西安镇"]).status == 0)
        _ = try w.gongkai(["unit", "add", "640522100201", "园河村"])
        let kinds: [RecordKind] = [.requests, .notices]
        for kind in kinds { #expect(try w.gongkai(["import", kind.rawValue, w.write("\(kind.rawValue).csv", kindFixtures[kind]!)]).status == 0) }
        // When each kind is exported as .xlsx and LibreOffice reads it (saved as CSV)
        let workbooks = kinds.map { w.path("\($0.rawValue)-账.xlsx") }
        for (kind, file) in zip(kinds, workbooks) {
            #expect(try w.gongkai(["export", kind.rawValue, "--format", "xlsx", "--output", file]).status == 0)
        }
        let converted = try LibreOffice.convert(workbooks, to: "csv:Text - txt - csv (StarCalc):44,34,76,1", in: w.url.path)
        #expect(converted.status == 0, "\(converted.stderr)")
        let requests = cells(try String(contentsOfFile: w.path("requests-账.csv"), encoding: .utf8))
        let notices = cells(try String(contentsOfFile: w.path("notices-账.csv"), encoding: .utf8))
        // Then the office sees its own numbers and Chinese words, never a code
        #expect(requests.dropFirst().map { $0[0] }.sorted() == ["r1", "r2", "r3"], "\(requests)")
        let r1 = try #require(requests.first { $0.first == "r1" })
        #expect(r1.contains("当面提交") && r1.contains("自然人") && r1.contains { $0.contains("予以公开") }, "\(r1)")
        let r2 = try #require(requests.first { $0.first == "r2" })
        #expect(r2.contains("网上申请") && r2.contains("法律服务机构"), "\(r2)")
        #expect(notices.contains { $0.contains("公开栏、微信公众号") }, "\(notices)")
        for code in ["in_person", "online", "natural_person", "legal_service_org", "granted", "bulletin_board", "wechat", "livelihood", "640522100000:"] {
            #expect(!(requests + notices).joined().contains { $0.contains(code) }, "\(code)")
        }
        // And the workbook imports back to the same records: unchanged here, identical in a new replica
        for (kind, file) in zip(kinds, workbooks) {
            let again = try w.gongkai(["import", kind.rawValue, file])
            #expect(again.status == 0 && again.stdout.contains("新增 0, 更新 0"), "\(kind): \(again.stdout) \(again.stderr)")
            #expect(try w.gongkai(["init", "--township", "--unit", "640522100000", "--name", "西安镇"], db: "copy-\(kind.rawValue).sqlite").status == 0)
            _ = try w.gongkai(["unit", "add", "640522100201", "园河村"], db: "copy-\(kind.rawValue).sqlite")
            #expect(try w.gongkai(["import", kind.rawValue, file], db: "copy-\(kind.rawValue).sqlite").status == 0)
            let original = try w.gongkai(["export", kind.rawValue, "--format", "json"]).stdout
            #expect(try w.gongkai(["export", kind.rawValue, "--format", "json"], db: "copy-\(kind.rawValue).sqlite").stdout == original)
        }
    }

    func cells(_ csv: String) -> [[String]] {
        var reader = CSVReader(bytes: Array(csv.utf8))
        var rows: [[String]] = []
        while case .success(let record)? = reader.next() { rows.append(record.fields) }
        return rows
    }
}
