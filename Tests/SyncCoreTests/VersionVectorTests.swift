import SyncCore
import Testing

let siteA = SiteID("aaaaaaaaaaaaaaaa")!
let siteB = SiteID("bbbbbbbbbbbbbbbb")!
let siteC = SiteID("cccccccccccccccc")!

func vector(_ pairs: [(SiteID, UInt64)]) -> VersionVector {
    VersionVector(Dictionary(uniqueKeysWithValues: pairs))
}

@Suite("Version vectors")
struct VersionVectorTests {
    @Test("causal comparison", arguments: [
        ([], [], Causality.equal),
        ([(siteA, 1)], [(siteA, 1)], .equal),
        ([(siteA, 1)], [(siteA, 2)], .before),
        ([(siteA, 2)], [(siteA, 1)], .after),
        ([], [(siteA, 1)], .before),
        ([(siteA, 1), (siteB, 3)], [(siteA, 1)], .after),
        ([(siteA, 2)], [(siteB, 1)], .concurrent),
        ([(siteA, 2), (siteB, 1)], [(siteA, 1), (siteB, 2)], .concurrent),
        ([(siteA, 1), (siteB, 1), (siteC, 1)], [(siteA, 1), (siteB, 1), (siteC, 1)], .equal),
    ] as [([(SiteID, UInt64)], [(SiteID, UInt64)], Causality)])
    func comparison(left: [(SiteID, UInt64)], right: [(SiteID, UInt64)], expected: Causality) {
        #expect(vector(left).compare(vector(right)) == expected)
    }

    @Test("merged is the least upper bound: after or equal to both sides")
    func merged() {
        let left = vector([(siteA, 3), (siteB, 1)])
        let right = vector([(siteB, 4), (siteC, 2)])
        let both = left.merged(with: right)
        #expect(both == vector([(siteA, 3), (siteB, 4), (siteC, 2)]))
        #expect([Causality.after, .equal].contains(both.compare(left)))
        #expect(both.compare(right) == .after)
    }

    @Test("the encoded form is sorted by site and reads back")
    func encoding() {
        let original = vector([(siteC, 2), (siteA, 10)])
        #expect(original.encoded == "aaaaaaaaaaaaaaaa:10,cccccccccccccccc:2")
        #expect(VersionVector(encoded: original.encoded) == original)
        #expect(VersionVector(encoded: "") == VersionVector())
    }

    @Test("malformed encodings are refused", arguments: ["x", "aaaaaaaaaaaaaaaa", "aaaaaaaaaaaaaaaa:", "aaaaaaaaaaaaaaaa:0",
                                                         "aaaaaaaaaaaaaaaa:1,aaaaaaaaaaaaaaaa:2", "AAAAAAAAAAAAAAAA:1", "aaaa:1",
                                                         "aaaaaaaaaaaaaaaa:1,", ",aaaaaaaaaaaaaaaa:1", "aaaaaaaaaaaaaaaa:1x", "aaaaaaaaaaaaaaaa:+1",
                                                         "aaaaaaaaaaaaaaaa:18446744073709551616", "aaaaaaaaaaaaaaaa:1;bbbbbbbbbbbbbbbb:1"])
    func malformed(text: String) {
        #expect(VersionVector(encoded: text) == nil)
    }
}

@Suite("Compact form of a version")
struct CompactFormTests {
    static let vv = "aaaaaaaaaaaaaaaa:3,bbbbbbbbbbbbbbbb:1"

    @Test("a well-formed clock reads as each field's standing entry")
    func reads() throws {
        let version = try #require(RecordVersion(compact: CompactVersion(
            vv: Self.vv, clock: "aaaaaaaaaaaaaaaa:3:-5=a,b;bbbbbbbbbbbbbbbb:1:9223372036854775807=c", values: ["a": "x", "c": "z"], siblings: [])))
        #expect(version.fields["a"]?.first == FieldEntry(dot: Dot(site: SiteID("aaaaaaaaaaaaaaaa")!, counter: 3), value: "x", writtenAt: -5))
        #expect(version.fields["b"]?.first?.value == nil)
        #expect(version.fields["c"]?.first == FieldEntry(dot: Dot(site: SiteID("bbbbbbbbbbbbbbbb")!, counter: 1), value: "z", writtenAt: .max))
        // Written back in canonical order: groups by dot (counter, then site).
        #expect(version.compact.clock == "bbbbbbbbbbbbbbbb:1:9223372036854775807=c;aaaaaaaaaaaaaaaa:3:-5=a,b")
    }

    @Test("a malformed clock is refused", arguments: [
        "aaaaaaaaaaaaaaaa:3:1=a;", "aaaaaaaaaaaaaaaa:3:1=a,", "aaaaaaaaaaaaaaaa:3:1=", "aaaaaaaaaaaaaaaa:3:1", "aaaaaaaaaaaaaaaa:3=a",
        "aaaaaaaaaaaaaaaa:0:1=a", "aaaaaaaaaaaaaaaa:3:x=a", "aaaaaaaaaaaaaaaa:3:1=a,a", "aaaaaaaaaaaaaaaa:3:1=a;aaaaaaaaaaaaaaaa:3:1=a",
        "aaaaaaaaaaaaaaaa:3:9223372036854775808=a", "AAAAAAAAAAAAAAAA:3:1=a", ";aaaaaaaaaaaaaaaa:3:1=a", "aaaaaaaaaaaaaaaa:3:1=b",
    ])
    func malformed(clock: String) {
        // "b" alone leaves the value of "a" without an entry.
        #expect(RecordVersion(compact: CompactVersion(vv: Self.vv, clock: clock, values: ["a": "x"], siblings: [])) == nil)
    }
}

@Suite("Local writes")
struct LocalWriteTests {
    @Test("a new record writes every given field with one dot and is live")
    func created() {
        let dot = Dot(site: siteA, counter: 1)
        let version = RecordVersion.created(["title": "t", "body": nil], dot: dot, at: 100)
        #expect(version.clock == vector([(siteA, 1)]))
        #expect(version.value("title") == "t")
        #expect(version.fields["body"]?.standing(in: "body").dot == dot)
        #expect(!version.isDeleted)
        #expect(version.conflictedFields.isEmpty)
    }

    @Test("only fields whose value changes count as written")
    func changedFields() {
        let version = RecordVersion.created(["title": "t", "body": nil], dot: Dot(site: siteA, counter: 1), at: 100)
        #expect(version.changedFields(["title": "t", "body": nil]).isEmpty)
        #expect(version.changedFields(["title": "u", "body": nil]) == ["title": "u"])
        #expect(version.changedFields(["body": "b"]) == ["body": "b"])
        #expect(version.changedFields(["title": nil]) == ["title": nil])
        #expect(version.changedFields(["new_field": nil]).isEmpty)
    }

    @Test("an edit supersedes the field's entries and advances only this site's counter")
    func edit() {
        let created = RecordVersion.created(["title": "t", "body": nil], dot: Dot(site: siteA, counter: 1), at: 100)
        let edited = created.writing(["title": "u"], dot: Dot(site: siteB, counter: 7), at: 50)
        #expect(edited.clock == vector([(siteA, 1), (siteB, 7)]))
        #expect(edited.fields["title"]?.entries.count == 1)
        #expect(edited.fields["title"]?.standing(in: "title").dot == Dot(site: siteB, counter: 7))
        #expect(edited.fields["body"]?.standing(in: "body").dot == Dot(site: siteA, counter: 1))
        #expect(edited.compare(created) == .after)
    }

    @Test("a delete is a versioned tombstone that keeps the values")
    func delete() {
        let created = RecordVersion.created(["title": "t"], dot: Dot(site: siteA, counter: 1), at: 100)
        let deleted = created.deleting(dot: Dot(site: siteA, counter: 2), at: 101)
        #expect(deleted.isDeleted)
        #expect(deleted.value("title") == "t")
        #expect(deleted.clock[siteA] == 2)
        let restored = deleted.writing([:], dot: Dot(site: siteA, counter: 3), at: 102)
        #expect(!restored.isDeleted)
    }
}

extension RecordVersion {
    func compare(_ other: RecordVersion) -> Causality { clock.compare(other.clock) }
}
