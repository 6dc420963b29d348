import PostgresNIO
import RecordRules
import SyncCore

/// What went wrong with a PostgreSQL store, in Chinese, with the way out.
public enum PostgresStoreError: Error, StoreFailure, Equatable {
    case badLocation(String, String)
    /// The server could not be reached or the connection broke.
    case unreachable(location: String, detail: String)
    /// PostgreSQL refused a statement; `state` is its SQLSTATE.
    case refused(state: String, message: String)
    /// Another transaction touched the same rows at the same moment: worth trying again.
    case conflict(String)
    /// The database is not a gongkai server store, or one from a newer gongkai.
    case notAStore(location: String)
    case newerSchema(location: String, found: Int, supported: Int)
    case alreadyAStore(location: String)
    /// Data in the database that this gongkai cannot read.
    case corrupt(String)
    case unknownUnit(code: String)
    case unitExists(code: String)
    case unknownParent(code: String, own: String)
    case invalidUnit(String)
    case cannotChangeUnit(code: String, reason: String)
    case unknownToken
    case ambiguousTokenID(String)

    /// SQLSTATE class 53 (insufficient resources): 53100 is disk_full.
    public var isDiskFull: Bool {
        if case .refused(let state, _) = self { return state == "53100" }
        return false
    }

    public var isTransient: Bool {
        switch self {
        case .conflict, .unreachable: true
        default: false
        }
    }

    public var description: String {
        switch self {
        case .badLocation(let text, let why):
            "PostgreSQL 地址 \(text) 无效: \(why)"
        case .unreachable(let location, let detail):
            "连不上 PostgreSQL (\(location)): \(detail); 请确认数据库服务器在运行、地址和用户名正确"
        case .refused(let state, let message):
            "PostgreSQL 拒绝了操作 (SQLSTATE \(state)): \(message)"
        case .conflict(let message):
            "另一个请求同时修改了同样的数据, 请稍后重试 (\(message))"
        case .notAStore(let location):
            "\(location) 不是 gongkai 的服务器数据库; 新数据库请先运行 gongkai admin add-unit --store 地址 --township 或 gongkai admin migrate"
        case .newerSchema(let location, let found, let supported):
            "\(location) 由更新版本的 gongkai 建立 (结构版本 \(found), 本程序支持到 \(supported)); 请先升级 gongkai"
        case .alreadyAStore(let location):
            "\(location) 已经是 gongkai 的服务器数据库, 不会覆盖; 迁移请换一个空数据库"
        case .corrupt(let detail):
            "服务器数据库中的数据无法读取: \(detail)"
        case .unknownUnit(let code):
            "服务器上没有单位 \(code); 请先用 gongkai admin add-unit 登记"
        case .unitExists(let code):
            "单位 \(code) 已经登记过"
        case .unknownParent(let code, let own):
            "上级 \(code) 不是本数据库登记的单位; 上级须是 \(own) 本身或已登记在它下面的单位 (先登记上级, 再登记下级)"
        case .invalidUnit(let problem):
            "单位无效: \(problem)"
        case .cannotChangeUnit(let code, let reason):
            "单位 \(code): \(reason)"
        case .unknownToken:
            DeviceToken.unknownMessage
        case .ambiguousTokenID(let id):
            DeviceToken.ambiguousMessage(id: id)
        }
    }

    /// The store's error for what postgres-nio threw.
    static func from(_ error: any Error, location: PostgresLocation) -> PostgresStoreError {
        if let error = error as? PostgresStoreError { return error }
        if let error = error as? PSQLError {
            if error.code == .server {
                let state = error.serverInfo?[.sqlState] ?? "?"
                let message = error.serverInfo?[.message] ?? "\(error)"
                // serialization_failure, deadlock_detected, unique_violation under a race: try again.
                if state == "40001" || state == "40P01" { return .conflict(message) }
                return .refused(state: state, message: message)
            }
            return .unreachable(location: location.description, detail: "\(error.code)")
        }
        return .unreachable(location: location.description, detail: "\(error)")
    }
}
