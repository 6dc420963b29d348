import Foundation
import Testing

/// A published annual report is a public document: publishing again once silently replaced it.
/// Now a second publish needs a reason, every version is kept, and what was published renders
/// again byte for byte, whatever the data did since.
@Suite struct PublishTests {
    static let formats = ["md", "html", "csv", "json"]

    func render(_ w: Workspace, _ format: String, _ extra: [String] = []) throws -> String {
        let result = try w.gongkai(["report", "annual", "--year", "2021", "--format", format] + extra)
        #expect(result.status == 0, "\(format): \(result.stderr)")
        return result.stdout
    }

    @Test func aPublishedReportIsFrozenAndRendersAgainExactly() throws {
        // Given a township's 2021 report as it renders in every format, then published
        let w = try ReportCommandTests().township()
        var asPublished: [String: String] = [:]
        for format in Self.formats { asPublished[format] = try render(w, format) }
        let first = try w.gongkai(["report", "publish", "--year", "2021"])
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stdout.contains("第 1 版"))
        let before = try w.dump()

        // When it is published again without saying why
        let again = try w.gongkai(["report", "publish", "--year", "2021"])

        // Then that is refused, changing nothing, and says how to supersede
        #expect(again.status == 1)
        #expect(again.stderr.contains("--supersede --reason"), "\(again.stderr)")
        #expect(try w.dump() == before)

        // When a late notice changes the figure the narrative's placeholder fills in
        #expect(try w.gongkai(["notice", "add", "--title", "补录公示", "--category", "民生", "--channel", "公开栏", "--published-on", "2021-12-30"]).status == 0)

        // Then check names the text as well as the tables
        let check = try w.gongkai(["report", "check", "--year", "2021", "--json"])
        let checks = try JSONSerialization.jsonObject(with: Data(check.stdout.utf8)) as? [[String: Any]] ?? []
        let published = try #require(checks.first { $0["id"] as? String == "PUBLISHED" })
        #expect(published["ok"] as? Bool == false)
        let detail = published["detail"] as? String ?? ""
        // in words a township reads, never a JSON path, a long text summarised
        #expect(detail.contains("一、总体情况 (文字): 文字有改动: 已发布 “"), "\(detail)")
        #expect(detail.contains("一、总体情况 主动公开信息数: 已发布 2, 现在 3"), "\(detail)")
        #expect(!detail.contains("sections.") && !detail.contains("headline.") && !detail.contains("table"), "\(detail)")
        #expect(detail.count < 600, "\(detail)")

        // And the published version renders byte for byte as it did, in every format
        for format in Self.formats {
            #expect(try render(w, format, ["--published"]) == asPublished[format], "\(format) changed")
        }
        #expect(try render(w, "md") != asPublished["md"])

        // When it is superseded with a reason
        let superseded = try w.gongkai(["report", "publish", "--year", "2021", "--supersede", "--reason", "补录 12 月的公示"])
        #expect(superseded.status == 0, "\(superseded.stderr)")

        // Then both versions are kept with time and reason; version 1 still renders as published
        let listed = try w.gongkai(["report", "published", "--year", "2021", "--json"])
        let versions = try JSONSerialization.jsonObject(with: Data(listed.stdout.utf8)) as? [[String: Any]] ?? []
        #expect(versions.map { $0["version"] as? Int } == [1, 2])
        #expect(versions.map { $0["reason"] as? String } == [nil, "补录 12 月的公示"])
        #expect(try render(w, "html", ["--published-version", "1"]) == asPublished["html"])
        #expect(try render(w, "md", ["--published"]) == (try render(w, "md")))
        let check2 = try w.gongkai(["report", "check", "--year", "2021"])
        #expect(check2.stdout.contains("[通过] PUBLISHED"), "\(check2.stdout)")
    }

    @Test func supersedingNeedsAReasonAndAReasonNeedsSuperseding() throws {
        let w = try ReportCommandTests().township()
        #expect(try w.gongkai(["report", "publish", "--year", "2021", "--supersede"]).status == 2)
        #expect(try w.gongkai(["report", "publish", "--year", "2021", "--reason", "x"]).status == 2)
        let none = try w.gongkai(["report", "annual", "--year", "2021", "--published"])
        #expect(none.status == 1)
        #expect(none.stderr.contains("还没有发布"))
    }
}
