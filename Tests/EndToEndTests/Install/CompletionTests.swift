import Foundation
import Testing

/// Completion scripts are sourced by every new shell: they must register completion for
/// `gongkai` and run nothing else (the help's examples once followed the script and created a
/// replica and a notice in every new shell).
@Suite struct CompletionTests {
    /// How each shell sources a script without reading the user's own start-up files.
    static let shells: [(name: String, sourceAndList: String)] = [
        ("bash", "source \"$1\" && complete -p gongkai"),
        ("zsh", "autoload -U compinit && compinit -u -D && source \"$1\" && print -r -- ${_comps[gongkai]}"),
        ("fish", "source $argv[1]; and complete -c gongkai | head -n 1"),
    ]

    @Test(arguments: shells.map(\.name))
    func scriptRunsNoCommandWhenSourced(shell: String) throws {
        // Given a clean home and the completion script for this shell
        let home = Workspace()
        let generated = try GongkaiProcess.run(["--generate-completion-script", shell])
        #expect(generated.status == 0, "\(generated.stderr)")
        let script = home.write("gongkai.\(shell)", generated.stdout)

        // Then no line of it is one of the help's example commands
        let commandLines = generated.stdout.split(separator: "\n").filter { $0.hasPrefix("gongkai ") || $0.hasPrefix("  gongkai ") }
        #expect(commandLines.isEmpty, "example lines in the \(shell) script: \(commandLines.prefix(3))")
        #expect(!generated.stdout.contains("示例"))

        // When the shell sources it (where the shell is installed: CI installs all three)
        let executable = URL(fileURLWithPath: "/usr/bin/\(shell)")
        guard FileManager.default.isExecutableFile(atPath: executable.path) else { return }
        let binDirectory = GongkaiProcess.binary.deletingLastPathComponent().path
        let flags = shell == "fish" ? ["--no-config", "-c"] : shell == "zsh" ? ["-f", "-c"] : ["--norc", "--noprofile", "-c"]
        let body = Self.shells.first { $0.name == shell }!.sourceAndList
        let sourced = try GongkaiProcess.runTool(executable, flags + [body] + (shell == "fish" ? [script] : [shell, script]), environment: [
            "HOME": home.url.path, "XDG_DATA_HOME": "", "XDG_CONFIG_HOME": home.path("config"),
            "PATH": "\(binDirectory):/usr/bin:/bin",
        ], in: home.url)

        // Then completion for gongkai is registered, and nothing was created in the home
        #expect(sourced.status == 0, "\(sourced.stderr)")
        #expect(!sourced.stdout.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty, "no completion registered by \(shell)")
        #expect(!sourced.stdout.contains("错误") && !sourced.stderr.contains("错误"), "\(sourced.stderr)")
        // (the shell may keep its own files there; none of gongkai's)
        let created = try FileManager.default.subpathsOfDirectory(atPath: home.url.path)
            .filter { $0.contains("gongkai") && $0 != "gongkai.\(shell)" || $0.hasSuffix(".sqlite") }
        #expect(created.isEmpty, "sourcing the \(shell) script created \(created)")
    }

    @Test func noArgumentsPrintsHelpAndIsWrongUsage() throws {
        let result = try GongkaiProcess.run([])
        #expect(result.status == 2)
        #expect(result.stderr.contains("SUBCOMMANDS") || result.stderr.contains("子命令"))
        #expect(result.stderr.contains("示例"))
    }
}
