import ArgumentParser
import Records

struct NoticeOptions: RecordFieldOptions {
    static let kind = RecordKind.notices
    static let addExample = "--title \"2020年扶贫小额贷款贴息补助公示\" --category 扶贫救灾 --channel \"门户网站;公开栏\" --published-on 2020-03-05"
    static let editExample = "--channel \"门户网站;公开栏;微信公众号\""
    static let listFields = ["published_on", "category", "channel", "title"]
    static let dateField = "published_on"

    @Option(help: fieldHelp(kind, "title")) var title: String?
    @Option(help: fieldHelp(kind, "category")) var category: String?
    @Option(help: fieldHelp(kind, "channel")) var channel: String?
    @Option(name: .customLong("published-on"), help: fieldHelp(kind, "published_on")) var publishedOn: String?
    @Option(help: fieldHelp(kind, "body")) var body: String?

    var input: [String: String] {
        Self.present(["title": title, "category": category, "channel": channel, "published_on": publishedOn, "body": body])
    }
}
