import Foundation
import Records
import Testing

/// Each rejection that ../shared/spec/cli.md lists, through the real binary: exit 1 (or 2 for
/// wrong usage), a message naming the place, and the replica file unchanged.
@Suite("Rejected imports change nothing")
struct RejectionTests {
    static let cases: [(name: String, kind: String, csv: String, status: Int32, message: String)] = [
        ("unknown KIND", "petitions", "id\n1\n", 2, "未知的记录类别 \"petitions\""),
        ("missing required column", "requests", "id,received_on\nx,2021-01-01\n", 1, "缺少必填列 applicant_type"),
        ("unknown enum value", "requests", "received_on,applicant_type\n2021-01-01,个人\n", 1, "第 2 行, 第 2 列 (B, applicant_type): 未知的申请人类型 \"个人\"; 可用: 自然人"),
        ("malformed date", "notices", "title,category,channel,published_on\nt,民生,公开栏,2020-02-30\n", 1, "第 2 行, 第 4 列 (D, published_on)"),
        ("concluded_on before received_on", "requests", "received_on,applicant_type,concluded_on,outcome\n2021-03-02,自然人,2021-03-01,予以公开\n", 1, "第 2 行, 第 3 列 (C, concluded_on): 办结日期 2021-03-01 早于收到日期 2021-03-02"),
        ("outcome without concluded_on", "requests", "received_on,applicant_type,outcome\n2021-03-02,自然人,予以公开\n", 1, "第 2 行, 第 3 列 (C, outcome): 有办理结果却没有办结日期"),
        ("negative amount", "fees", "collected_on,amount_yuan\n2021-01-01,-5\n", 1, "金额不能为负数"),
        ("negative count", "decisions", "kind,decided_on,count\n行政许可,2021-01-01,-2\n", 1, "数量不能为负数"),
        ("id of another unit", "fees", "id,unit,collected_on,amount_yuan\nfee-00000000000000f1,640522100202,2021-01-01,5\n", 1, "id fee-00000000000000f1 的收费已属于单位 640522100201"),
        ("unit outside the replica", "fees", "id,unit,collected_on,amount_yuan\nf9,640522100299,2021-01-01,5\n", 1, "单位 640522100299 不属于本副本"),
    ]

    @Test("each rejection leaves the replica byte-for-byte as it was", arguments: cases.indices)
    func rejection(index: Int) throws {
        let rejection = Self.cases[index]
        let workspace = Workspace()
        let created = try workspace.gongkai(["init", "--township", "--unit", "640522100000", "--name", "西安镇"])
        #expect(created.status == 0)
        _ = try workspace.gongkai(["unit", "add", "640522100201", "园河村"])
        _ = try workspace.gongkai(["unit", "add", "640522100202", "别村"])
        let seed = workspace.write("seed.csv", "id,unit,collected_on,amount_yuan\nfee-00000000000000f1,640522100201,2021-01-01,5\n")
        #expect(try workspace.gongkai(["import", "fees", seed]).status == 0)
        let before = try workspace.dump()
        let file = workspace.write("bad.csv", rejection.csv)
        let result = try workspace.gongkai(["import", rejection.kind, file])
        #expect(result.status == rejection.status, "\(rejection.name): \(result.stderr)")
        #expect(result.stderr.contains(rejection.message), "\(rejection.name): \(result.stderr)")
        if rejection.status == 1 { #expect(result.stderr.contains("未导入任何记录")) }
        #expect(try workspace.dump() == before, "\(rejection.name) changed the replica")
    }

    @Test("a file with several bad rows lists every one, then says nothing was imported")
    func everyBadRowListed() throws {
        let workspace = Workspace()
        try workspace.initVillage()
        let before = try workspace.dump()
        let file = workspace.write("bad.csv", """
        received_on,applicant_type,concluded_on,outcome
        2021-03-02,自然人,,
        2021-13-01,自然人,,
        2021-03-02,个人,,
        2021-03-02,自然人,2021-03-05,
        """)
        let result = try workspace.gongkai(["import", "requests", file])
        #expect(result.status == 1)
        let lines = result.stderr.split(separator: "\n")
        #expect(lines.count == 4)
        #expect(lines[0].hasPrefix("第 3 行"))
        #expect(lines[1].hasPrefix("第 4 行"))
        #expect(lines[2].hasPrefix("第 5 行"))
        #expect(lines[3].contains("有 3 行共 3 处错误, 未导入任何记录"))
        #expect(try workspace.dump() == before)
    }

    @Test("a missing file and an unreadable replica are failures the user can fix (exit 1)")
    func missingThings() throws {
        let workspace = Workspace()
        try workspace.initVillage()
        let missingFile = try workspace.gongkai(["import", "notices", workspace.path("none.csv")])
        #expect(missingFile.status == 1)
        #expect(missingFile.stderr.contains("无法读取文件"))
        let missingReplica = try workspace.gongkai(["status"], db: "none.sqlite")
        #expect(missingReplica.status == 1)
        #expect(missingReplica.stderr.contains("gongkai init"))
    }
}
