import ArgumentParser
@testable import CLI
import Testing

/// `sync` and `status` are parsed by their own type (no tree of every command built first);
/// what comes out must be what the root would have made of the same arguments.
@Suite("The commands parsed directly")
struct DirectParseTests {
    @Test("a command parsed by its own type holds what the root's parse holds", arguments: [
        ["sync"],
        ["sync", "--db", "a.sqlite", "--server", "http://192.168.1.10:8080", "--token", "gk_direct"],
        ["sync", "--batch-size", "17", "--attempts", "2", "--stall-timeout", "9", "--progress", "--no-remember"],
        ["sync", "--with", "/media/usb/town.sqlite", "--cacert", "ca.pem"],
        ["status"],
        ["status", "--json", "--db", "b.sqlite"],
    ])
    func sameCommand(arguments: [String]) throws {
        // Given arguments a village's script would run; When parsed both ways
        let direct = try GongkaiMain.parse(arguments)
        let root = try Gongkai.parseAsRoot(arguments)
        // Then the same command with the same values
        #expect(ObjectIdentifier(type(of: direct)) == ObjectIdentifier(type(of: root)))
        #expect(String(describing: direct) == String(describing: root))
        for value in arguments.dropFirst() where !value.hasPrefix("--") {
            #expect(String(describing: direct).contains(value), "\(value) is not in \(direct)")
        }
    }

    @Test("help, a completion script and mistakes are the root's to answer", arguments: [
        ["sync", "help"], ["sync", "--help"], ["sync", "-h"], ["sync", "--bogus"], ["sync", "--batch-size", "many"],
        ["status", "--version"], ["status", "extra"], ["sync", "--generate-completion-script", "bash"],
    ])
    func sameAnswer(arguments: [String]) throws {
        // Given arguments that are no command to run; When parsed both ways
        let direct = outcome { try GongkaiMain.parse(arguments) }
        let root = outcome { try Gongkai.parseAsRoot(arguments) }
        // Then the same answer: the root's help for `gongkai sync`, or the same error and exit code
        #expect(direct == root)
        #expect(!direct.contains("SyncCommand(") && !direct.contains("StatusCommand("), "\(arguments) was taken as a command to run")
    }

    /// What a parse gives, as text: the command it made, or the message and exit code of its error.
    func outcome(_ parse: () throws -> any ParsableCommand) -> String {
        do {
            return String(describing: try parse())
        } catch {
            return "\(Gongkai.exitCode(for: error).rawValue): \(Gongkai.fullMessage(for: error))"
        }
    }
}
