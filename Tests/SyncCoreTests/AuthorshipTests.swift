import SyncCore
import Testing

/// What a pushing device may claim about a record, against what the server holds.
@Suite("Authorship: a device may bring only its own changes")
struct AuthorshipTests {
    static let own = SiteID("00000000000000a1")!
    static let other = SiteID("00000000000000b2")!
    static let authority = PushAuthority(ownSites: [own], counterCeiling: 1_000)

    static func entry(_ site: SiteID, _ counter: UInt64, _ value: String) -> FieldEntry {
        FieldEntry(dot: Dot(site: site, counter: counter), value: value, writtenAt: 1)
    }

    static func version(_ clock: [SiteID: UInt64], _ fields: [String: [FieldEntry]]) -> RecordVersion {
        RecordVersion(clock: VersionVector(clock), fields: fields.mapValues(FieldRegister.init))
    }

    /// The server holds: `other` wrote title (5), `own` wrote amount (3).
    static let stored = version([other: 5, own: 3], ["title": [entry(other, 5, "甲")], "amount": [entry(own, 3, "1")]])

    @Test("what a device may push", arguments: [
        ("a new record of its own", nil, version([own: 7], ["title": [entry(own, 7, "乙")]]), nil),
        ("its own edit over what it pulled", stored, version([other: 5, own: 8], ["title": [entry(own, 8, "乙")], "amount": [entry(own, 3, "1")]]), nil),
        ("its own edit, carrying another site's change as the server holds it", stored,
         version([other: 5, own: 8], ["title": [entry(other, 5, "甲")], "amount": [entry(own, 8, "2")]]), nil),
        ("an older state that carries another site's change the server has since overwritten", version([other: 9, own: 3], ["title": [entry(other, 9, "丙")]]),
         version([other: 5, own: 8], ["title": [entry(other, 5, "甲")], "amount": [entry(own, 8, "2")]]), nil),
        ("its own change just under the ceiling", nil, version([own: 1_000], ["title": [entry(own, 1_000, "乙")]]), nil),
    ] as [(String, RecordVersion?, RecordVersion, AuthorshipProblem?)])
    func allowed(_ name: String, stored: RecordVersion?, pushed: RecordVersion, expected: AuthorshipProblem?) {
        #expect(pushed.authorshipProblem(against: stored, authority: Self.authority) == expected, "\(name)")
    }

    @Test("what a device may not push", arguments: [
        ("a new record claiming another site's change", nil, version([other: 1], ["title": [entry(other, 1, "乙")]]),
         AuthorshipProblem.unknownChange(Dot(site: other, counter: 1))),
        ("a change of another site the server never saw", stored, version([other: 6, own: 3], ["title": [entry(other, 6, "伪")], "amount": [entry(own, 3, "1")]]),
         .unknownChange(Dot(site: other, counter: 6))),
        ("having seen more of another site than the server holds", stored, version([other: 999, own: 8], ["amount": [entry(own, 8, "2")]]),
         .unknownChange(Dot(site: other, counter: 999))),
        ("another site's change with other content", stored, version([other: 5, own: 3], ["title": [entry(other, 5, "伪")], "amount": [entry(own, 3, "1")]]),
         .alteredChange(Dot(site: other, counter: 5), field: "title")),
        ("its own change far beyond the server's counter", nil, version([own: 1_001], ["title": [entry(own, 1_001, "乙")]]),
         .counterJump(Dot(site: own, counter: 1_001), ceiling: 1_000)),
    ] as [(String, RecordVersion?, RecordVersion, AuthorshipProblem)])
    func refused(_ name: String, stored: RecordVersion?, pushed: RecordVersion, expected: AuthorshipProblem) {
        #expect(pushed.authorshipProblem(against: stored, authority: Self.authority) == expected, "\(name)")
    }

    @Test("a replica trusted as it says (the server's own file, in process) may push anything the wire allows")
    func trusted() {
        let forged = Self.version([Self.other: 6], ["title": [Self.entry(Self.other, 6, "伪")]])
        #expect(forged.authorshipProblem(against: Self.stored, authority: .trusted) == nil)
        #expect(forged.authorshipProblem(against: Self.stored, authority: Self.authority) != nil)
    }

    @Test("an own change already on the server is not held to the ceiling")
    func oldOwnChanges() {
        let authority = PushAuthority(ownSites: [Self.own], counterCeiling: 2)
        #expect(Self.stored.authorshipProblem(against: Self.stored, authority: authority) == nil)
    }
}

@Suite("Forked histories, field by field")
struct DivergencesTests {
    @Test("every field whose history forked is listed, in field order, whatever order a merge would meet them in")
    func allForks() {
        let (x, y) = (SiteID("00000000000000a1")!, SiteID("00000000000000b2")!)
        func entry(_ site: SiteID, _ value: String) -> FieldEntry { FieldEntry(dot: Dot(site: site, counter: 3), value: value, writtenAt: 1) }
        let clock = VersionVector([x: 3, y: 3])
        let left = RecordVersion(clock: clock, fields: ["b": FieldRegister([entry(y, "1")]), "a": FieldRegister([entry(x, "1")]),
                                                        "c": FieldRegister([entry(x, "same")])])
        let right = RecordVersion(clock: clock, fields: ["b": FieldRegister([entry(y, "2")]), "a": FieldRegister([entry(x, "2")]),
                                                         "c": FieldRegister([entry(x, "same")])])
        #expect(throws: DivergentHistory.self) { try RecordVersion.merge(left, right) }
        let forks = RecordVersion.divergences(left, right)
        #expect(forks.map(\.field) == ["a", "b"])
        #expect(forks.map(\.site) == [x, y])
        #expect(RecordVersion.divergences(left, left).isEmpty)
    }
}
