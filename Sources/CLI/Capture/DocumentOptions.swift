import ArgumentParser
import Records

struct DocumentOptions: RecordFieldOptions {
    static let kind = RecordKind.documents
    static let addExample = "--kind 规范性文件 --title \"关于规范村级财务管理的通知\" --doc-no \"西政发〔2020〕12号\" --made-on 2020-03-05 --published-on 2020-03-10"
    static let editExample = "--repealed-on 2022-12-31"
    static let listFields = ["made_on", "kind", "doc_no", "title", "repealed_on"]
    static let dateField = "made_on"

    @Option(help: fieldHelp(Self.kind, "kind")) var kind: String?
    @Option(help: fieldHelp(Self.kind, "title")) var title: String?
    @Option(name: .customLong("doc-no"), help: fieldHelp(Self.kind, "doc_no")) var docNo: String?
    @Option(name: .customLong("made-on"), help: fieldHelp(Self.kind, "made_on")) var madeOn: String?
    @Option(name: .customLong("published-on"), help: fieldHelp(Self.kind, "published_on")) var publishedOn: String?
    @Option(name: .customLong("repealed-on"), help: fieldHelp(Self.kind, "repealed_on")) var repealedOn: String?

    var input: [String: String] {
        Self.present(["kind": kind, "title": title, "doc_no": docNo, "made_on": madeOn,
                      "published_on": publishedOn, "repealed_on": repealedOn])
    }
}
