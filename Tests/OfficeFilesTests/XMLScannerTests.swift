import OfficeFiles
import Testing

@Suite("XML of workbook parts")
struct XMLScannerTests {
    func events(_ xml: String) throws -> [XMLScanner.Event] {
        var scanner = XMLScanner(bytes: Array(xml.utf8))
        var events: [XMLScanner.Event] = []
        while let event = try scanner.next() { events.append(event) }
        return events
    }

    @Test("prefixes dropped, both quotes, entities and character references decoded, CDATA kept raw, empty elements closed")
    func elements() throws {
        let xml = #"<?xml version="1.0"?><!-- saved --><x:si a='1' r:id="&lt;&#x4E2D;&#25991;&amp;"><x:t>a&amp;b &quot;c&apos;</x:t><![CDATA[<raw & kept>]]><br/></x:si>"#
        #expect(try events(xml) == [
            .start(name: "si", attributes: ["a": "1", "id": "<中文&"]),
            .start(name: "t", attributes: [:]), .text("a&b \"c'"), .end(name: "t"),
            .text("<raw & kept>"),
            .start(name: "br", attributes: [:]), .end(name: "br"),
            .end(name: "si"),
        ])
    }

    @Test("a DOCTYPE, an unknown entity and an unclosed tag are refused with where", arguments: [
        "<!DOCTYPE x [<!ENTITY a \"b\">]><x>&a;</x>", "<x>&nbsp;</x>", "<x a=\"1\"", "<x a=1>",
    ])
    func refused(xml: String) {
        #expect(throws: XMLScanner.Problem.self) { try events(xml) }
    }
}
