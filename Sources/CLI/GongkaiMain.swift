import ArgumentParser
import Foundation
import Storage

/// Parses, runs, prints errors, and maps failures to the exit codes of the CLI contract:
/// 0 success, 1 a failure the user can fix, 2 wrong usage.
@main
enum GongkaiMain {
    static func main() async {
        let arguments = UsageMessages.movingLeadingDatabase(Array(CommandLine.arguments.dropFirst()))
        if arguments.isEmpty {
            // No subcommand is wrong usage: the help says which there are (exit 2, on stderr).
            Terminal.error(UsageMessages.chineseHelp(Gongkai.helpMessage()) + "\n" + HelpPrinter.examplesSection(for: Gongkai.self))
            exit(2)
        }
        var command: ParsableCommand
        do {
            command = try parse(arguments)
        } catch {
            parsingFailed(error, arguments: arguments)
        }
        do {
            if var asynchronous = command as? AsyncParsableCommand {
                try await asynchronous.run()
            } else {
                try command.run()
            }
        } catch let error as CLIError {
            switch error {
            case .usage(let message): fail(message, code: 2)
            case .failure(let message): fail(message, code: 1)
            }
        } catch let error as ExitCode {
            exit(error.rawValue)
        } catch let error as ValidationError {
            fail(error.message, code: 2)
        } catch {
            // Help asked for, or wrong usage found, while running; else a failure to report.
            let code = Gongkai.exitCode(for: error)
            if code == .success || code == .validationFailure { parsingFailed(error, arguments: arguments) }
            fail(String(describing: error), code: 1)
        }
    }

    /// The commands a village runs most, and a script every few minutes, by the name that starts
    /// them: parsed by their own type, without building the tree of every command first (a
    /// no-op sync 1 ms of CPU less, docs/PERFORMANCE.md).
    static func parsedDirectly(_ name: String) -> (any ParsableCommand.Type)? {
        switch name {
        case "sync": SyncCommand.self
        case "status": StatusCommand.self
        default: nil
        }
    }

    /// The command the arguments ask for. Only a parse that succeeds is taken from a command's
    /// own type; help, a completion script and every mistake go through the root, so their
    /// messages are the same whichever way the arguments came.
    static func parse(_ arguments: [String]) throws -> ParsableCommand {
        // (A leaf's own parse answers `--help` with the help command: that is the root's to give.)
        if let name = arguments.first, let type = parsedDirectly(name),
           let command = try? type.parseAsRoot(Array(arguments.dropFirst())), ObjectIdentifier(Swift.type(of: command)) == ObjectIdentifier(type) {
            return command
        }
        return try Gongkai.parseAsRoot(arguments)
    }

    /// Help or version (exit 0, help followed by the command's examples), or wrong usage (exit 2).
    static func parsingFailed(_ error: any Error, arguments: [String]) -> Never {
        let message = Gongkai.fullMessage(for: error)
        guard Gongkai.exitCode(for: error) == .success else { fail(UsageMessages.chinese(message), code: 2) }
        print(isHelpRequest(arguments) ? UsageMessages.chineseHelp(message) : message)
        // Examples follow help only: a completion script or the version is read by a program,
        // and a completion script is sourced by every new shell (an example line in it would run).
        if isHelpRequest(arguments) {
            print(HelpPrinter.examplesSection(for: HelpPrinter.command(for: arguments, root: Gongkai.self)), terminator: "")
        }
        exit(0)
    }

    /// Whether the arguments ask for help (and not for the version or a completion script).
    static func isHelpRequest(_ arguments: [String]) -> Bool {
        let programOutput = ["--version", "--generate-completion-script", "---completion"]
        return !arguments.contains { argument in
            programOutput.contains { argument == $0 || argument.hasPrefix($0 + "=") }
        }
    }

    static func fail(_ message: String, code: Int32) -> Never {
        Terminal.endProgress()
        // A multi-line message (an import's list of bad rows) carries its own closing line.
        let plain = message.contains("\n") || message.hasPrefix("错误") || message.hasPrefix("Error")
        Terminal.error(plain ? message : "错误: \(message)")
        exit(code)
    }
}
