import RecordRules
import Records
@testable import Storage
import SyncCore
import Testing
import TestSupport


@Suite("Capturing records one at a time")
struct CaptureTests {
    @Test("a created record is stored normalized, with one dot of this site")
    func create() throws {
        let scratch = Scratch()
        let replica = try makeReplica(scratch)
        let record = try replica.records.create(.notices, id: "n1", input: noticeInput, now: 1_600_000_001)
        #expect(record.values == ["title": "低保公示", "category": "livelihood", "channel": "portal;bulletin_board", "published_on": "2020-05-01"])
        #expect(record.unit == village.code)
        #expect(record.version.clock.encoded == "\(siteOne.rawValue):1")
        #expect(try counters(replica) == (1, 1))
    }

    @Test("an edit that changes nothing writes nothing: no new dot, no new sequence number")
    func unchangedEdit() throws {
        let scratch = Scratch()
        let replica = try makeReplica(scratch)
        _ = try replica.records.create(.notices, id: "n1", input: noticeInput, now: 1_600_000_001)
        let before = try fingerprint(replica)
        let (_, result) = try replica.records.update(.notices, id: "n1", input: ["title": " 低保公示 ", "category": "livelihood"], now: 1_600_000_002)
        #expect(result == .unchanged)
        #expect(try fingerprint(replica) == before)
    }

    @Test("an edit writes only the changed fields, with a new dot")
    func edit() throws {
        let scratch = Scratch()
        let replica = try makeReplica(scratch)
        _ = try replica.records.create(.notices, id: "n1", input: noticeInput, now: 1_600_000_001)
        let (record, result) = try replica.records.update(.notices, id: "n1", input: ["title": "低保公示 (更正)", "category": "民生"], now: 1_600_000_002)
        #expect(result == .updated(fields: ["title"]))
        #expect(record.version.fields["title"]?.standing(in: "title").dot.counter == 2)
        #expect(record.version.fields["category"]?.standing(in: "category").dot.counter == 1)
        #expect(record.version.fields["title"]?.standing(in: "title").writtenAt == 1_600_000_002)
    }

    @Test("an empty value clears an optional field, and is itself a change")
    func clearOptional() throws {
        let scratch = Scratch()
        let replica = try makeReplica(scratch)
        _ = try replica.records.create(.notices, id: "n1", input: noticeInput.merging(["body": "正文"]) { $1 }, now: 1)
        let (record, result) = try replica.records.update(.notices, id: "n1", input: ["body": ""], now: 2)
        #expect(result == .updated(fields: ["body"]))
        #expect(record.values["body"] == nil)
        #expect(throws: ReplicaError.self) { try replica.records.update(.notices, id: "n1", input: ["title": ""], now: 3) }
    }

    @Test("a bad edit is refused with every problem, and changes nothing")
    func badEdit() throws {
        let scratch = Scratch()
        let replica = try makeReplica(scratch)
        _ = try replica.records.create(.requests, id: "r1", input: ["received_on": "2021-03-02", "applicant_type": "自然人"], now: 1)
        let before = try fingerprint(replica)
        #expect(throws: ReplicaError.self) {
            try replica.records.update(.requests, id: "r1", input: ["concluded_on": "2021-03-01", "outcome": "予以公开"], now: 2)
        }
        #expect(throws: ReplicaError.self) {
            try replica.records.update(.requests, id: "r1", input: ["outcome": "予以公开"], now: 2)
        }
        #expect(throws: ReplicaError.self) {
            try replica.records.update(.requests, id: "r1", input: ["applicant_type": "个人"], now: 2)
        }
        #expect(try fingerprint(replica) == before)
    }

    @Test("delete is a tombstone that hides the record; restore brings it back as a new change")
    func deleteAndRestore() throws {
        let scratch = Scratch()
        let replica = try makeReplica(scratch)
        _ = try replica.records.create(.notices, id: "n1", input: noticeInput, now: 1)
        try replica.records.delete(.notices, id: "n1", now: 2)
        #expect(try replica.records.all(.notices).isEmpty)
        #expect(try replica.records.all(.notices, includeDeleted: true).map(\.id) == ["n1"])
        #expect(try replica.records.record(.notices, id: "n1")?.isDeleted == true)
        #expect(throws: ReplicaError.deleted(kind: .notices, id: "n1")) { try replica.records.delete(.notices, id: "n1", now: 3) }
        #expect(throws: ReplicaError.deleted(kind: .notices, id: "n1")) { try replica.records.update(.notices, id: "n1", input: ["title": "x"], now: 3) }
        let restored = try replica.records.restore(.notices, id: "n1", now: 4)
        #expect(!restored.isDeleted)
        #expect(restored.values["title"] == "低保公示")
        #expect(try counters(replica).counter == 3)
    }

    @Test("an id is never reused: creating one that exists is refused")
    func duplicateID() throws {
        let scratch = Scratch()
        let replica = try makeReplica(scratch)
        _ = try replica.records.create(.notices, id: "n1", input: noticeInput, now: 1)
        #expect(throws: ReplicaError.idExists(kind: .notices, id: "n1")) {
            try replica.records.create(.notices, id: "n1", input: noticeInput, now: 2)
        }
    }

    @Test("a village replica holds only its own unit's records")
    func villageScope() throws {
        let scratch = Scratch()
        let replica = try makeReplica(scratch)
        #expect(throws: ReplicaError.unitOutOfScope(code: "640522100202", replicaUnit: village.code)) {
            try replica.records.create(.notices, id: "n1", unit: "640522100202", input: noticeInput, now: 1)
        }
        #expect(throws: ReplicaError.notATownship(unit: village.code)) {
            try replica.units.addVillage(code: "640522100202", name: "别村")
        }
    }

    @Test("a township replica holds its own records and its registered villages'")
    func townshipScope() throws {
        let scratch = Scratch()
        let replica = try makeReplica(scratch, unit: township)
        #expect(throws: ReplicaError.self) { try replica.records.create(.notices, id: "n1", unit: "640522100201", input: noticeInput, now: 1) }
        _ = try replica.units.addVillage(code: "640522100201", name: "园河村")
        let record = try replica.records.create(.notices, id: "n1", unit: "640522100201", input: noticeInput, now: 1)
        #expect(record.unit == "640522100201")
        _ = try replica.records.create(.notices, id: "n2", input: noticeInput, now: 2)
        #expect(try replica.records.all(.notices, unit: township.code).map(\.id) == ["n2"])
        #expect(try replica.units.all().map(\.code) == [township.code, "640522100201"])
        #expect(throws: ReplicaError.unitExists(code: "640522100201")) { try replica.units.addVillage(code: "640522100201", name: "x") }
    }

    @Test("version columns read back exactly, conflicts and all")
    func versionColumnsRoundTrip() throws {
        let a = Dot(site: SiteID("aaaaaaaaaaaaaaaa")!, counter: 3)
        let b = Dot(site: SiteID("bbbbbbbbbbbbbbbb")!, counter: 5)
        let version = RecordVersion(
            clock: VersionVector([a.site: 3, b.site: 5]),
            fields: [
                "title": FieldRegister([FieldEntry(dot: a, value: "甲, \"引号\"", writtenAt: 10), FieldEntry(dot: b, value: "乙", writtenAt: 9)]),
                "body": FieldRegister(single: FieldEntry(dot: a, value: nil, writtenAt: 10)),
                deletedField: FieldRegister([FieldEntry(dot: a, value: "1", writtenAt: 10), FieldEntry(dot: b, value: "0", writtenAt: 9)]),
            ])
        let columns = VersionColumns(version)
        #expect(columns.conflicts == 2)
        #expect(!columns.deleted)
        let rebuilt = columns.version(values: ["title": "乙"])
        #expect(rebuilt == version)
    }
}
