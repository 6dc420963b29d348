import ArgumentParser
import PostgresStore
import RecordRules
import Records
import Storage
import SyncCore

/// Where a server's database is: `--db FILE` (SQLite, the default, a township's) or
/// `--store URL` (PostgreSQL, a county's; several `serve` may share it).
struct ServerStoreOptions: ParsableArguments {
    @OptionGroup var replica: ReplicaOptions
    @Option(help: ArgumentHelp("PostgreSQL 服务器数据库 (县级平台): postgresql://用户@主机:端口/数据库 或 postgresql:///数据库?host=/套接字目录",
                               valueName: "URL"))
    var store: String?

    func validate() throws {
        if store != nil && replica.db != nil { throw ValidationError("--db 和 --store 只能选一个") }
        // A server database is never the laptop's own replica at the default path.
        if store == nil && replica.db == nil && Environment.value("GONGKAI_DB") == nil && Environment.value("GONGKAI_STORE") == nil {
            throw ValidationError("请用 --db 指定服务器数据库 (例如 --db town.sqlite), 或用 --store 指定县级平台的 PostgreSQL; "
                                  + "不指定时不会用本机村级副本的默认位置")
        }
    }

    /// The options that name this database, for a hint's command line (`--db town.sqlite`).
    var naming: String {
        if let store { return "--store \(store)" }
        return "--db \(replica.path)"
    }

    /// The PostgreSQL store's location, when `--store` names one (or `GONGKAI_STORE`, when
    /// neither `--db` nor `--store` is given: a service's settings file).
    func postgresLocation() throws -> PostgresLocation? {
        try (store ?? (replica.db == nil ? Environment.value("GONGKAI_STORE") : nil)).map { try PostgresLocation($0) }
    }

    /// The server database, opened (brought up to date).
    func open() throws -> ServerDatabase {
        if let location = try postgresLocation() { return .postgres(try PostgresServerStore.open(location)) }
        return .sqlite(try replica.open())
    }
}

/// A server's database of either kind, for the commands that work on both.
enum ServerDatabase {
    case sqlite(Replica)
    case postgres(PostgresServerStore)

    var serving: any SyncServingStore {
        switch self {
        case .sqlite(let replica): replica.serving
        case .postgres(let store): store.serving
        }
    }

    /// The unit the server serves.
    func servedUnit() throws -> GovernmentUnit {
        switch self {
        case .sqlite(let replica): try replica.units.identity().unit
        case .postgres(let store): try store.servedUnit()
        }
    }

    /// Where it is, for messages (never a password).
    var location: String {
        switch self {
        case .sqlite(let replica): replica.path
        case .postgres(let store): store.location.description
        }
    }

    func unitSummaries() throws -> [UnitSummary] {
        switch self {
        case .sqlite(let replica): try replica.units.unitSummaries()
        case .postgres(let store): try store.unitSummaries()
        }
    }

    func issueToken(_ token: String, unit: String, relays: Bool, secret: ServerSecret, now: Int64) throws -> GovernmentUnit {
        switch self {
        case .sqlite(let replica): try replica.devices.issueToken(token, unit: unit, relays: relays, secret: secret, now: now)
        case .postgres(let store): try store.issueToken(token, unit: unit, relays: relays, secret: secret, now: now)
        }
    }

    func revokeToken(_ token: String, now: Int64) throws -> String {
        switch self {
        case .sqlite(let replica): try replica.devices.revokeToken(token, now: now)
        case .postgres(let store): try store.revokeToken(token, now: now)
        }
    }

    func revokeToken(id: String, now: Int64) throws -> String {
        switch self {
        case .sqlite(let replica): try replica.devices.revokeToken(id: id, now: now)
        case .postgres(let store): try store.revokeToken(id: id, now: now)
        }
    }

    func moveUnit(code: String, under parent: String, now: Int64) throws -> (unit: GovernmentUnit, records: Int) {
        switch self {
        case .sqlite(let replica): try replica.units.moveUnit(code: code, under: parent, now: now)
        case .postgres(let store): try store.moveUnit(code: code, under: parent)
        }
    }

    func recordRows(of code: String) throws -> (rows: [RecordKind: [[String]]], deleted: Int) {
        switch self {
        case .sqlite(let replica): try replica.units.recordRows(of: code)
        case .postgres(let store): try store.recordRows(of: code)
        }
    }

    func removeUnit(code: String, withRecords: Bool) throws -> GovernmentUnit {
        switch self {
        case .sqlite(let replica): try replica.units.removeUnit(code: code, withRecords: withRecords)
        case .postgres(let store): try store.removeUnit(code: code, withRecords: withRecords)
        }
    }

    func tokenHash(id: String) throws -> String {
        switch self {
        case .sqlite(let replica): try replica.devices.tokenHash(id: id)
        case .postgres(let store): try store.tokenHash(id: id)
        }
    }

    func setPushQuota(_ quota: PushQuota?, holder: String) throws {
        switch self {
        case .sqlite(let replica): try replica.devices.setPushQuota(quota, holder: holder)
        case .postgres(let store): try store.setPushQuota(quota, holder: holder)
        }
    }

    func pushUsage(holder: String, day: String) throws -> (used: PushQuota, limit: PushQuota?) {
        switch self {
        case .sqlite(let replica): try replica.devices.pushUsage(holder: holder, day: day)
        case .postgres(let store): try store.pushUsage(holder: holder, day: day)
        }
    }

    func tokenStates() throws -> [String: Int64?] {
        switch self {
        case .sqlite(let replica): try replica.devices.tokenStates()
        case .postgres(let store): try store.tokenStates()
        }
    }

    func apply(_ plan: TokenJournal.Plan) throws -> [TokenJournal.Issued] {
        switch self {
        case .sqlite(let replica): try replica.devices.apply(plan)
        case .postgres(let store): try store.apply(plan)
        }
    }

    func deviceTokens() throws -> [DeviceToken] {
        switch self {
        case .sqlite(let replica): try replica.devices.deviceTokens()
        case .postgres(let store): try store.deviceTokens()
        }
    }

    func addVillage(code: String, name: String, parent: String?) throws -> GovernmentUnit {
        switch self {
        case .sqlite(let replica): try replica.units.addVillage(code: code, name: name, parent: parent)
        case .postgres(let store): try store.addVillage(code: code, name: name, parent: parent)
        }
    }

    /// Everything written is in the database itself (SQLite: the WAL checkpointed), and
    /// connections are closed.
    func close() throws {
        switch self {
        case .sqlite(let replica): try replica.database.checkpoint()
        case .postgres(let store): store.close()
        }
    }
}
