/// What a server did with its device tokens, kept in a file beside its database and never in
/// it, so that putting an older copy of the database back (a restore) cannot undo a revocation
/// or forget a token issued since: each line one event, tab-separated.
///
///     issued   HASH  UNIT  RELAY(0|1)  SEALED-BUNDLE-KEY(or -)  TIME
///     revoked  HASH  TIME
///     restored FROM  TIME
public enum TokenJournal {
    public struct Issued: Sendable, Equatable {
        public let hash: String
        public let unit: String
        public let relays: Bool
        public let sealedKey: String?
        public let at: Int64

        public init(hash: String, unit: String, relays: Bool, sealedKey: String?, at: Int64) {
            (self.hash, self.unit, self.relays, self.sealedKey, self.at) = (hash, unit, relays, sealedKey, at)
        }
    }

    public enum Entry: Sendable, Equatable {
        case issued(Issued)
        case revoked(hash: String, at: Int64)
        /// The database was put back from a copy (`admin restore`, or found so when the journal
        /// was applied).
        case restored(from: String, at: Int64)
    }

    public static func line(_ entry: Entry) -> String {
        switch entry {
        case .issued(let token):
            ["issued", token.hash, token.unit, token.relays ? "1" : "0", token.sealedKey ?? "-", String(token.at)].joined(separator: "\t")
        case .revoked(let hash, let at): ["revoked", hash, String(at)].joined(separator: "\t")
        case .restored(let from, let at): ["restored", from.replacingOccurrences(of: "\t", with: " ").replacingOccurrences(of: "\n", with: " "), String(at)].joined(separator: "\t")
        }
    }

    /// The entries of a journal's text, and the numbers of lines that are not entries (a line
    /// cut by a crash while it was written: the event it began was not done).
    public static func entries(_ text: String) -> (entries: [Entry], damaged: [Int]) {
        var entries: [Entry] = []
        var damaged: [Int] = []
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() where !line.isEmpty {
            let parts = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            switch (parts.first, parts.count) {
            case ("issued", 6):
                guard let at = Int64(parts[5]), DeviceToken.isHash(parts[1]), parts[3] == "0" || parts[3] == "1" else { damaged.append(index + 1); continue }
                entries.append(.issued(Issued(hash: parts[1], unit: parts[2], relays: parts[3] == "1", sealedKey: parts[4] == "-" ? nil : parts[4], at: at)))
            case ("revoked", 3):
                guard let at = Int64(parts[2]), DeviceToken.isHash(parts[1]) else { damaged.append(index + 1); continue }
                entries.append(.revoked(hash: parts[1], at: at))
            case ("restored", 3):
                guard let at = Int64(parts[2]) else { damaged.append(index + 1); continue }
                entries.append(.restored(from: parts[1], at: at))
            default:
                damaged.append(index + 1)
            }
        }
        return (entries, damaged)
    }

    /// What the database must be told so that it agrees with the journal: the tokens it does not
    /// hold (issued after the copy it was restored from was taken), and the revocations it lacks.
    /// `held`: each token hash the database holds, with when it was revoked (nil: valid).
    public struct Plan: Sendable, Equatable {
        public var reinstate: [Issued] = []
        public var revoke: [(hash: String, at: Int64)] = []

        public var isEmpty: Bool { reinstate.isEmpty && revoke.isEmpty }

        public static func == (left: Plan, right: Plan) -> Bool {
            left.reinstate == right.reinstate && left.revoke.map(\.hash) == right.revoke.map(\.hash) && left.revoke.map(\.at) == right.revoke.map(\.at)
        }
    }

    public static func plan(_ entries: [Entry], held: [String: Int64?]) -> Plan {
        var plan = Plan()
        var revoked: [String: Int64] = [:]
        for case .revoked(let hash, let at) in entries where revoked[hash] == nil { revoked[hash] = at }
        for case .issued(let token) in entries where held[token.hash] == nil && !plan.reinstate.contains(where: { $0.hash == token.hash }) {
            plan.reinstate.append(token)
        }
        for (hash, at) in revoked.sorted(by: { $0.key < $1.key }) {
            let known = held[hash] != nil || plan.reinstate.contains { $0.hash == hash }
            if known, (held[hash] ?? nil) == nil { plan.revoke.append((hash, at)) }
        }
        return plan
    }

    /// When the database was last restored, as the journal says.
    public static func lastRestore(_ entries: [Entry]) -> (from: String, at: Int64)? {
        for case .restored(let from, let at) in entries.reversed() { return (from, at) }
        return nil
    }
}
