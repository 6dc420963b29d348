import Codecs
import SyncCore

/// The messages that carry no records, written with the one `JSONWriter` (members in sorted key
/// order) and, those a client reads, read with `JSONScanner`: one JSON path for every message.
enum WireMessages {
    static func write(_ request: PullRequest) -> [UInt8] {
        var json = JSONWriter()
        json.raw("{\"counter\":")
        json.integer(request.senderCounter)
        if let cursor = request.cursor {
            json.raw(",\"cursor\":")
            WireRecords.write(cursor, to: &json)
        }
        // The end of the sync, without the sender and version the pull already names.
        if let finish = request.finish {
            json.raw(",\"finish\":")
            write(finish, to: &json, naming: false)
        }
        json.raw(",\"limit\":")
        json.integer(request.limit)
        json.raw(",\"protocolVersion\":")
        json.integer(request.protocolVersion)
        json.raw(",\"schemaVersion\":")
        json.integer(request.schemaVersion)
        json.raw(",\"sender\":")
        WireRecords.write(request.sender, to: &json)
        json.raw("}")
        return json.bytes
    }

    static func write(_ request: DoneRequest) -> [UInt8] {
        var json = JSONWriter()
        write(request, to: &json, naming: true)
        return json.bytes
    }

    /// A done request's object; `naming` writes its sender and protocol version too (a pull's
    /// `finish` takes both from the pull).
    static func write(_ request: DoneRequest, to json: inout JSONWriter, naming: Bool) {
        json.raw("{\"conflicts\":")
        json.integer(request.conflicts)
        json.raw(",\"digest\":")
        json.string(request.digest)
        if naming {
            json.raw(",\"protocolVersion\":")
            json.integer(request.protocolVersion)
        }
        json.raw(",\"pulled\":")
        json.integer(request.pulled)
        json.raw(",\"pushed\":")
        json.integer(request.pushed)
        if naming {
            json.raw(",\"sender\":")
            WireRecords.write(request.sender, to: &json)
        }
        // A relay's word of its devices' syncs: absent from a laptop's, as before relays.
        if !request.syncs.isEmpty {
            json.raw(",\"syncs\":[")
            for (index, sync) in request.syncs.enumerated() {
                if index > 0 { json.raw(",") }
                json.raw("{\"at\":")
                json.integer(sync.at)
                json.raw(",\"site\":")
                WireRecords.write(sync.site, to: &json)
                json.raw("}")
            }
            json.raw("]")
        }
        json.raw("}")
    }

    static func write(_ response: PushResponse) -> [UInt8] {
        var json = JSONWriter()
        json.raw("{\"changed\":")
        json.integer(response.changed)
        json.raw(",\"conflicted\":")
        json.integer(response.conflicted)
        json.raw(",\"refused\":[")
        for (index, refusal) in response.refused.enumerated() {
            json.raw(index == 0 ? "{\"id\":" : ",{\"id\":")
            json.string(refusal.id)
            json.raw(",\"kind\":")
            json.string(refusal.kind)
            json.raw(",\"reason\":")
            json.string(refusal.reason)
            json.raw("}")
        }
        json.raw("],\"restarted\":")
        json.bool(response.restarted)
        json.raw("}")
        return json.bytes
    }

    static func write(_ response: DoneResponse) -> [UInt8] {
        var json = JSONWriter()
        write(response, to: &json)
        return json.bytes
    }

    static func write(_ response: DoneResponse, to json: inout JSONWriter) {
        json.raw("{\"converged\":")
        json.bool(response.converged)
        json.raw(",\"digest\":")
        json.string(response.digest)
        json.raw("}")
    }

    static func write(_ error: WireError) -> [UInt8] {
        var json = JSONWriter()
        json.raw("{\"error\":{")
        if let client = error.client {
            json.raw("\"client\":")
            json.integer(client)
            json.raw(",")
        }
        json.raw("\"code\":")
        json.string(error.code)
        if let declared = error.declared {
            json.raw(",\"declared\":")
            json.integer(declared)
        }
        if let field = error.field {
            json.raw(",\"field\":")
            json.string(field)
        }
        if let known = error.known {
            json.raw(",\"known\":")
            json.integer(known)
        }
        json.raw(",\"message\":")
        json.string(error.message)
        if let server = error.server {
            json.raw(",\"server\":")
            json.integer(server)
        }
        if let site = error.site {
            json.raw(",\"site\":")
            json.string(site)
        }
        json.raw("}}")
        return json.bytes
    }

    static func write(_ status: ServerStatus) -> [UInt8] {
        var json = JSONWriter()
        json.raw("{\"name\":")
        json.string(status.name)
        json.raw(",\"protocol\":")
        json.integer(status.protocol)
        json.raw(",\"schema\":")
        json.integer(status.schema)
        json.raw(",\"unit\":")
        json.string(status.unit)
        json.raw("}")
        return json.bytes
    }

    static func write(_ identity: TokenIdentity) -> [UInt8] {
        var json = JSONWriter()
        func unit(_ info: UnitInfo) {
            json.raw("{\"code\":")
            json.string(info.code)
            json.raw(",\"name\":")
            json.string(info.name)
            json.raw(",\"parent\":")
            if let parent = info.parent { json.string(parent) } else { json.raw("null") }
            json.raw("}")
        }
        json.raw("{\"server\":")
        unit(identity.server)
        json.raw(",\"unit\":")
        unit(identity.unit)
        json.raw("}")
        return json.bytes
    }

    static func tokenIdentity(_ bytes: [UInt8]) throws -> TokenIdentity {
        try JSONScanner.read(bytes) { json in
            var unit: UnitInfo?, server: UnitInfo?
            func readUnit(_ json: inout JSONScanner) throws -> UnitInfo {
                var code: String?, name: String?, parent: String?
                try json.object { json, key in
                    switch key {
                    case "code": code = try json.string(maximum: 64)
                    case "name": name = try json.string(maximum: 256)
                    case "parent": parent = try json.null() ? nil : try json.string(maximum: 64)
                    default: try json.skipValue()
                    }
                }
                guard let code else { throw json.missing("code") }
                guard let name else { throw json.missing("name") }
                return UnitInfo(code: code, name: name, parent: parent)
            }
            try json.object { json, key in
                switch key {
                case "unit": unit = try readUnit(&json)
                case "server": server = try readUnit(&json)
                default: try json.skipValue()
                }
            }
            guard let unit else { throw json.missing("unit") }
            guard let server else { throw json.missing("server") }
            return TokenIdentity(unit: unit, server: server)
        }
    }

    static func write(_ health: ServerHealth) -> [UInt8] {
        var json = JSONWriter()
        // Thousandths of a second, written exactly (no binary fraction leaking into the text).
        let millis = Int64((health.oldestWriteSeconds * 1_000).rounded())
        json.raw("{\"free_disk_bytes\":")
        if let free = health.freeDiskBytes { json.raw(String(free)) } else { json.raw("null") }
        json.raw(",\"oldest_write_seconds\":")
        if millis < 0 { json.raw("-") }
        json.integer(millis.magnitude / 1_000)
        json.raw(".")
        json.raw(String(String(millis.magnitude % 1_000 + 1_000).dropFirst()))
        json.raw(",\"status\":")
        json.string(health.status)
        json.raw(",\"writes_waiting\":")
        json.integer(health.writesWaiting)
        json.raw("}")
        return json.bytes
    }

    // MARK: What a client reads

    static func pushResponse(_ bytes: [UInt8]) throws -> PushResponse {
        try JSONScanner.read(bytes) { json in
            var changed: Int?, conflicted: Int?, refused: [Refusal]?, restarted = false
            try json.object { json, key in
                switch key {
                case "changed": changed = try json.integer(in: 0...Int(Int32.max))
                case "conflicted": conflicted = try json.integer(in: 0...Int(Int32.max))
                case "restarted": restarted = try json.bool()
                case "refused":
                    var list: [Refusal] = []
                    try json.array { json in
                        var kind: String?, id: String?, reason: String?
                        try json.object { json, key in
                            switch key {
                            case "kind": kind = try json.string(maximum: 64)
                            case "id": id = try json.string(maximum: 512)
                            case "reason": reason = try json.string(maximum: 4_096)
                            default: try json.skipValue()
                            }
                        }
                        guard let kind else { throw json.missing("kind") }
                        guard let id else { throw json.missing("id") }
                        guard let reason else { throw json.missing("reason") }
                        list.append(Refusal(kind: kind, id: id, reason: reason))
                    }
                    refused = list
                default: try json.skipValue()
                }
            }
            guard let changed else { throw json.missing("changed") }
            guard let conflicted else { throw json.missing("conflicted") }
            guard let refused else { throw json.missing("refused") }
            return PushResponse(changed: changed, conflicted: conflicted, refused: refused, restarted: restarted)
        }
    }

    static func doneResponse(_ bytes: [UInt8]) throws -> DoneResponse {
        try JSONScanner.read(bytes) { json in try readDoneResponse(from: &json) }
    }

    static func readDoneResponse(from json: inout JSONScanner) throws -> DoneResponse {
        var converged: Bool?, digest: String?
        try json.object { json, key in
            switch key {
            case "converged": converged = try json.bool()
            case "digest": digest = try json.string(maximum: 128)
            default: try json.skipValue()
            }
        }
        guard let converged else { throw json.missing("converged") }
        guard let digest else { throw json.missing("digest") }
        return DoneResponse(converged: converged, digest: digest)
    }

    /// An error body, or nil when the bytes are not one.
    static func error(_ bytes: [UInt8]) -> WireError? {
        try? JSONScanner.read(bytes) { json -> WireError? in
            var error: WireError?
            try json.object { json, key in
                guard key == "error" else { return try json.skipValue() }
                var fields: (code: String?, message: String?) = (nil, nil)
                var found = WireError(code: "", message: "")
                try json.object { json, key in
                    switch key {
                    case "code": fields.code = try json.string(maximum: 64)
                    case "message": fields.message = try json.string(maximum: 4_096)
                    case "server": found.server = try json.integer()
                    case "client": found.client = try json.integer()
                    case "site": found.site = try json.string(maximum: 64)
                    case "known": found.known = try json.integer()
                    case "declared": found.declared = try json.integer()
                    case "field": found.field = try json.string(maximum: 256)
                    default: try json.skipValue()
                    }
                }
                guard let code = fields.code, let message = fields.message else { return }
                var complete = WireError(code: code, message: message)
                (complete.server, complete.client, complete.site) = (found.server, found.client, found.site)
                (complete.known, complete.declared, complete.field) = (found.known, found.declared, found.field)
                error = complete
            }
            return error
        } ?? nil
    }
}
