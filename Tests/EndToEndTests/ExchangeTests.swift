import Foundation
import Records
import Testing

@Suite("CSV import and export through the real binary")
struct ExchangeTests {
    @Test("export, then import into a fresh replica, gives an equal export", arguments: RecordKind.importable)
    func roundTrip(kind: RecordKind) throws {
        let workspace = Workspace()
        try workspace.initVillage("a.sqlite")
        try workspace.initVillage("b.sqlite")
        let source = workspace.write("source.csv", kindFixtures[kind]!)
        let imported = try workspace.gongkai(["import", kind.rawValue, source], db: "a.sqlite")
        #expect(imported.status == 0, "\(imported.stderr)")
        let exportA = try workspace.gongkai(["export", kind.rawValue], db: "a.sqlite")
        #expect(exportA.status == 0)
        let file = workspace.write("exported.csv", exportA.stdout)
        let importB = try workspace.gongkai(["import", kind.rawValue, file], db: "b.sqlite")
        #expect(importB.status == 0, "\(importB.stderr)")
        let exportB = try workspace.gongkai(["export", kind.rawValue], db: "b.sqlite")
        #expect(exportB.stdout == exportA.stdout)
        // Every row of the source is a record of the export.
        let exported = Array(CSVReader(bytes: Array(exportA.stdout.utf8)))
        let sourceRows = Array(CSVReader(bytes: Array(kindFixtures[kind]!.utf8)))
        #expect(exported.count == sourceRows.count)
        #expect(exported.first.flatMap { try? $0.get().fields } == kind.csvColumns)
        let jsonA = try workspace.gongkai(["export", kind.rawValue, "--format", "json"], db: "a.sqlite")
        let jsonB = try workspace.gongkai(["export", kind.rawValue, "--format", "json"], db: "b.sqlite")
        #expect(jsonA.stdout == jsonB.stdout)
    }

    @Test("JSON export is an array of objects keyed by the CSV columns, sorted by id, with exact numbers")
    func jsonShape() throws {
        let workspace = Workspace()
        try workspace.initVillage()
        _ = try workspace.gongkai(["import", "requests", workspace.write("r.csv", kindFixtures[.requests]!)])
        let result = try workspace.gongkai(["export", "requests", "--format", "json"])
        let array = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [[String: Any]])
        #expect(array.map { $0["id"] as? String } == ["r1", "r2", "r3"].map { "640522100201:\($0)" })
        for object in array {
            #expect(Set(object.keys).isSuperset(of: RecordKind.requests.csvColumns))
        }
        #expect(array[0]["outcome"] as? String == "granted")
        #expect(array[1]["concluded_on"] is NSNull)
        #expect(result.stdout.contains("\"fee_yuan\": 10"))
        #expect(array[2]["outcome"] as? String == "other_other")
    }

    @Test("re-importing the same file changes nothing in the file: no new version, no new counter")
    func reimportChangesNothing() throws {
        let workspace = Workspace()
        try workspace.initVillage()
        for kind in RecordKind.importable {
            let file = workspace.write("\(kind.rawValue).csv", kindFixtures[kind]!)
            #expect(try workspace.gongkai(["import", kind.rawValue, file]).status == 0)
        }
        let before = try workspace.dump()
        for kind in RecordKind.importable {
            let again = try workspace.gongkai(["import", kind.rawValue, workspace.path("\(kind.rawValue).csv")], now: 1_800_000_000)
            #expect(again.status == 0)
            #expect(again.stdout.contains("新增 0, 更新 0"), "\(again.stdout)")
        }
        #expect(try workspace.dump() == before)
    }

    @Test("a GBK file imports with --encoding gbk, and is refused with a hint without it")
    func gbkFile() throws {
        let workspace = Workspace()
        try workspace.initVillage()
        let text = "title,category,channel,published_on\n低保公示,民生,公开栏,2020-05-01\n"
        let gb18030 = String.Encoding(rawValue: 0x8000_0632)
        let path = workspace.path("gbk.csv")
        FileManager.default.createFile(atPath: path, contents: text.data(using: gb18030))
        let before = try workspace.dump()
        let refused = try workspace.gongkai(["import", "notices", path])
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("--encoding gbk"))
        #expect(try workspace.dump() == before)
        let accepted = try workspace.gongkai(["import", "notices", path, "--encoding", "gbk"])
        #expect(accepted.status == 0, "\(accepted.stderr)")
        #expect(try workspace.gongkai(["notice", "list"]).stdout.contains("低保公示"))
    }
}
