import Foundation

/// The report's HTML printed to an A4 PDF by headless Chromium, when it is installed: the page
/// size, margins and "keep a heading with what follows" come from the HTML's own print CSS, and
/// Chromium embeds the fonts it used. gongkai ships no browser; without one it says which
/// package to install, or to print the Word document instead.
enum PDFPrinter {
    static let browserNames = ["chromium", "chromium-browser", "google-chrome", "google-chrome-stable"]
    /// Long enough for a slow laptop's first start of the browser.
    static let timeoutSeconds = 120.0

    static func browser() -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        for name in browserNames {
            for directory in path.split(separator: ":") {
                let candidate = "\(directory)/\(name)"
                if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
            }
        }
        return nil
    }

    static func print(html: String, to output: String, force: Bool) throws {
        guard let browser = browser() else {
            throw CLIError.failure("生成 PDF 需要 Chromium 浏览器, 本机没有找到 (Debian/Ubuntu: sudo apt-get install chromium fonts-wqy-microhei);"
                                   + " 也可以用 --format docx 输出 Word 文件, 在 Word 或 WPS 中另存为 PDF")
        }
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("gongkai-pdf-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }
        let page = scratch.appendingPathComponent("report.html"), pdf = scratch.appendingPathComponent("report.pdf")
        try Data(html.utf8).write(to: page)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: browser)
        // A profile of its own in the scratch folder; no sandbox, which needs privileges a
        // command run by root (or in a container) does not have.
        process.arguments = ["--headless", "--no-sandbox", "--disable-gpu", "--no-pdf-header-footer", "--user-data-dir=\(scratch.path)/profile",
                             "--print-to-pdf=\(pdf.path)", page.absoluteString]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        let finished = DispatchSemaphore(value: 0)
        process.terminationHandler = { _ in finished.signal() }
        try process.run()
        if finished.wait(timeout: .now() + timeoutSeconds) == .timedOut {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            throw CLIError.failure("Chromium 在 \(Int(timeoutSeconds)) 秒内没有打印完 PDF; 请改用 --format html 在浏览器中打印, 或 --format docx")
        }
        guard process.terminationStatus == 0, let bytes = FileManager.default.contents(atPath: pdf.path), bytes.starts(with: Array("%PDF".utf8)) else {
            throw CLIError.failure("Chromium (\(browser)) 没有生成 PDF (退出码 \(process.terminationStatus)); 请改用 --format html 在浏览器中打印, 或 --format docx")
        }
        try OutputFile.write(bytes, to: output, force: force)
    }
}
