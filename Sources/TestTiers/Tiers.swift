import Foundation
import Testing

// Which tests need more than a compiler and a few seconds. `swift test` runs them all (CI does);
// `GONGKAI_FAST=1 swift test` leaves out every test marked `.fullSuiteOnly`, for daily work.

extension Tag {
    /// Takes more than a few seconds: fault injection, fuzzing, large syncs, property runs.
    @Tag public static var slow: Self
    /// Needs root: mounts a small tmpfs, or runs a command as another user.
    @Tag public static var privileged: Self
    /// Needs headless Chromium.
    @Tag public static var browser: Self
    /// Needs another system tool (openssl).
    @Tag public static var systemTool: Self
}

/// The tier a test run is in, from the environment.
public enum TestTier {
    /// `GONGKAI_FAST=1`: the fast tier.
    public static let isFast = ProcessInfo.processInfo.environment["GONGKAI_FAST"] == "1"
}

extension Trait where Self == ConditionTrait {
    /// Runs in the full suite only (`swift test`), not in the fast tier (`GONGKAI_FAST=1 swift test`).
    public static var fullSuiteOnly: Self {
        .disabled(if: TestTier.isFast, "the fast tier (GONGKAI_FAST=1) leaves it out; swift test runs it")
    }
}
