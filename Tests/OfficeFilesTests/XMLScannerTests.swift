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

    /// The events of `xml` fed in chunks of `size` bytes, texts that follow each other joined.
    func streamedEvents(_ xml: String, chunk size: Int) throws -> [XMLScanner.Event] {
        var scanner = XMLScanner.streaming()
        var events: [XMLScanner.Event] = []
        func take(_ event: XMLScanner.Event) {
            if case .text(let more) = event, case .text(let text)? = events.last {
                events[events.count - 1] = .text(text + more)
            } else {
                events.append(event)
            }
        }
        let bytes = Array(xml.utf8)
        for start in stride(from: 0, to: bytes.count, by: size) {
            scanner.append(bytes[start..<min(start + size, bytes.count)])
            while let event = try scanner.nextAvailable() { take(event) }
        }
        scanner.finish()
        while let event = try scanner.nextAvailable() { take(event) }
        return events
    }

    @Test("streamed a chunk at a time, cut at every byte (inside tags, entities, CDATA and Chinese characters), the events are the same")
    func streamed() throws {
        let xml = "\u{FEFF}" + #"<?xml version="1.0"?><!-- 保存 --><x:si a='1' r:id="&lt;&#x4E2D;&#25991;&amp;"><x:t>公开&amp;信息 &quot;c&apos;政府</x:t><![CDATA[<raw & 中>]]><br/><t>𠀀𠀁 end</t></x:si>"#
        let whole = try events(xml)
        for size in 1...(xml.utf8.count + 1) {
            #expect(try streamedEvents(xml, chunk: size) == whole, "chunks of \(size)")
        }
        // And what is refused whole is refused streamed
        for bad in ["<!DOCTYPE x [<!ENTITY a \"b\">]><x>&a;</x>", "<x>&nbsp;</x>", "<x a=\"1\"", "<x a=1>"] {
            for size in [1, 3, 64] {
                #expect(throws: XMLScanner.Problem.self, "\(bad) in chunks of \(size)") { try streamedEvents(bad, chunk: size) }
            }
        }
    }
}
