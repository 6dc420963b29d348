import ArgumentParser

/// A command whose help ends with examples. Every command of gongkai has some; the help
/// printer appends them after the options.
protocol ExampleProviding {
    /// Whole command lines, each optionally followed by `  # what it does`.
    static var examples: [String] { get }
}

enum HelpPrinter {
    /// The command a help request is about: follows subcommand names from the root, skipping
    /// options and a leading `help`.
    static func command(for arguments: [String], root: ParsableCommand.Type) -> ParsableCommand.Type {
        var current = root
        for argument in arguments where !argument.hasPrefix("-") && argument != "help" {
            guard let next = current.configuration.subcommands.first(where: { $0._commandName == argument }) else { break }
            current = next
        }
        return current
    }

    static func examplesSection(for command: ParsableCommand.Type) -> String {
        guard let examples = (command as? ExampleProviding.Type)?.examples, !examples.isEmpty else { return "" }
        return "示例:\n" + examples.map { "  " + $0 }.joined(separator: "\n") + "\n"
    }
}
