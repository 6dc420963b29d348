import Foundation
import Records
@testable import Storage
import SyncCore
import TestSupport

/// The site's counter and the replica's change sequence.
func counters(_ replica: Replica) throws -> (counter: Int64, seq: Int64) {
    try replica.database.withConnection { connection in
        let row = try connection.rows("SELECT counter, seq FROM replica")[0]
        return (row[0].integer!, row[1].integer!)
    }
}
