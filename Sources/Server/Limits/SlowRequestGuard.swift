import NIOCore
import NIOHTTPTypes

/// Closes a connection whose request body comes too slowly, or whose request takes too long to
/// arrive at all: a body that never ends (one byte a second of chunks) keeps a connection busy
/// as surely as one that stops, and the idle timeout alone (any byte resets it) cannot see it.
/// Stopped heads and stopped bodies are the idle timeout's (`ServerConfiguration.idleTimeout`).
final class SlowRequestGuard: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart

    private let window: TimeAmount
    private let minimumBytesPerWindow: Int
    private let maximumDuration: TimeAmount
    /// While a request is being read: when it began, and its body bytes in this window.
    private var reading: (started: NIODeadline, bytes: Int)?
    private var check: Scheduled<Void>?

    init(window: TimeAmount, minimumBytesPerWindow: Int, maximumDuration: TimeAmount) {
        self.window = window
        self.minimumBytesPerWindow = minimumBytesPerWindow
        self.maximumDuration = maximumDuration
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head:
            reading = (.now(), 0)
            schedule(context)
        case .body(let buffer):
            reading?.bytes += buffer.readableBytes
        case .end:
            reading = nil
            check?.cancel()
            check = nil
        }
        context.fireChannelRead(data)
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        check?.cancel()
        check = nil
    }

    func channelInactive(context: ChannelHandlerContext) {
        check?.cancel()
        check = nil
        context.fireChannelInactive()
    }

    private func schedule(_ context: ChannelHandlerContext) {
        check?.cancel()
        check = context.eventLoop.assumeIsolated().scheduleTask(in: window) { [self] in
            check = nil
            guard let current = reading else { return }
            if current.bytes < minimumBytesPerWindow || .now() - current.started > maximumDuration {
                reading = nil
                context.close(promise: nil)
                return
            }
            reading?.bytes = 0
            schedule(context)
        }
    }
}

@available(*, unavailable)
extension SlowRequestGuard: Sendable {}
