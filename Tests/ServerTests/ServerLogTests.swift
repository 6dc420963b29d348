import Logging
@testable import Server
import Synchronization
import Testing
import TestSupport

/// Keeps every log line written to it.
final class LogLines: Sendable {
    let lines = Mutex<[String]>([])

    var logger: Logger {
        Logger(label: "test") { _ in Handler(sink: self) }
    }

    struct Handler: LogHandler {
        let sink: LogLines
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .trace
        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }
        func log(event: LogEvent) {
            sink.lines.withLock { $0.append(event.message.description) }
        }
    }
}

@Suite("What the server logs")
struct ServerLogTests {
    @Test("client-chosen text is one escaped, bounded token", arguments: [
        ("laptop-1", "laptop-1"),
        ("村委会 笔记本", "\"村委会 笔记本\""),
        ("x\nsync unit=1 converged", "\"x\\nsync unit=1 converged\""),
        ("a\u{1B}[31m\u{0}\u{2028}b", "a\\u{1b}[31m\\u{0}\\u{2028}b"),
        ("say \"hi\"", "\"say \\\"hi\\\"\""),
        ("", "\"\""),
    ])
    func quoted(text: String, expected: String) {
        #expect(LogText.quoted(text) == expected)
        #expect(!LogText.quoted(text).contains("\n"))
    }

    @Test("a very long text is cut, saying how long it was")
    func long() {
        let quoted = LogText.quoted(String(repeating: "x", count: 30 << 20))
        #expect(quoted.count < 200)
        #expect(quoted.contains("31457280"))
    }

    @Test("401s: the first of a window is logged, the rest counted and written as one line when the window ends")
    func refusalSummary() {
        let lines = LogLines()
        let now = Mutex<Double>(1_000)
        let summary = RefusalSummary(logger: lines.logger, seconds: 60, clock: { now.withLock { $0 } })
        for index in 0..<500 { summary.refused(code: "unauthorized", client: "10.0.0.\(index % 7)", path: "/v1/pull") }
        summary.flush()
        #expect(lines.lines.withLock { $0.count } == 1)
        now.withLock { $0 += 61 }
        summary.flush()
        let written = lines.lines.withLock { $0 }
        #expect(written.count == 2)
        #expect(written.last?.contains("another 499 times") == true, "\(written)")
        #expect(written.last?.contains("from 7 clients") == true, "\(written)")
        // A new window starts with a line of its own.
        summary.refused(code: "token_revoked", client: "10.0.0.9", path: "/v1/push")
        #expect(lines.lines.withLock { $0.count } == 3)
    }
}
