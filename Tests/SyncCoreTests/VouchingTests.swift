import SyncCore
import Testing

/// Versions held back after a restore: taken when every change in them is shown by its own
/// device, never on one device's word for another's change.
@Suite("Vouching: held versions taken once each site's own device has shown its part")
struct VouchingTests {
    static let a = SiteID("00000000000000a1")!
    static let b = SiteID("00000000000000b2")!
    static let c = SiteID("00000000000000c3")!

    static func entry(_ site: SiteID, _ counter: UInt64, _ value: String) -> FieldEntry {
        FieldEntry(dot: Dot(site: site, counter: counter), value: value, writtenAt: 1)
    }

    static func version(_ clock: [SiteID: UInt64], _ fields: [String: [FieldEntry]]) -> RecordVersion {
        RecordVersion(clock: VersionVector(clock), fields: fields.mapValues(FieldRegister.init))
    }

    static func held(_ site: SiteID, _ version: RecordVersion) -> HeldVersion { HeldVersion(pusher: site, sites: [site], version: version) }

    /// a wrote the applicant, b the content; both laptops hold the merge.
    static let both = version([a: 1, b: 1], ["applicant": [entry(a, 1, "甲")], "content": [entry(b, 1, "林地")]])

    @Test("one laptop alone cannot bring the other's change; with the other's own version both are taken, merged")
    func twoLaptops() {
        // Given a restored server that holds nothing of the record
        // When only a pushes its merged version
        let alone = Vouching.resolve(stored: nil, held: [Self.held(Self.a, Self.both)])
        // Then nothing is taken
        #expect(alone.merged == nil && alone.vouched.isEmpty && alone.forged.isEmpty)
        // When b pushes the same merged version too
        let together = Vouching.resolve(stored: nil, held: [Self.held(Self.a, Self.both), Self.held(Self.b, Self.both)])
        // Then both are taken, as the merge
        #expect(together.merged == Self.both)
        #expect(together.vouched == [Self.a, Self.b])
    }

    @Test("three laptops: taken only when the third has shown its part")
    func threeLaptops() {
        let all = Self.version([Self.a: 1, Self.b: 1, Self.c: 2], ["applicant": [Self.entry(Self.a, 1, "甲")], "content": [Self.entry(Self.b, 1, "林地")],
                                                                    "channel": [Self.entry(Self.c, 2, "网站")]])
        let twoOfThree = Vouching.resolve(stored: nil, held: [Self.held(Self.a, all), Self.held(Self.b, all)])
        #expect(twoOfThree.merged == nil)
        let three = Vouching.resolve(stored: nil, held: [Self.held(Self.a, all), Self.held(Self.b, all), Self.held(Self.c, all)])
        #expect(three.merged == all && three.vouched.count == 3)
    }

    @Test("a laptop that edited again after the merge: its newer version and the other's older one merge to the newer")
    func editedSince() {
        // a overwrote b's content after pulling it (a:2); b still holds the merge of a:1 and b:1.
        let newer = Self.version([Self.a: 2, Self.b: 1], ["applicant": [Self.entry(Self.a, 1, "甲")], "content": [Self.entry(Self.a, 2, "林地承包")]])
        let resolution = Vouching.resolve(stored: nil, held: [Self.held(Self.a, newer), Self.held(Self.b, Self.both)])
        #expect(resolution.merged == newer)
    }

    @Test("a change of another site taken only as far as that site's device has shown it")
    func beyondWhatWasShown() {
        // a claims b reached 5; b's own device shows 1.
        let claim = Self.version([Self.a: 1, Self.b: 5], ["applicant": [Self.entry(Self.a, 1, "甲")], "content": [Self.entry(Self.b, 5, "伪造")]])
        let resolution = Vouching.resolve(stored: nil, held: [Self.held(Self.a, claim), Self.held(Self.b, Self.both)])
        // b's own version needs a's part, which only a's claim shows: neither is taken.
        #expect(resolution.merged == nil)
        // b's own version of a record a never touched is taken alone; a's claim is not.
        let bOnly = Self.version([Self.b: 1], ["content": [Self.entry(Self.b, 1, "林地")]])
        let alone = Vouching.resolve(stored: nil, held: [Self.held(Self.a, claim), Self.held(Self.b, bOnly)])
        #expect(alone.merged == bOnly && alone.vouched == [Self.b])
    }

    @Test("another site's change with other content than its own device showed is a forgery, named")
    func alteredContent() {
        let forged = Self.version([Self.a: 1, Self.b: 1], ["applicant": [Self.entry(Self.a, 1, "甲")], "content": [Self.entry(Self.b, 1, "伪造")]])
        let resolution = Vouching.resolve(stored: nil, held: [Self.held(Self.a, forged), Self.held(Self.b, Self.both)])
        #expect(resolution.forged.keys.sorted(by: { $0.rawValue < $1.rawValue }) == [Self.a])
        #expect(resolution.merged == nil)
    }

    @Test("two devices of one dishonest village cannot vouch for a third site's change between them")
    func collusion() {
        let claim = Self.version([Self.a: 1, Self.b: 1, Self.c: 9], ["applicant": [Self.entry(Self.a, 1, "甲")], "content": [Self.entry(Self.c, 9, "伪造")]])
        let resolution = Vouching.resolve(stored: nil, held: [Self.held(Self.a, claim), Self.held(Self.b, claim)])
        #expect(resolution.merged == nil)
    }

    @Test("what the server already holds needs no device to show it")
    func storedPart() {
        let stored = Self.version([Self.a: 1], ["applicant": [Self.entry(Self.a, 1, "甲")]])
        let resolution = Vouching.resolve(stored: stored, held: [Self.held(Self.b, Self.both)])
        #expect(resolution.merged == Self.both && resolution.vouched == [Self.b])
    }
}
