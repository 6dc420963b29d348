import Foundation
import SyncCore

/// How a held version (`HeldVersion`) is kept in a row by either store: its version as the
/// compact form in one JSON object, and the sites its pusher speaks for as a comma-separated
/// list.
public enum HeldVersionText {
    private struct Form: Codable {
        let vv: String
        let clock: String
        let values: [String: String]
        let siblings: [CompactVersion.Sibling]
    }

    public static func version(_ version: RecordVersion) -> String {
        let compact = version.compact
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let form = Form(vv: compact.vv, clock: compact.clock, values: compact.values, siblings: compact.siblings)
        return String(decoding: try! encoder.encode(form), as: UTF8.self)
    }

    public static func version(from text: String) -> RecordVersion? {
        guard let form = try? JSONDecoder().decode(Form.self, from: Data(text.utf8)) else { return nil }
        return RecordVersion(compact: CompactVersion(vv: form.vv, clock: form.clock, values: form.values, siblings: form.siblings))
    }

    public static func sites(_ sites: Set<SiteID>) -> String { sites.map(\.rawValue).sorted().joined(separator: ",") }

    public static func sites(from text: String) -> Set<SiteID>? {
        var sites: Set<SiteID> = []
        for part in text.split(separator: ",") {
            guard let site = SiteID(String(part)) else { return nil }
            sites.insert(site)
        }
        return sites
    }

    /// A held row as the stores read it back; nil when damaged (such a row is dropped, never
    /// merged: the pusher sends its version again on its next sync).
    public static func held(pusher: String, sites: String, version: String) -> HeldVersion? {
        guard let pusher = SiteID(pusher), let sites = self.sites(from: sites), let version = self.version(from: version) else { return nil }
        return HeldVersion(pusher: pusher, sites: sites, version: version)
    }
}
