import Foundation
import Testing
import TestSupport
import TestTiers

/// Issue 27, findings 13, 14 and 15: U+FFFF and U+FFFE in a title and U+0001 in a unit name were
/// taken, and the township's `.xlsx` export and Word report were then not well-formed XML; C1
/// controls (U+009B, U+009D) and a bidi override (U+202E) in titles were synced and printed raw on
/// the township's terminal; unit names with escape sequences and line breaks forged lines of
/// `admin list-units`. Now every text field and unit name holds to one rule (`TextRule`), refused
/// at capture and by the server; what is stored already prints escaped, and the XML writers leave
/// out what XML 1.0 cannot hold.
@Suite("Trust: no text can break a terminal, a log or an office file", .tags(.slow), .fullSuiteOnly)
struct UnprintableTextTests {
    static let hostile = [0xFFFF, 0xFFFE, 0x1, 0x9B, 0x9D, 0x202E, 0x1B, 0x2028, 0xFDD0, 0x10FFFF].map { String(Character(Unicode.Scalar($0 as UInt32)!)) }

    @Test("each unprintable character in a title, a unit's name or a pushed record is refused, naming it; nothing is stored")
    func refusedEverywhere() throws {
        // Given a township server and village A's laptop (the attacker holds a token of A)
        let trust = try TrustTown()
        let w = trust.town.workspace
        let before = try w.dump("a.sqlite")
        for (index, character) in Self.hostile.enumerated() {
            let code = TextRuleCode.of(character)
            // When a title holds it, at capture
            let added = try trust.town.gongkai("a", ["notice", "add", "--title", "公示\(character)名单", "--category", "民生", "--channel", "公开栏",
                                                    "--published-on", "2021-03-01"])
            #expect(added.status == 1 && added.stderr.contains(code), "\(code): \(added.status) \(added.stderr)")
            // And in a unit's name, registered by the township
            let unit = try w.gongkai(["admin", "add-unit", "--unit", "64052210030\(index % 10)", "--name", "村\(character)", "--parent", TrustTown.villageA],
                                     db: "town.sqlite")
            #expect(unit.status == 1 && unit.stderr.contains(code), "\(code): \(unit.stderr)")
            // And in a record pushed by a device
            let notice = "{\"dot\":\"\(TrustTown.attackerSite):\(100 + index):1700000000\",\"id\":\"n-x\(index)\",\"kind\":\"notices\",\"unit\":\"\(TrustTown.villageA)\","
                + "\"values\":{\"_deleted\":\"0\",\"category\":\"livelihood\",\"channel\":\"portal\",\"published_on\":\"2021-03-01\",\"title\":\(TrustTown.quoted("公示\(character)"))}}"
            let answer = try trust.post("/v1/push", trust.push(counter: "\(100 + index)", records: [notice]))
            #expect(answer.status == 200 && answer.text.contains("n-x\(index)") && answer.text.contains("无效"), "\(code): \(answer.status) \(answer.text)")
            #expect(try trust.sql("SELECT count(*) FROM notices WHERE id = 'n-x\(index)'") == "0", "\(code)")
        }
        // Then the laptop and the server hold nothing of them
        #expect(try w.dump("a.sqlite") == before)
        #expect(try trust.sql("SELECT count(*) FROM units WHERE code LIKE '64052210030%'") == "0")
        #expect(try trust.integrity() == "ok")
        try trust.honestLaptopsKeepSyncing("unprintable")
    }

    @Test("what an earlier release stored prints escaped at the terminal, and the .xlsx export and the Word report stay well-formed")
    func storedBeforePrintsEscaped() throws {
        // Given a township server whose file holds a title and a unit's name an earlier release took
        let town = try Township(villages: [TestSupport.village.code])
        try town.laptop("a", unit: TestSupport.village.code)
        #expect(try town.gongkai("a", ["notice", "add", "--id", "n1", "--title", "公示名单", "--category", "民生", "--channel", "公开栏",
                                       "--published-on", "2021-03-01"]).status == 0)
        try town.sync("a")
        town.server.kill()
        let w = town.workspace
        let title = "公示\u{FFFF}\u{9B}2J\u{202E}名单\u{1}"
        let name = "园河村\u{1B}[2J\n640522100299  伪造村"
        let tampered = try GongkaiProcess.runTool(URL(fileURLWithPath: "/usr/bin/sqlite3"), [w.path("town.sqlite"), """
            UPDATE notices SET title = '\(title)'; UPDATE units SET name = '\(name)' WHERE code = '\(TestSupport.village.code)';
            """])
        #expect(tampered.status == 0, "\(tampered.stderr)")
        // When the township lists the notices, shows one, and lists its units
        let listed = try w.gongkai(["notice", "list"], db: "town.sqlite")
        let shown = try w.gongkai(["notice", "show", "\(TestSupport.village.code):n1"], db: "town.sqlite")
        let units = try w.gongkai(["admin", "list-units"], db: "town.sqlite")
        // Then no control or override character reaches the terminal: each is shown by its code point
        for output in [listed.stdout, shown.stdout, units.stdout] {
            #expect(!output.unicodeScalars.contains { [0x1, 0x1B, 0x9B, 0x202E, 0xFFFF].contains($0.value) }, "\(output.debugDescription)")
        }
        #expect(listed.stdout.contains("<U+202E>") && shown.stdout.contains("<U+FFFF>"), "\(listed.stdout)")
        #expect(units.stdout.contains("<U+001B>[2J⏎640522100299  伪造村") && units.stdout.split(separator: "\n").count == 3, "\(units.stdout)")
        // And the township's .xlsx export and its Word report are well-formed XML, without what XML 1.0 cannot hold
        #expect(try w.gongkai(["export", "notices", "--format", "xlsx", "--output", w.path("notices.xlsx")], db: "town.sqlite").status == 0)
        #expect(try w.gongkai(["report", "annual", "--year", "2021", "--format", "docx", "--output", w.path("report.docx")], db: "town.sqlite").status == 0)
        for (file, part) in [("notices.xlsx", "xl/worksheets/sheet1.xml"), ("report.docx", "word/document.xml")] {
            let xml = try PackagePart.text(part, in: w.path(file))
            #expect(!xml.unicodeScalars.contains { $0.value < 0x20 && ![0x9, 0xA, 0xD].contains($0.value) || $0.value == 0xFFFF || $0.value == 0xFFFE },
                    "\(file)")
            #expect(xml.contains("公示") || file == "report.docx", "\(file)")
        }
    }

    @Test("LibreOffice opens the export and the report of such data",
          .tags(.systemTool), .enabled(if: LibreOffice.path != nil || LibreOffice.isRequired, Comment(rawValue: LibreOffice.missing)))
    func officeOpensThem() throws {
        let w = Workspace()
        try w.initVillage()
        #expect(try w.gongkai(["notice", "add", "--id", "n1", "--title", "公示名单", "--category", "民生", "--channel", "公开栏", "--published-on", "2021-03-01"]).status == 0)
        let tampered = try GongkaiProcess.runTool(URL(fileURLWithPath: "/usr/bin/sqlite3"), [w.path("v.sqlite"), """
            UPDATE notices SET title = '公示\u{FFFF}名单\u{1}'; UPDATE units SET name = '园河村\u{1}';
            """])
        #expect(tampered.status == 0)
        #expect(try w.gongkai(["export", "notices", "--format", "xlsx", "--output", w.path("notices.xlsx")]).status == 0)
        #expect(try w.gongkai(["report", "annual", "--year", "2021", "--format", "docx", "--output", w.path("report.docx")]).status == 0)
        let sheet = try LibreOffice.convert([w.path("notices.xlsx")], to: "csv:Text - txt - csv (StarCalc):44,34,76,1", in: w.path("out"))
        let text = (try? String(contentsOfFile: w.path("out/notices.csv"), encoding: .utf8)) ?? ""
        #expect(sheet.status == 0 && text.contains("公示名单"), "\(sheet.stderr) \(text)")
        let document = try LibreOffice.convert([w.path("report.docx")], to: "pdf", in: w.path("out"))
        #expect(document.status == 0 && FileManager.default.fileExists(atPath: w.path("out/report.pdf")), "\(document.stderr)")
    }
}

/// The code point `TextRule` names a character by (`U+202E`), as the tests expect to read it.
enum TextRuleCode {
    static func of(_ text: String) -> String {
        let scalar = text.unicodeScalars.first!
        let hex = String(scalar.value, radix: 16, uppercase: true)
        return "U+" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
    }
}
