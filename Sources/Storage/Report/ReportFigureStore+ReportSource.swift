import Records
import Report

/// The report figure store is the annual report's source: what it does not own itself (the
/// narrative records, the documents, tokens, refusals, published reports) it asks of the store
/// that does.
extension ReportFigureStore: ReportSource {
    public func reportingUnit() throws -> GovernmentUnit { try UnitStore(database).identity().unit }

    public func narrativeText(id: String) throws -> String? {
        guard let stored = try RecordStore(database).record(.narrative, id: id), !stored.isDeleted else { return nil }
        return stored.values["text"]
    }

    public func documents(ofKind kind: DocumentKind, madeBy year: Int) throws -> [(id: String, unit: String)] {
        try RecordStore(database).all(.documents)
            .filter { $0.values["kind"] == kind.rawValue && ($0.values["made_on"] ?? "") <= "\(year)-12-31" }
            .map { ($0.id, $0.unit) }
    }

    public func servesDevices() throws -> Bool { try DeviceStore(database).servesDevices() }

    public func refusedPushes() throws -> [RefusedPushes] { try ServingStore(database).refusedPushes() }

    public func publishedReport(year: Int) throws -> (formatVersion: String, publishedAt: Int64, json: String)? {
        try PublishedReportStore(database).publishedReport(year: year)
    }
}
