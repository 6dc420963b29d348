import Foundation
import Testing
import TestSupport
import TestTiers

/// Issue 27, finding 16: `--output` and `--reply` replaced any file, the live database included:
/// `bundle import --reply town.sqlite` while serving destroyed every record of the township. Now
/// a file that is there already is replaced only with `--force`, and a database never.
@Suite("Trust: an output never replaces a database, nor any file without --force")
struct OutputFileTests {
    @Test("--reply, --output naming the server's database, its journal or its secret are refused, --force or not; the database is untouched")
    func neverADatabase() throws {
        // Given a township server (serving) with a village laptop, and the laptop's file
        let town = try Township(villages: [TestSupport.village.code])
        try town.laptop("a", unit: TestSupport.village.code)
        #expect(try town.gongkai("a", ["notice", "add", "--title", "公示", "--category", "民生", "--channel", "公开栏", "--published-on", "2021-03-01"]).status == 0)
        try town.sync("a")
        let w = town.workspace
        #expect(try town.gongkai("a", ["bundle", "export", "--output", w.path("a.gkb"), "--token", town.tokens["a"]!]).status == 0)
        let before = try w.dump("town.sqlite")
        let attempts: [(String, [String])] = [
            ("--reply town.sqlite", ["bundle", "import", w.path("a.gkb"), "--reply", w.path("town.sqlite"), "--db", w.path("town.sqlite")]),
            ("--reply town.sqlite --force", ["bundle", "import", w.path("a.gkb"), "--reply", w.path("town.sqlite"), "--force", "--db", w.path("town.sqlite")]),
            ("--reply town.sqlite-wal --force", ["bundle", "import", w.path("a.gkb"), "--reply", w.path("town.sqlite-wal"), "--force", "--db", w.path("town.sqlite")]),
            ("report --output town.sqlite.key --force", ["report", "annual", "--year", "2021", "--output", w.path("town.sqlite.key"), "--force",
                                                         "--db", w.path("town.sqlite")]),
            ("export --output a.sqlite --force", ["export", "notices", "--output", w.path("a.sqlite"), "--force", "--db", w.path("town.sqlite")]),
            ("bundle export --output town.sqlite --force", ["bundle", "export", "--output", w.path("town.sqlite"), "--force", "--db", w.path("a.sqlite")]),
        ]
        for (name, arguments) in attempts {
            // When an output names a database
            let result = try GongkaiProcess.run(arguments, environment: ["GONGKAI_NOW": "1700000000"], in: w.url)
            // Then it is refused, saying so, before anything is done
            #expect(result.status == 1 && result.stderr.contains("不会被覆盖"), "\(name): \(result.status) \(result.stderr)")
        }
        // And the township's database is as it was, its server still answering
        #expect(try w.dump("town.sqlite") == before)
        #expect(try town.sync("a").status == 0)
    }

    @Test("a file that exists is refused without --force and left as it was; with --force it is replaced, readable by its owner only")
    func existingFileNeedsForce() throws {
        // Given a village replica and a file of its own already at the output's path
        let w = Workspace()
        try w.initVillage()
        #expect(try w.gongkai(["notice", "add", "--title", "公示", "--category", "民生", "--channel", "公开栏", "--published-on", "2021-03-01"]).status == 0)
        let path = w.write("notices.csv", "一份别的文件\n")
        for arguments in [["export", "notices", "--output", path], ["report", "annual", "--year", "2021", "--output", path],
                          ["bundle", "export", "--output", path, "--token", "gk_0123456789abcdef"]] {
            // When a command would write over it
            let refused = try w.gongkai(arguments)
            // Then it is refused, naming --force, and the file is unchanged
            #expect(refused.status == 1 && refused.stderr.contains("已经存在") && refused.stderr.contains("--force"), "\(arguments[0]): \(refused.stderr)")
            #expect(try String(contentsOfFile: path, encoding: .utf8) == "一份别的文件\n")
        }
        // And with --force it is replaced, and a new output is the owner's alone
        let forced = try w.gongkai(["export", "notices", "--output", path, "--force"])
        #expect(forced.status == 0, "\(forced.stderr)")
        #expect(try String(contentsOfFile: path, encoding: .utf8).contains("公示"))
        #expect(try w.gongkai(["export", "notices", "--output", w.path("new.csv")]).status == 0)
        for file in [path, w.path("new.csv")] {
            #expect((try FileManager.default.attributesOfItem(atPath: file)[.posixPermissions] as? Int) == 0o600, "\(file)")
        }
    }
}
