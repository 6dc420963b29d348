import Foundation
import TestSupport

/// `gongkai-bench [import] [merge] [sync] [noop] [report] [startup] [--count N]`, all by default:
/// prints one table, each figure beside its baseline measured in the same run. Build with
/// -c release, with the release `gongkai` binary beside it (scripts/bench builds both).
/// `gongkai-bench load [--villages K] [--records R] [--parallel P]` (200 × 500, 50 at a time by
/// default) runs many villages' syncs against one server, beside one laptop's first sync: on
/// SQLite, and with `GONGKAI_TEST_POSTGRES` set on PostgreSQL with one and with two servers.
@main
enum BenchMain {
    static func main() async throws {
        var arguments = Array(CommandLine.arguments.dropFirst())
        func option(_ name: String) -> Int? {
            guard let index = arguments.firstIndex(of: name), index + 1 < arguments.count, let value = Int(arguments[index + 1]) else { return nil }
            arguments.removeSubrange(index...(index + 1))
            return value
        }
        let count = option("--count")
        let (villages, records, parallel) = (option("--villages") ?? 200, option("--records") ?? 500, option("--parallel") ?? 50)
        let all = ["import", "merge", "sync", "noop", "report", "startup"]
        let which = Set(arguments.isEmpty ? all : arguments)
        var rows: [BenchRow] = []
        if which.contains("import") { rows += try ImportBench.run(count: count ?? 100_000) }
        if which.contains("merge") { rows += try await MergeBench.run(count: count ?? 100_000) }
        if which.contains("sync") { rows += try SyncBench.firstSync(count: count ?? 100_000) }
        if which.contains("noop") { rows += try SyncBench.noOp(sizes: [1_000, 10_000, 100_000]) }
        if which.contains("report") { rows += try ReportBench.run(count: count ?? 1_000_000) }
        if which.contains("startup") { rows += try StartupBench.run() }
        if which.contains("load") {
            rows += try LoadBench.run(villages: villages, records: records, parallel: parallel)
            // On PostgreSQL too, with one and two serve processes, when the bench has one.
            if TestPostgres.url != nil {
                rows += try LoadBench.run(villages: villages, records: records, parallel: parallel, store: .postgres(servers: 1))
                rows += try LoadBench.run(villages: villages, records: records, parallel: parallel, store: .postgres(servers: 2))
            } else {
                FileHandle.standardError.write(Data("load on PostgreSQL skipped: \(TestPostgres.missing)\n".utf8))
            }
            if !which.contains("sync") { rows += try SyncBench.firstSync(count: 100_000) }
        }
        printTable(rows)
    }
}
