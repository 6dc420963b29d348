import Foundation

/// LibreOffice, headless, for the tests that check a file the way an office opens it. CI
/// installs it and sets `GONGKAI_REQUIRE_LIBREOFFICE=1`, so that there the tests fail rather
/// than skip when it is missing.
enum LibreOffice {
    static let path = ["/usr/bin/soffice", "/usr/local/bin/soffice", "/usr/bin/libreoffice"].first { FileManager.default.isExecutableFile(atPath: $0) }
    static let isRequired = ProcessInfo.processInfo.environment["GONGKAI_REQUIRE_LIBREOFFICE"] == "1"
    static let missing = "LibreOffice (soffice) is not installed: apt-get install libreoffice-calc-nogui libreoffice-writer-nogui"

    /// Converts `files` to `format` (e.g. `xlsx`, or `csv` with a filter) into `directory`.
    static func convert(_ files: [String], to format: String, inputFilter: String? = nil, in directory: String) throws -> RunResult {
        guard let path else { throw CocoaError(.fileNoSuchFile, userInfo: [NSLocalizedDescriptionKey: missing]) }
        // A profile of its own: two conversions at once must not share one.
        var arguments = ["-env:UserInstallation=file://\(directory)/.libreoffice-profile", "--headless"]
        if let inputFilter { arguments.append("--infilter=\(inputFilter)") }
        arguments += ["--convert-to", format, "--outdir", directory] + files
        return try GongkaiProcess.runTool(URL(fileURLWithPath: path), arguments)
    }
}
