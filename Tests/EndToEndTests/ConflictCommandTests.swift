import Foundation
import Testing

/// Two village laptops and the township's replica file, synced with `gongkai sync --with`.
struct TwoLaptops {
    let workspace = Workspace()

    init() throws {
        #expect(try workspace.gongkai(["init", "--township", "--unit", "640522100000", "--name", "西安镇", "--device", "乡镇"], db: "town.sqlite").status == 0)
        #expect(try workspace.gongkai(["unit", "add", "640522100201", "园河村"], db: "town.sqlite").status == 0)
        for laptop in ["a", "b"] {
            let created = try workspace.gongkai(["init", "--unit", "640522100201", "--name", "园河村", "--parent", "640522100000",
                                                 "--device", "笔记本\(laptop)"], db: "\(laptop).sqlite")
            #expect(created.status == 0)
        }
    }

    @discardableResult
    func sync(_ laptop: String) throws -> RunResult {
        let result = try workspace.gongkai(["sync", "--with", workspace.path("town.sqlite")], db: "\(laptop).sqlite")
        #expect(result.status == 0, "\(result.stderr)")
        return result
    }

    func conflicts(_ db: String) throws -> [[String: Any]] {
        let result = try workspace.gongkai(["conflicts", "--json"], db: db)
        return try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [[String: Any]] ?? []
    }
}

@Suite("Conflicts through the real binary")
struct ConflictCommandTests {
    @Test("concurrent edits show as one conflict on both laptops and the township; resolving it settles all three")
    func editEdit() throws {
        let setup = try TwoLaptops()
        let w = setup.workspace
        #expect(try w.gongkai(["notice", "add", "--id", "n1", "--title", "原标题", "--category", "民生", "--channel", "公开栏",
                               "--published-on", "2020-05-01"], db: "a.sqlite").status == 0)
        let first = try setup.sync("a")
        #expect(first.stdout.hasSuffix("synced: pushed 1, pulled 0, conflicts 0\n"), "\(first.stdout)")
        try setup.sync("b")
        #expect(try w.gongkai(["notice", "edit", "n1", "--title", "A 的标题"], db: "a.sqlite").status == 0)
        #expect(try w.gongkai(["notice", "edit", "n1", "--title", "B 的标题"], db: "b.sqlite").status == 0)
        try setup.sync("a")
        let b = try setup.sync("b")
        #expect(b.stdout.contains("conflicts 1"), "\(b.stdout)")
        try setup.sync("a")
        for db in ["a.sqlite", "b.sqlite", "town.sqlite"] {
            let conflicts = try setup.conflicts(db)
            #expect(conflicts.count == 1, "\(db)")
            #expect(conflicts.first?["kind"] as? String == "notices")
            #expect(conflicts.first?["id"] as? String == "640522100201:n1")
            #expect(conflicts.first?["field"] as? String == "title")
            let values = Set([conflicts.first?["value"] as? String] + ((conflicts.first?["losing_values"] as? [String]) ?? []).map { Optional($0) })
            #expect(values == ["A 的标题", "B 的标题"], "\(db)")
        }
        let status = try w.gongkai(["status", "--json"], db: "a.sqlite")
        #expect(status.stdout.contains("\"open_conflicts\": 1"))
        let shown = try w.gongkai(["conflicts", "show", "notice", "n1"], db: "b.sqlite")
        #expect(shown.stdout.contains("笔记本a"))
        #expect(shown.stdout.contains("笔记本b"))
        #expect(shown.stdout.contains("← 现值"))
        // The field as `conflicts show` names it (标题), and the id as typed.
        let resolved = try w.gongkai(["conflicts", "resolve", "notice", "n1", "--field", "标题", "--value", "商定的标题"], db: "b.sqlite")
        #expect(resolved.status == 0, "\(resolved.stderr)")
        try setup.sync("b")
        try setup.sync("a")
        for db in ["a.sqlite", "b.sqlite", "town.sqlite"] {
            #expect(try setup.conflicts(db).isEmpty, "\(db)")
            #expect(try w.gongkai(["notice", "show", "n1", "--json"], db: db).stdout.contains("\"title\": \"商定的标题\""))
        }
    }

    @Test("a delete on one laptop and an edit on the other: the record stays, the conflict says deleted or kept")
    func deleteEdit() throws {
        let setup = try TwoLaptops()
        let w = setup.workspace
        _ = try w.gongkai(["fee", "add", "--id", "f1", "--collected-on", "2021-04-01", "--amount-yuan", "5"], db: "a.sqlite")
        try setup.sync("a")
        try setup.sync("b")
        #expect(try w.gongkai(["fee", "delete", "f1", "--yes"], db: "a.sqlite").status == 0)
        #expect(try w.gongkai(["fee", "edit", "f1", "--amount-yuan", "6"], db: "b.sqlite").status == 0)
        try setup.sync("a")
        try setup.sync("b")
        try setup.sync("a")
        for db in ["a.sqlite", "b.sqlite", "town.sqlite"] {
            let conflicts = try setup.conflicts(db)
            #expect(conflicts.count == 1)
            #expect(conflicts.first?["field"] as? String == "deleted")
            #expect(conflicts.first?["value"] as? Bool == false)
            #expect(conflicts.first?["losing_values"] as? [Bool] == [true])
            #expect(try w.gongkai(["fee", "list", "--json"], db: db).stdout.contains("\"amount_yuan\": 6"), "the edit is kept on \(db)")
        }
        let resolved = try w.gongkai(["conflicts", "resolve", "fee", "f1", "--field", "deleted", "--value", "删除"], db: "a.sqlite")
        #expect(resolved.status == 0, "\(resolved.stderr)")
        try setup.sync("a")
        try setup.sync("b")
        #expect(try w.gongkai(["fee", "list"], db: "b.sqlite").stdout.contains("共 0 条"))
        #expect(try setup.conflicts("b.sqlite").isEmpty)
    }

    @Test("a copied replica file is refused with how to recover; after reset-site it syncs and nothing is lost")
    func copiedFile() throws {
        let setup = try TwoLaptops()
        let w = setup.workspace
        _ = try w.gongkai(["notice", "add", "--id", "n1", "--title", "一", "--category", "民生", "--channel", "公开栏", "--published-on", "2020-05-01"], db: "a.sqlite")
        try setup.sync("a")
        try FileManager.default.copyItem(atPath: w.path("a.sqlite"), toPath: w.path("copy.sqlite"))
        _ = try w.gongkai(["fee", "add", "--id", "f1", "--collected-on", "2021-04-01", "--amount-yuan", "5"], db: "a.sqlite")
        _ = try w.gongkai(["fee", "add", "--id", "f2", "--collected-on", "2021-04-02", "--amount-yuan", "6"], db: "a.sqlite")
        try setup.sync("a")
        _ = try w.gongkai(["fee", "add", "--id", "f9", "--collected-on", "2021-05-01", "--amount-yuan", "9"], db: "copy.sqlite")
        let refused = try w.gongkai(["sync", "--with", w.path("town.sqlite")], db: "copy.sqlite")
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("gongkai reset-site"), "\(refused.stderr)")
        let reset = try w.gongkai(["reset-site", "--yes"], db: "copy.sqlite")
        #expect(reset.status == 0, "\(reset.stderr)")
        let again = try w.gongkai(["sync", "--with", w.path("town.sqlite")], db: "copy.sqlite")
        #expect(again.status == 0, "\(again.stderr)")
        let fees = try w.gongkai(["fee", "list", "--json"], db: "town.sqlite").stdout
        for id in ["f1", "f2", "f9"] { #expect(fees.contains("\"id\": \"640522100201:\(id)\"")) }
    }
}
