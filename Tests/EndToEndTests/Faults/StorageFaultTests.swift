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

    @Test("a disk at 100%: status, list and export still work, a write says which disk is full, nothing is lost", .tags(.privileged))
    func readingOnAFullDisk() throws {
        // Given a village replica with three fees on a small disk that then fills up
        let workspace = Workspace()
        let disk = workspace.path("disk")
        try FileManager.default.createDirectory(atPath: disk, withIntermediateDirectories: true)
        let mounted = try GongkaiProcess.runTool(URL(fileURLWithPath: "/bin/mount"), ["-t", "tmpfs", "-o", "size=1m", "tmpfs", disk])
        #expect(mounted.status == 0, "this test needs to mount a small tmpfs (root): \(mounted.stderr)")
        guard mounted.status == 0 else { return }
        defer { _ = try? GongkaiProcess.runTool(URL(fileURLWithPath: "/bin/umount"), [disk]) }
        let db = "disk/v.sqlite"
        try workspace.initVillage(db)
        for day in 1...3 { #expect(try workspace.gongkai(["fee", "add", "--id", "f\(day)", "--collected-on", "2021-04-0\(day)", "--amount-yuan", "\(day)"], db: db).status == 0) }
        let filler = disk + "/大文件"
        _ = try GongkaiProcess.runTool(URL(fileURLWithPath: "/bin/dd"), ["if=/dev/zero", "of=\(filler)", "bs=16k"])
        let free = try FileManager.default.attributesOfFileSystem(forPath: disk)[.systemFreeSize] as? NSNumber
        #expect(free?.int64Value ?? -1 < 16 * 1024, "the disk is full")
        // When the official reads
        let status = try workspace.gongkai(["status"], db: db)
        let list = try workspace.gongkai(["fee", "list"], db: db)
        let export = try workspace.gongkai(["export", "fees", "--format", "json"], db: db)
        // Then each works
        #expect(status.status == 0 && status.stdout.contains("收费 3"), "\(status.stdout) \(status.stderr)")
        #expect(list.status == 0 && list.stdout.contains("f3"), "\(list.stderr)")
        let exported = try JSONSerialization.jsonObject(with: Data(export.stdout.utf8)) as? [Any]
        #expect(export.status == 0 && exported?.count == 3, "\(export.stderr)")
        // And a write says the disk is full, and which, and changes nothing
        let write = try workspace.gongkai(["fee", "add", "--id", "f4", "--collected-on", "2021-04-04", "--amount-yuan", "4"], db: db)
        #expect(write.status == 1 && write.stderr.contains("磁盘已满") && write.stderr.contains(disk), "\(write.stderr)")
        #expect(!write.stderr.contains("内部错误"))
        // And once there is room the write goes through, with all three before it
        try FileManager.default.removeItem(atPath: filler)
        #expect(try workspace.gongkai(["fee", "add", "--id", "f4", "--collected-on", "2021-04-04", "--amount-yuan", "4"], db: db).status == 0)
        #expect(try workspace.gongkai(["status"], db: db).stdout.contains("收费 4"))
    }

    @Test("the server's disk is full: the village is told so (not \"internal error\"), nothing is retried in vain, the next sync after clean-up takes it all",
          .tags(.privileged))
    func serverDiskFull() throws {
        // Given a township server whose database lives on a small disk, and a village laptop with records to push
        let town = try Township(villages: ["640522100201"])
        try town.laptop("a", unit: "640522100201")
        let disk = town.workspace.path("disk")
        try FileManager.default.createDirectory(atPath: disk, withIntermediateDirectories: true)
        let mounted = try GongkaiProcess.runTool(URL(fileURLWithPath: "/bin/mount"), ["-t", "tmpfs", "-o", "size=2m", "tmpfs", disk])
        #expect(mounted.status == 0, "this test needs to mount a small tmpfs (root): \(mounted.stderr)")
        guard mounted.status == 0 else { return }
        defer { _ = try? GongkaiProcess.runTool(URL(fileURLWithPath: "/bin/umount"), [disk]) }
        town.server.kill()
        #expect(try town.workspace.gongkai(["backup", "--to", disk + "/town.sqlite"], db: "town.sqlite").status == 0)
        try? FileManager.default.copyItem(atPath: town.workspace.path("town.sqlite.key"), toPath: disk + "/town.sqlite.key")
        town.server = try ServerProcess(workspace: town.workspace, db: "disk/town.sqlite")
        let ledger = WriteLedger()
        #expect(try ledger.captureFees(town.workspace, db: "a.sqlite", unit: "640522100201", prefix: "a", count: 2_000).status == 0)
        let filler = disk + "/大文件"
        _ = try GongkaiProcess.runTool(URL(fileURLWithPath: "/bin/dd"), ["if=/dev/zero", "of=\(filler)", "bs=16k"])
        // When the village syncs
        let refused = try town.sync("a", expectSuccess: false)
        // Then it is told the server's disk is full, without five retries first
        #expect(refused.status != 0 && refused.stderr.contains("服务器的磁盘已满"), "\(refused.stderr)")
        #expect(!refused.stderr.contains("重试") && !refused.stderr.contains("内部错误"), "\(refused.stderr)")
        // And the health check says so too
        let health = try GongkaiProcess.runTool(URL(fileURLWithPath: "/usr/bin/curl"), ["-s", town.server.url + "/v1/health"])
        #expect(health.stdout.contains("\"status\":\"disk_full\""), "\(health.stdout)")
        // And once the township frees space, the next sync takes every record once
        try FileManager.default.removeItem(atPath: filler)
        try town.sync("a")
        let outcome = try ledger.check(town.workspace, db: "disk/town.sqlite", units: ["640522100201"])
        #expect(outcome.checked == 2_000 && outcome.lost == 0 && outcome.duplicates == 0, "\(outcome)")
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
