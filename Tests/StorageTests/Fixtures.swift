import Foundation
import Records
@testable import Storage
import SyncCore
import TestSupport

/// The site's counter and the replica's change sequence.
func counters(_ replica: Replica) throws -> (counter: Int64, seq: Int64) {
    try replica.database.withConnection { connection in
        let row = try connection.row("SELECT counter, seq FROM replica")
        return (try row.integer("counter"), try row.integer("seq"))
    }
}
