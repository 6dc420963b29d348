import Foundation
import Records
import Report
import Storage
import Testing
import TestSupport

@Suite("The reference report of 西安镇, 2020")
struct ReferenceReportTests {
    @Test("from 82 notices of 2020 through the county portal, the Markdown has the reference's six headings and three tables")
    func matchesReference() throws {
        let reference = try String(contentsOfFile: ReferenceReport.path, encoding: .utf8)
        let scratch = Scratch()
        let replica = try makeTownship(scratch)
        try load(replica, .notices, "id,title,category,channel,published_on",
                 (0..<82).map { "n\($0),扶贫小额贷款贴息补助公示第\($0)批,扶贫救灾,门户网站,2020-\(String(format: "%02d", 1 + $0 % 12))-15" })
        // A notice of another year must not count.
        try load(replica, .notices, "id,title,category,channel,published_on", ["old,旧公示,扶贫救灾,门户网站,2019-12-31"])
        // Section 一 as the town wrote it, with the number of notices left to the data.
        let written = section(reference, from: "一、总体情况", to: "二、").replacingOccurrences(of: "公示公开信息 82 条", with: "公示公开信息 {{notices_published}} 条")
        _ = try replica.records.create(.narrative, id: NarrativeSection.overview.recordID(unit: townUnit.code, year: 2020),
                               input: ["year": "2020", "section": "overview", "text": written], now: 1)
        let ours = MarkdownRenderer.render(try ReportBuilder.build(replica.figures, year: 2020).report)

        // The six headings, in order.
        func headings(_ text: String) -> [String] {
            text.split(separator: "\n").filter { $0.hasPrefix("#") }.map { normalizeLabel(String($0)) }
                .filter { $0.range(of: "^[一二三四五六]、", options: .regularExpression) != nil }
        }
        #expect(headings(ours) == headings(reference))
        #expect(headings(ours).count == 6)
        #expect(ours.contains("公示公开信息 82 条"))

        // Tables 2 and 3: the same labelled rows with the same numbers.
        for (heading, next) in [("二、", "三、"), ("三、", "四、")] {
            let theirs = numberedRows(section(reference, from: heading, to: next))
            let mine = numberedRows(section(ours, from: heading, to: next))
            #expect(mine.map(\.label) == theirs.map(\.label), "\(heading)")
            #expect(mine.map(\.numbers) == theirs.map(\.numbers), "\(heading)")
            #expect(theirs.count >= 8)
        }
        // Table 4: fifteen cells (the reference's sixteenth zero is a copy error).
        let theirs4 = numberedRows(section(reference, from: "四、", to: "五、")).flatMap(\.numbers)
        let mine4 = numberedRows(section(ours, from: "四、", to: "五、")).flatMap(\.numbers)
        #expect(theirs4.count == 16)
        #expect(mine4.count == 15)
        #expect(mine4 == Array(theirs4.prefix(15)))
    }
}
