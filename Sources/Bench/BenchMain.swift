import Foundation

/// `gongkai-bench [import] [merge] [sync] [noop] [report] [startup] [--count N]`, all by default:
/// prints one table, each figure beside its baseline measured in the same run. Build with
/// -c release, with the release `gongkai` binary beside it (scripts/bench builds both).
@main
enum BenchMain {
    static func main() async throws {
        var arguments = Array(CommandLine.arguments.dropFirst())
        var count: Int?
        if let index = arguments.firstIndex(of: "--count"), index + 1 < arguments.count, let value = Int(arguments[index + 1]) {
            count = value
            arguments.removeSubrange(index...(index + 1))
        }
        let all = ["import", "merge", "sync", "noop", "report", "startup"]
        let which = Set(arguments.isEmpty ? all : arguments)
        var rows: [BenchRow] = []
        if which.contains("import") { rows += try ImportBench.run(count: count ?? 100_000) }
        if which.contains("merge") { rows += try await MergeBench.run(count: count ?? 100_000) }
        if which.contains("sync") { rows += try SyncBench.firstSync(count: count ?? 100_000) }
        if which.contains("noop") { rows += try SyncBench.noOp(sizes: [1_000, 10_000, 100_000]) }
        if which.contains("report") { rows += try ReportBench.run(count: count ?? 1_000_000) }
        if which.contains("startup") { rows += try StartupBench.run() }
        printTable(rows)
    }
}
