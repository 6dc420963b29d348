import Foundation
import TestSupport
import Testing
import TestTiers

/// Records near the largest a field allows: a batch is bounded by its bytes as well as its count,
/// so a backlog of long documents never makes a request the server must refuse.
@Suite("Large records sync in batches the server accepts", .tags(.slow), .fullSuiteOnly)
struct LargeRecordsTests {
    @Test("60 notices with 200,000-character bodies (36 MB) go up and come down in full")
    func longBodies() throws {
        // Given a laptop with 60 notices whose bodies are the longest allowed (600 kB of UTF-8 each),
        // more than the server takes in one request (32 MB decompressed) at the default batch size
        let town = try Township(villages: ["640522100201"])
        try town.laptop("a", unit: "640522100201")
        try town.laptop("b", unit: "640522100201")
        let rows = (0..<60).map { index in
            "n\(index),第\(index)号文件全文,livelihood,portal,2021-04-0\(1 + index % 9),第\(index)号" + String(repeating: "公开政", count: 66_000)
        }
        let file = town.workspace.write("n.csv", "id,title,category,channel,published_on,body\n" + rows.joined(separator: "\n") + "\n")
        let imported = try town.gongkai("a", ["import", "notices", file])
        #expect(imported.status == 0, "\(imported.stderr)")

        // When it syncs, and another laptop of the village syncs after it
        let pushed = try town.sync("a")
        let pulled = try town.sync("b")

        // Then every notice arrives whole on the server and on the other laptop, in several requests
        #expect(pushed.stdout == "synced: pushed 60, pulled 0, conflicts 0\n")
        #expect(pulled.stdout == "synced: pushed 0, pulled 60, conflicts 0\n")
        let sent = try town.records("a.sqlite", kind: "notices", unit: "640522100201")
        #expect(sent.count == 60)
        #expect(try town.records("town.sqlite", kind: "notices", unit: "640522100201") == sent)
        #expect(try town.records("b.sqlite", kind: "notices", unit: "640522100201") == sent)
        #expect(try WireCost(pushed.stderr).requests > 3, "the push went in one request")
        #expect(try WireCost(pulled.stderr).requests > 3, "the pull came in one page")
    }
}
