import Records
import Report

extension ServingStore {
    /// On a server: by unit, the records its devices' last syncs had refused (empty elsewhere).
    public func refusedPushes() throws(ReplicaError) -> [RefusedPushes] {
        try database.withConnection { connection in
            let rows = try connection.rows("SELECT unit, kind, id, reason FROM push_refusals ORDER BY unit, kind, id")
            var byUnit: [(String, [DataProblem])] = []
            for row in rows {
                guard let kind = row[1].text.flatMap(RecordKind.init(rawValue:)) else { continue }
                let unit = row[0].text ?? ""
                let problem = DataProblem(kind: kind, id: row[2].text ?? "", unit: unit, problem: row[3].text ?? "")
                if byUnit.last?.0 == unit { byUnit[byUnit.count - 1].1.append(problem) } else { byUnit.append((unit, [problem])) }
            }
            return byUnit.map { RefusedPushes(unit: $0.0, records: $0.1) }
        }
    }
}
