/// Failures of the command line itself. Exit code 2 for wrong usage, 1 for what the user can fix.
enum CLIError: Error, CustomStringConvertible {
    /// Wrong usage: a missing or malformed argument (exit 2).
    case usage(String)
    /// A failure the user can fix (exit 1).
    case failure(String)

    var description: String {
        switch self {
        case .usage(let message), .failure(let message): message
        }
    }
}
