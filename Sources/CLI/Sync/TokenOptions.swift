import ArgumentParser
import Foundation

/// Where a device token comes from. On the command line (`--token gk_…`) every account of the
/// machine can read it while the command runs (`ps`, /proc/PID/cmdline): it still works, as the
/// contract says, with a warning; the ways that keep it off the command line are `--token -`
/// (standard input), `--token-file FILE`, the environment (`GONGKAI_TOKEN`), and, at a terminal,
/// a prompt that does not echo.
struct TokenOptions: ParsableArguments {
    @Option(help: ArgumentHelp("设备令牌; 写 - 从标准输入读取。直接写在命令行上时本机其他用户可以看到, 建议改用 --token-file 或环境变量 GONGKAI_TOKEN",
                               valueName: "TOKEN"))
    var token: String?
    @Option(name: .customLong("token-file"), help: ArgumentHelp("从文件读取设备令牌 (文件里只有令牌一行)", valueName: "FILE"))
    var tokenFile: String?

    /// The token given, or nil when none is.
    func given(environment variable: String = "GONGKAI_TOKEN") throws -> String? {
        try TokenInput.read(value: token, file: tokenFile, environment: variable, option: "--token")
    }
}

enum TokenInput {
    /// A token from a value (`-`: standard input), a file, or an environment variable, in that
    /// order; nil when none of them gives one.
    static func read(value: String?, file: String?, environment variable: String, option: String) throws -> String? {
        if value != nil && file != nil { throw CLIError.usage("\(option) 和 \(option)-file 只能选一个") }
        if value == "-" {
            guard let line = readLine(strippingNewline: true), !line.trimmingCharacters(in: .whitespaces).isEmpty else {
                throw CLIError.usage("\(option) - 从标准输入读取令牌, 但没有读到; 例如: cat 令牌.txt | gongkai … \(option) -")
            }
            return line.trimmingCharacters(in: .whitespaces)
        }
        if let value {
            Terminal.error("注意: 令牌写在命令行上, 本机其他用户可以看到 (ps); 以后请用 \(option)-file 文件、\(option) - (标准输入) 或环境变量 \(variable)")
            return value
        }
        if let file {
            guard let data = FileManager.default.contents(atPath: file) else { throw CLIError.failure("无法读取令牌文件 \(file)") }
            let token = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            guard !token.isEmpty, !token.contains("\n") else { throw CLIError.failure("令牌文件 \(file) 应只有令牌一行") }
            return token
        }
        return Environment.value(variable)
    }

    /// At a terminal, the token typed without echo; nil when no one is at a terminal.
    static func prompt(_ label: String) -> String? {
        guard Terminal.stdinIsInteractive else { return nil }
        var saved = termios()
        guard tcgetattr(STDIN_FILENO, &saved) == 0 else { return nil }
        var quiet = saved
        quiet.c_lflag &= ~tcflag_t(ECHO)
        tcsetattr(STDIN_FILENO, TCSANOW, &quiet)
        defer {
            tcsetattr(STDIN_FILENO, TCSANOW, &saved)
            FileHandle.standardError.write(Data("\n".utf8))
        }
        FileHandle.standardError.write(Data(label.utf8))
        let line = readLine(strippingNewline: true)?.trimmingCharacters(in: .whitespaces)
        return line?.isEmpty == false ? line : nil
    }
}
