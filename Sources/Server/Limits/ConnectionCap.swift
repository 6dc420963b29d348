import NIOCore
import NIOHTTPTypes
import Synchronization

/// How many connections each client address holds open, shared by every connection's
/// `ConnectionCap`: one address may not take every socket and thread of the server, whoever it
/// claims to be (the count is made before any request is read).
final class ConnectionLedger: Sendable {
    let perAddress: Int
    private let open = Mutex<[String: Int]>([:])

    init(perAddress: Int) {
        self.perAddress = perAddress
    }

    /// Counts a connection of `address` in; false (nothing counted) when it already holds `perAddress`.
    func admit(_ address: String) -> Bool {
        open.withLock { open in
            guard open[address, default: 0] < perAddress else { return false }
            open[address, default: 0] += 1
            return true
        }
    }

    func release(_ address: String) {
        open.withLock { open in
            let left = open[address, default: 1] - 1
            open[address] = left > 0 ? left : nil
        }
    }

    /// Connections held now, by address (for the tests and `/v1/health`).
    var count: Int { open.withLock { $0.values.reduce(0, +) } }
}

/// Closes a connection as it opens when its address already holds as many as the ledger allows;
/// otherwise counts it for as long as it is open.
final class ConnectionCap: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart

    private let ledger: ConnectionLedger
    private let refused: @Sendable (String) -> Void
    /// The address counted in, while it is.
    private var counted: String?
    private var decided = false

    init(ledger: ConnectionLedger, refused: @escaping @Sendable (String) -> Void) {
        self.ledger = ledger
        self.refused = refused
    }

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { admit(context) }
    }

    func channelActive(context: ChannelHandlerContext) {
        admit(context)
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        if let counted { ledger.release(counted) }
        counted = nil
        context.fireChannelInactive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        if let counted { ledger.release(counted) }
        counted = nil
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard counted != nil else { return }
        context.fireChannelRead(data)
    }

    private func admit(_ context: ChannelHandlerContext) {
        guard !decided else { return }
        decided = true
        let address = context.channel.remoteAddress?.ipAddress ?? "?"
        if ledger.admit(address) {
            counted = address
        } else {
            refused(address)
            context.close(promise: nil)
        }
    }
}

@available(*, unavailable)
extension ConnectionCap: Sendable {}
