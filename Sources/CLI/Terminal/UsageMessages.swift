import Foundation

/// ArgumentParser's usage errors, said in Chinese (`Unknown option '--json'` → `未知的选项 --json`).
enum UsageMessages {
    private static let replacements: [(pattern: String, template: String)] = [
        (#"Error: "#, "错误: "),
        (#"Unknown option '([^']+)'"#, "未知的选项 $1"),
        (#"\. Did you mean '([^']+)'\?"#, "; 是不是 $1?"),
        (#"Missing expected argument '([^']+)'"#, "缺少参数 $1"),
        (#"(?:\d+ )?[Uu]nexpected arguments?:? (.+)"#, "多余的参数 $1"),
        (#"Unknown subcommand '?([^' ]+)'?"#, "没有子命令 $1"),
        (#"The value '([^']*)' is invalid for '([^']+)'"#, "$2 的值 \"$1\" 无效"),
        (#"Missing value for '([^']+)'"#, "$1 缺少值"),
        (#"(?m)^Usage: "#, "用法: "),
        (#"(?m)^Help: "#, "说明: "),
        (#"See '([^']+)' for more information\."#, "详见 $1"),
    ]

    /// The argument parser's own words in a help text, in Chinese (the texts we wrote are already).
    private static let helpReplacements: [(pattern: String, template: String)] = [
        (#"(?m)^OVERVIEW: "#, "说明: "),
        (#"(?m)^USAGE: "#, "用法: "),
        (#"(?m)^ARGUMENTS:$"#, "参数:"),
        (#"(?m)^OPTIONS:$"#, "选项:"),
        (#"(?m)^OPTION GROUPS:$"#, "选项组:"),
        (#"(?m)^SUBCOMMANDS:$"#, "子命令:"),
        (#"See '([^']+) help <subcommand>' for detailed help\."#, "各子命令的详细帮助: $1 help <子命令>"),
        (#"Show help information\."#, "显示帮助。"),
        (#"Show the version\."#, "显示版本号。"),
        (#"\(default: ([^)]*)\)"#, "(默认: $1)"),
        (#"\(default\)"#, "(默认)"),
        (#"<subcommand>"#, "<子命令>"),
    ]

    /// A help text with the parser's headings and stock phrases in Chinese.
    static func chineseHelp(_ help: String) -> String { applying(helpReplacements, to: help) }

    static func chinese(_ message: String) -> String { applying(replacements, to: message) }

    private static func applying(_ replacements: [(pattern: String, template: String)], to message: String) -> String {
        var text = message
        for (pattern, template) in replacements {
            let expression = try! NSRegularExpression(pattern: pattern)
            text = expression.stringByReplacingMatches(in: text, range: NSRange(text.startIndex..., in: text), withTemplate: template)
        }
        return text
    }

    /// `gongkai --db town.sqlite status`: `--db` belongs to the subcommand; it is taken there.
    static func movingLeadingDatabase(_ arguments: [String]) -> [String] {
        if arguments.count >= 3, arguments[0] == "--db" { return Array(arguments.dropFirst(2)) + arguments.prefix(2) }
        if let first = arguments.first, first.hasPrefix("--db="), arguments.count >= 2 { return Array(arguments.dropFirst()) + [first] }
        return arguments
    }
}
