import Records
import Report

/// The report figure store is the annual report's source: what it does not own itself (the
/// narrative records, the documents, tokens, refusals, published reports) it asks of the store
/// that does.
extension ReportFigureStore: ReportSource {
    public func reportingUnit() throws -> GovernmentUnit { try scope?.unit ?? UnitStore(database).identity().unit }

    public func narrativeText(id: String) throws -> String? {
        guard let stored = try RecordStore(database).record(.narrative, id: id), !stored.isDeleted else { return nil }
        return stored.values["text"]
    }

    public func documents(ofKind kind: DocumentKind, madeBy year: Int) throws -> [(id: String, unit: String)] {
        // Read in SQL, like every other figure: no record is decoded for a list of ids.
        try database.withConnection { connection in
            try connection.rows("SELECT id, unit FROM documents WHERE deleted = 0 AND kind = ?1 AND made_on <= ?2 AND \(ReportFigureStore.inScope) ORDER BY id",
                                arguments([.text(kind.rawValue), .text("\(year)-12-31")]))
                .map { row throws(SQLiteError) in (try row.text("id"), try row.text("unit")) }
        }
    }

    public func servesDevices() throws -> Bool { try DeviceStore(database).servesDevices() }

    public func refusedPushes() throws -> [RefusedPushes] {
        try ServingStore(database).refusedPushes().filter { refused in scope?.units.contains(refused.unit) ?? true }
    }

    /// A report published here is of the replica's own unit; one of a unit below it never was.
    public func publishedReport(year: Int) throws -> (formatVersion: String, publishedAt: Int64, json: String)? {
        guard scope == nil else { return nil }
        return try PublishedReportStore(database).publishedReport(year: year)
    }
}
