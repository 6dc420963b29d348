import Foundation

/// Wall time of a block, in seconds (monotonic clock).
func measure<T>(_ body: () throws -> T) rethrows -> (T, Double) {
    let start = DispatchTime.now().uptimeNanoseconds
    let result = try body()
    return (result, Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
}

func measureAsync<T>(_ body: () async throws -> T) async rethrows -> (T, Double) {
    let start = DispatchTime.now().uptimeNanoseconds
    let result = try await body()
    return (result, Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
}

func rate(_ count: Int, _ seconds: Double) -> String {
    let perSecond = Double(count) / seconds
    return perSecond >= 10_000 ? "\(Int(perSecond / 1000))k/s" : "\(Int(perSecond))/s"
}

/// A scratch directory removed at exit.
final class BenchDirectory {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("gongkai-bench-\(UUID().uuidString)")
    init() { try! FileManager.default.createDirectory(at: url, withIntermediateDirectories: true) }
    deinit { try? FileManager.default.removeItem(at: url) }
    func path(_ name: String) -> String { url.appendingPathComponent(name).path }
}

/// One row of the printed table.
struct BenchRow {
    let figure: String
    let measured: String
    let baseline: String
    let ratio: String
}

func printTable(_ rows: [BenchRow]) {
    print("| figure | measured | baseline in the same run | ratio |")
    print("|---|---|---|---|")
    for row in rows { print("| \(row.figure) | \(row.measured) | \(row.baseline) | \(row.ratio) |") }
}
