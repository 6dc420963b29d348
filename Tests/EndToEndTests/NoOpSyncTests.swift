import Foundation
import TestSupport
import Testing

@Suite("A no-op sync costs the same at any size")
struct NoOpSyncTests {
    func noOpCost(records: Int) throws -> WireCost {
        let town = try Township(villages: ["640522100201"])
        try town.laptop("a", unit: "640522100201")
        let rows = (0..<records).map { "r\($0),2021-03-0\(1 + $0 % 9),自然人,2021-03-20,予以公开" }
        let file = town.workspace.write("r.csv", "id,received_on,applicant_type,concluded_on,outcome\n" + rows.joined(separator: "\n") + "\n")
        #expect(try town.gongkai("a", ["import", "requests", file]).status == 0)
        try town.sync("a", extra: ["--batch-size", "2000"])
        let noOp = try town.sync("a")
        #expect(noOp.stdout == "synced: pushed 0, pulled 0, conflicts 0\n")
        return try WireCost(noOp.stderr)
    }

    @Test("1,000 and 100,000 records: the same requests, about the same bytes")
    func flat() throws {
        let small = try noOpCost(records: 1_000)
        let large = try noOpCost(records: 100_000)
        // One pull, which carries the end of the sync (no done request follows an empty page).
        #expect(small.requests == 1)
        #expect(large.requests == small.requests)
        // The only difference allowed is a few digits of the cursor.
        #expect(abs(large.bytes - small.bytes) <= 16, "1,000 records: \(small.bytes) bytes; 100,000: \(large.bytes)")
        #expect(large.bytes < 2_048)
    }
}
