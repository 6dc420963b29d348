import Records
import Report

extension ServingStore {
    /// On a server: by unit, the records its devices' last syncs had refused (empty elsewhere).
    public func refusedPushes() throws(ReplicaError) -> [RefusedPushes] {
        try database.withConnection { connection in
            let rows = try connection.rows("SELECT unit, kind, id, reason FROM push_refusals ORDER BY unit, kind, id")
            var byUnit: [(String, [DataProblem])] = []
            for row in rows {
                // A push of a kind this build does not know was refused for that; no report lacks it.
                guard let kind = RecordKind(rawValue: try row.text("kind")) else { continue }
                let unit = try row.text("unit")
                let problem = DataProblem(kind: kind, id: try row.text("id"), unit: unit, problem: try row.text("reason"))
                if byUnit.last?.0 == unit { byUnit[byUnit.count - 1].1.append(problem) } else { byUnit.append((unit, [problem])) }
            }
            return byUnit.map { RefusedPushes(unit: $0.0, records: $0.1) }
        }
    }
}
