import Records
import SyncCore

/// One replica file, as the rest of gongkai sees it: its database and the stores over it, each
/// a small type with one job. Every store writes in transactions of its own; none reads or
/// writes another's tables except through that store's functions.
public struct Replica: Sendable {
    public let database: Database

    public init(_ database: Database) {
        self.database = database
    }

    /// Creates a new replica file for `unit`. Never overwrites: an existing file is refused.
    public static func create(at path: String, unit: GovernmentUnit, site: SiteID, deviceName: String, now: Int64) throws(ReplicaError) -> Replica {
        Replica(try Database.create(at: path, unit: unit, site: site, deviceName: deviceName, now: now))
    }

    /// Opens an existing replica, migrating it forward in one transaction when it is older.
    public static func open(at path: String, now: Int64 = 0) throws(ReplicaError) -> Replica {
        Replica(try Database.open(at: path, now: now))
    }

    public var path: String { database.path }

    /// Records and their capture.
    public var records: RecordStore { RecordStore(database) }
    /// Spreadsheet rows into records.
    public var imports: ImportStore { ImportStore(database) }
    /// This replica's unit and the units it holds.
    public var units: UnitStore { UnitStore(database) }
    /// The syncing side: what a laptop pushes and pulls.
    public var syncing: SyncingStore { SyncingStore(database) }
    /// The serving side: what a server answers.
    public var serving: ServingStore { ServingStore(database) }
    /// Device tokens (on a server).
    public var devices: DeviceStore { DeviceStore(database) }
    /// The figures of the annual report and the problems in its data.
    public var figures: ReportFigureStore { ReportFigureStore(database) }
    /// Published reports and their versions.
    public var published: PublishedReportStore { PublishedReportStore(database) }
    /// A server's database read out whole, for `admin migrate`.
    public var exporter: ServerExporter { ServerExporter(database) }
}
