import Foundation

/// `gongkai-bench [merge] [report] [--count N]` (report: 1,000,000 requests unless --count): prints one table, each figure beside its baseline
/// measured in the same run. Build with -c release.
@main
enum BenchMain {
    static func main() async throws {
        var arguments = Array(CommandLine.arguments.dropFirst())
        var count: Int?
        if let index = arguments.firstIndex(of: "--count"), index + 1 < arguments.count, let value = Int(arguments[index + 1]) {
            count = value
            arguments.removeSubrange(index...(index + 1))
        }
        let which = Set(arguments.isEmpty ? ["merge"] : arguments)
        var rows: [BenchRow] = []
        if which.contains("merge") { rows += try await MergeBench.run(count: count ?? 100_000) }
        if which.contains("report") { rows += try ReportBench.run(count: count ?? 1_000_000) }
        printTable(rows)
    }
}
