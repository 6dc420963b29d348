import Foundation
import Testing
import TestTiers

/// The sqlite3 tool's view of a file, for before-and-after comparisons.
func dump(_ path: String) throws -> String {
    try GongkaiProcess.runTool(URL(fileURLWithPath: "/usr/bin/sqlite3"), [path, ".dump"]).stdout
}

@Suite("Faults: the disk and the file", .tags(.slow), .fullSuiteOnly)
struct StorageFaultTests {
    @Test("disk full during an import: a clear error, nothing half-written, the previous state intact; it works once there is room", .tags(.privileged))
    func diskFull() throws {
        var summary = FaultSummary(name: "disk full during a write (SQLITE_FULL)")
        let workspace = Workspace()
        let disk = workspace.path("disk")
        try FileManager.default.createDirectory(atPath: disk, withIntermediateDirectories: true)
        let mount = URL(fileURLWithPath: "/bin/mount")
        let mounted = try GongkaiProcess.runTool(mount, ["-t", "tmpfs", "-o", "size=768k", "tmpfs", disk])
        #expect(mounted.status == 0, "this test needs to mount a small tmpfs (root): \(mounted.stderr)")
        guard mounted.status == 0 else { return }
        defer { _ = try? GongkaiProcess.runTool(URL(fileURLWithPath: "/bin/umount"), [disk]) }
        let db = "disk/v.sqlite"
        try workspace.initVillage(db)
        let ledger = WriteLedger()
        #expect(try ledger.captureFees(workspace, db: db, unit: "640522100201", prefix: "small", count: 50).status == 0)
        let before = try dump(workspace.path(db))
        let full = try ledger.captureFees(workspace, db: db, unit: "640522100201", prefix: "big", count: 30_000)
        summary.faults += 1
        #expect(full.status == 1)
        #expect(full.stderr.contains("磁盘已满"), "\(full.stderr)")
        #expect(try dump(workspace.path(db)) == before)
        let integrity = try GongkaiProcess.runTool(URL(fileURLWithPath: "/usr/bin/sqlite3"), [workspace.path(db), "PRAGMA integrity_check"])
        #expect(integrity.stdout == "ok\n")
        // Room is made; the same import now goes through.
        #expect(try GongkaiProcess.runTool(mount, ["-o", "remount,size=64m", disk]).status == 0)
        #expect(try ledger.captureFees(workspace, db: db, unit: "640522100201", prefix: "big", count: 30_000).status == 0)
        let outcome = try ledger.check(workspace, db: db, units: ["640522100201"])
        summary.add(outcome)
        #expect(outcome.checked == 30_050 && outcome.lost == 0 && outcome.duplicates == 0)
        summary.print()
    }

    @Test("a read-only replica: a clear error for every command, and the file untouched", .tags(.privileged))
    func readOnly() throws {
        var summary = FaultSummary(name: "read-only replica file")
        let workspace = Workspace()
        try workspace.initVillage()
        _ = try workspace.gongkai(["fee", "add", "--id", "f1", "--collected-on", "2021-04-01", "--amount-yuan", "5"])
        let path = workspace.path("v.sqlite")
        let before = try Data(contentsOf: URL(fileURLWithPath: path))
        // Run as an unprivileged user, to whom the root-owned file is read-only.
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: workspace.url.path)
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: path)
        let setpriv = URL(fileURLWithPath: "/usr/bin/setpriv")
        for arguments in [["fee", "add", "--id", "f2", "--collected-on", "2021-04-02", "--amount-yuan", "6"], ["status"], ["export", "fees"]] {
            let result = try GongkaiProcess.runTool(setpriv, ["--reuid=65534", "--regid=65534", "--clear-groups", GongkaiProcess.binary.path]
                                                    + arguments + ["--db", path], environment: ["HOME": "/tmp"])
            summary.faults += 1
            #expect(result.status == 1, "\(arguments): \(result.stderr)")
            #expect(result.stderr.contains("只读"), "\(arguments): \(result.stderr)")
        }
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == before)
        summary.print()
    }

    @Test("a corrupt replica: a clear error, and the file exactly as it was")
    func corrupt() throws {
        var summary = FaultSummary(name: "corrupt replica file")
        let workspace = Workspace()
        try workspace.initVillage()
        _ = try workspace.gongkai(["import", "fees", workspace.write("f.csv", "id,collected_on,amount_yuan\n" + (0..<500).map { "f\($0),2021-04-01,\($0)" }.joined(separator: "\n") + "\n")])
        let path = workspace.path("v.sqlite")
        var data = try Data(contentsOf: URL(fileURLWithPath: path))
        for index in stride(from: 4096, to: data.count, by: 7) { data[index] = 0x5A }
        try data.write(to: URL(fileURLWithPath: path))
        for arguments in [["status"], ["fee", "list"], ["fee", "add", "--collected-on", "2021-04-01", "--amount-yuan", "1"]] {
            let result = try workspace.gongkai(arguments)
            summary.faults += 1
            #expect(result.status == 1, "\(arguments)")
            #expect(result.stderr.contains("已损坏"), "\(arguments): \(result.stderr)")
            #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == data)
        }
        summary.print()
    }
}
