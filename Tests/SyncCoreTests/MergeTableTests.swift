import SyncCore
import Testing

/// Given/When/Then on one record and two sites.
@Suite("Merging two versions of a record")
struct MergeTableTests {
    let created = RecordVersion.created(["title": "原标题", "body": "正文"], dot: Dot(site: siteA, counter: 1), at: 100)

    @Test("a version that dominates wins, in either order")
    func dominates() throws {
        // Given A's record, and B's edit made after receiving it
        let edited = created.writing(["title": "新标题"], dot: Dot(site: siteB, counter: 1), at: 200)
        // When they merge
        let one = try RecordVersion.merge(created, edited)
        let two = try RecordVersion.merge(edited, created)
        // Then the edit stands, with no conflict
        #expect(one == edited)
        #expect(two == edited)
        #expect(one.conflictedFields.isEmpty)
    }

    @Test("concurrent edits of different fields both survive, without conflict")
    func disjointFields() throws {
        let onA = created.writing(["title": "A 的标题"], dot: Dot(site: siteA, counter: 2), at: 200)
        let onB = created.writing(["body": "B 的正文"], dot: Dot(site: siteB, counter: 1), at: 200)
        let merged = try RecordVersion.merge(onA, onB)
        #expect(merged.value("title") == "A 的标题")
        #expect(merged.value("body") == "B 的正文")
        #expect(merged.conflictedFields.isEmpty)
        #expect(merged.clock == vector([(siteA, 2), (siteB, 1)]))
    }

    @Test("concurrent edits of one field: a deterministic value stands, the other is kept as a conflict")
    func sameField() throws {
        let onA = created.writing(["title": "A 的标题"], dot: Dot(site: siteA, counter: 2), at: 999_999)
        let onB = created.writing(["title": "B 的标题"], dot: Dot(site: siteB, counter: 5), at: 1)
        let merged = try RecordVersion.merge(onA, onB)
        #expect(try RecordVersion.merge(onB, onA) == merged)
        // The higher dot (counter 5) stands although its wall clock is far earlier.
        #expect(merged.value("title") == "B 的标题")
        #expect(merged.conflictedFields == ["title"])
        #expect(merged.fields["title"]?.losers(in: "title").map(\.value) == ["A 的标题"])
    }

    @Test("a write that has seen the conflict settles it everywhere")
    func resolution() throws {
        let onA = created.writing(["title": "A 的标题"], dot: Dot(site: siteA, counter: 2), at: 200)
        let onB = created.writing(["title": "B 的标题"], dot: Dot(site: siteB, counter: 1), at: 200)
        let conflicted = try RecordVersion.merge(onA, onB)
        let resolved = conflicted.writing(["title": "A 的标题"], dot: Dot(site: siteC, counter: 1), at: 300)
        #expect(resolved.conflictedFields.isEmpty)
        #expect(try RecordVersion.merge(resolved, onB) == resolved)
        #expect(try RecordVersion.merge(onA, resolved) == resolved)
    }

    @Test("a delete concurrent with an edit is a conflict; the edit is kept and the record stays visible")
    func deleteVersusEdit() throws {
        let deleted = created.deleting(dot: Dot(site: siteA, counter: 2), at: 200)
        let edited = created.writing(["body": "补充说明"], dot: Dot(site: siteB, counter: 1), at: 200)
        let merged = try RecordVersion.merge(deleted, edited)
        #expect(try RecordVersion.merge(edited, deleted) == merged)
        #expect(!merged.isDeleted)
        #expect(merged.value("body") == "补充说明")
        #expect(merged.conflictedFields == [deletedField])
    }

    @Test("concurrent deletes agree: deleted, no conflict")
    func deleteVersusDelete() throws {
        let one = created.deleting(dot: Dot(site: siteA, counter: 2), at: 200)
        let two = created.deleting(dot: Dot(site: siteB, counter: 1), at: 200)
        let merged = try RecordVersion.merge(one, two)
        #expect(merged.isDeleted)
        #expect(merged.conflictedFields.isEmpty)
    }

    @Test("re-creating after a delete that was seen brings the record back, without conflict")
    func recreateAfterDelete() throws {
        let deleted = created.deleting(dot: Dot(site: siteA, counter: 2), at: 200)
        let recreated = deleted.writing(["title": "重新发布"], dot: Dot(site: siteB, counter: 1), at: 300)
        let merged = try RecordVersion.merge(deleted, recreated)
        #expect(!merged.isDeleted)
        #expect(merged.value("title") == "重新发布")
        #expect(merged.conflictedFields.isEmpty)
        #expect(merged == recreated)
    }

    @Test("an edit that saw a delete cannot be undone by the delete arriving again")
    func staleDeleteArrivesLate() throws {
        let deleted = created.deleting(dot: Dot(site: siteA, counter: 2), at: 200)
        let restored = deleted.writing([:], dot: Dot(site: siteA, counter: 3), at: 300)
        #expect(try RecordVersion.merge(restored, deleted) == restored)
    }

    @Test("merging with itself changes nothing")
    func idempotent() throws {
        let onA = created.writing(["title": "A"], dot: Dot(site: siteA, counter: 2), at: 200)
        let onB = created.writing(["title": "B"], dot: Dot(site: siteB, counter: 1), at: 200)
        let conflicted = try RecordVersion.merge(onA, onB)
        #expect(try RecordVersion.merge(conflicted, conflicted) == conflicted)
        #expect(try RecordVersion.merge(conflicted, onA) == conflicted)
    }

    @Test("one change with two contents (a copied replica) is refused")
    func sameDotTwoContents() {
        let one = created.writing(["title": "原件"], dot: Dot(site: siteA, counter: 2), at: 200)
        let copy = created.writing(["title": "副本"], dot: Dot(site: siteA, counter: 2), at: 200)
        #expect(throws: DivergentHistory.self) { try RecordVersion.merge(one, copy) }
    }

    @Test("a copy that claims to have seen a newer write while holding an older one is refused")
    func restoredCopy() throws {
        // Given: the original wrote the title at A:2; a backup copy from A:1 went on to write the
        // body at A:3, so it claims A:3 and still holds the title of A:1.
        let original = created.writing(["title": "新标题"], dot: Dot(site: siteA, counter: 2), at: 200)
        let restored = created.writing(["body": "备份后写的"], dot: Dot(site: siteA, counter: 3), at: 200)
        #expect(throws: DivergentHistory.self) { try RecordVersion.merge(original, restored) }
        #expect(throws: DivergentHistory.self) { try RecordVersion.merge(restored, original) }
    }
}
