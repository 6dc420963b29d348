import ArgumentParser
import Foundation
import Storage

/// Parses, runs, prints errors, and maps failures to the exit codes of the CLI contract:
/// 0 success, 1 a failure the user can fix, 2 wrong usage.
@main
enum GongkaiMain {
    static func main() async {
        let arguments = Array(CommandLine.arguments.dropFirst())
        do {
            var command = try Gongkai.parseAsRoot(arguments)
            if var asynchronous = command as? AsyncParsableCommand {
                try await asynchronous.run()
            } else {
                try command.run()
            }
        } catch let error as ReplicaError {
            fail(error.description, code: 1)
        } catch let error as CLIError {
            switch error {
            case .usage(let message): fail(message, code: 2)
            case .failure(let message): fail(message, code: 1)
            }
        } catch let error as ExitCode {
            exit(error.rawValue)
        } catch {
            let code = Gongkai.exitCode(for: error)
            let message = Gongkai.fullMessage(for: error)
            if code == .success {
                // Help or version: print it, and for help the command's examples after it.
                print(message)
                if !arguments.contains("--version") {
                    print(HelpPrinter.examplesSection(for: HelpPrinter.command(for: arguments, root: Gongkai.self)), terminator: "")
                }
                exit(0)
            }
            fail(message, code: 2)
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
