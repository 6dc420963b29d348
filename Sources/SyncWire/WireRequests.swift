import SyncCore
/// The requests a server reads that carry no records, and the parts every request shares (the
/// sender, the cursor), read by hand like the records so that every number and string is checked
/// against the protocol's limits where it is read.
extension WireRecords {
    static func pullRequest(_ bytes: [UInt8]) throws -> PullRequest {
        try JSONScanner.read(bytes) { json in
            var envelope = RequestEnvelope()
            var limit: Int?
            var finish: DoneFields?
            try json.object { json, key in
                if try envelope.read(key, from: &json) { return }
                switch key {
                // Older clients asked for their batch size; the server caps any page at its own.
                case "limit": limit = try json.integer(in: 1...Int(Int32.max))
                case "finish": finish = try readDone(from: &json)
                default: try json.skipValue()
                }
            }
            let known = try envelope.complete(json)
            guard let limit else { throw json.missing("limit") }
            // The end of the sync is the pull's sender's, in the pull's protocol version.
            let end = try finish.map { fields in
                try fields.request(protocolVersion: known.protocolVersion, sender: known.sender, json)
            }
            return PullRequest(protocolVersion: known.protocolVersion, schemaVersion: known.schemaVersion, sender: known.sender,
                               senderCounter: known.counter, cursor: envelope.cursor, limit: limit, finish: end)
        }
    }

    static func doneRequest(_ bytes: [UInt8]) throws -> DoneRequest {
        try JSONScanner.read(bytes) { json in
            let fields = try readDone(from: &json)
            guard let protocolVersion = fields.protocolVersion else { throw json.missing("protocolVersion") }
            guard let sender = fields.sender else { throw json.missing("sender") }
            return try fields.request(protocolVersion: protocolVersion, sender: sender, json)
        }
    }

    /// The members of a done request as read: on their own (`/v1/done`) they name their sender
    /// and version; inside a pull (`finish`) they take the pull's.
    struct DoneFields {
        var protocolVersion: Int?, sender: SiteInfo?, digest: String?, pushed: Int?, pulled: Int?, conflicts: Int?
        var syncs: [RelayedSync] = []

        func request(protocolVersion: Int, sender: SiteInfo, _ json: JSONScanner) throws -> DoneRequest {
            guard let digest else { throw json.missing("digest") }
            guard let pushed else { throw json.missing("pushed") }
            guard let pulled else { throw json.missing("pulled") }
            guard let conflicts else { throw json.missing("conflicts") }
            return DoneRequest(protocolVersion: protocolVersion, sender: sender, digest: digest, pushed: pushed, pulled: pulled, conflicts: conflicts,
                               syncs: syncs)
        }
    }

    static func readDone(from json: inout JSONScanner) throws -> DoneFields {
        var fields = DoneFields()
        try json.object { json, key in
            switch key {
            case "syncs":
                try json.array { json in
                    guard fields.syncs.count < SyncLimits.maximumBatchRecords else { throw json.invalid("syncs 多于 \(SyncLimits.maximumBatchRecords) 个") }
                    var site: SiteInfo?, at: Int64?
                    try json.object { json, key in
                        switch key {
                        case "site": site = try readSite(from: &json, lenient: true)
                        case "at": at = try json.integer(in: SyncLimits.times)
                        default: try json.skipValue()
                        }
                    }
                    guard let site else { throw json.missing("site") }
                    guard let at else { throw json.missing("at") }
                    fields.syncs.append(RelayedSync(site: site, at: at))
                }
            case "protocolVersion": fields.protocolVersion = try json.integer()
            case "sender": fields.sender = try readSite(from: &json)
            case "digest": fields.digest = try json.string(maximum: 128)
            case "pushed": fields.pushed = try json.integer(in: 0...Int(Int32.max))
            case "pulled": fields.pulled = try json.integer(in: 0...Int(Int32.max))
            case "conflicts": fields.conflicts = try json.integer(in: 0...Int(Int32.max))
            default: try json.skipValue()
            }
        }
        return fields
    }

    static func readCursor(from json: inout JSONScanner) throws -> SyncCursor {
        var mark: String?, seq: Int64?
        try json.object { json, key in
            switch key {
            case "mark": mark = try json.string(maximum: 128)
            case "seq": seq = try json.integer(in: 0...Int64.max)
            default: try json.skipValue()
            }
        }
        guard let mark else { throw json.missing("mark") }
        guard let seq else { throw json.missing("seq") }
        return SyncCursor(mark: mark, seq: seq)
    }

    /// A sender: its site id (sixteen hex digits), a device name within `SyncLimits`, and a unit
    /// code of printable ASCII. Anything else is refused here, before it can be stored or logged.
    /// A server's list of who wrote what (`lenient`) may hold names stored before the limits
    /// existed: those are shortened and cleaned rather than refused.
    static func readSite(from json: inout JSONScanner, lenient: Bool = false) throws -> SiteInfo {
        var site: String?, device: String?, unit: String?
        try json.object { json, key in
            switch key {
            case "site": site = try json.string(maximum: 64)
            case "device" where lenient: device = SyncLimits.cleanedDeviceName(try json.string())
            case "device":
                let name = try json.string(maximum: SyncLimits.maximumDeviceNameLength)
                if let problem = SyncLimits.deviceNameProblem(name) { throw json.invalid(problem) }
                device = name
            case "unit":
                let code = try json.string(maximum: 32)
                guard !code.isEmpty, code.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F }) else { throw json.invalid("单位代码应为字母、数字、- 和 _") }
                unit = code
            default: try json.skipValue()
            }
        }
        guard let site else { throw json.missing("site") }
        guard let device else { throw json.missing("device") }
        guard let unit else { throw json.missing("unit") }
        guard let id = SiteID(site) else { throw Wire.Malformed(detail: "站点 id \"\(site.prefix(40))\" 无效") }
        return SiteInfo(site: id, deviceName: device, unit: unit)
    }
}

/// The members every push and pull request carries: who sends, at which versions, its counter,
/// and (optionally) its pull cursor.
struct RequestEnvelope {
    var protocolVersion: Int?
    var schemaVersion: Int?
    var sender: SiteInfo?
    var counter: UInt64?
    var cursor: SyncCursor?

    /// Reads the value of `key` when it is one of these members; false (nothing read) otherwise.
    mutating func read(_ key: String, from json: inout JSONScanner) throws -> Bool {
        switch key {
        case "protocolVersion": protocolVersion = try json.integer()
        case "schemaVersion": schemaVersion = try json.integer()
        case "sender": sender = try WireRecords.readSite(from: &json)
        case "counter": counter = try json.integer(in: 0...SyncLimits.maximumCounter)
        case "cursor": cursor = json.null() ? nil : try WireRecords.readCursor(from: &json)
        default: return false
        }
        return true
    }

    /// The members a request must have, or the first one missing.
    func complete(_ json: JSONScanner) throws -> (protocolVersion: Int, schemaVersion: Int, sender: SiteInfo, counter: UInt64) {
        guard let protocolVersion else { throw json.missing("protocolVersion") }
        guard let schemaVersion else { throw json.missing("schemaVersion") }
        guard let sender else { throw json.missing("sender") }
        guard let counter else { throw json.missing("counter") }
        return (protocolVersion, schemaVersion, sender, counter)
    }
}
