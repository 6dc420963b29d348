import NIOCore
import NIOHTTPTypes

/// Closes a connection whose client does not take its answer: a page written into a socket that
/// is never read stays in the server's memory (and its token's gate stays held) for as long as the
/// connection lives, and the idle timeout, which watches what comes in, cannot see it. While any
/// of an answer is waiting to go out, at least `minimumBytesPerWindow` must reach the socket in
/// every window, and the whole answer within `maximumDuration`.
final class AnswerDrainGuard: ChannelOutboundHandler, RemovableChannelHandler {
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    private let window: TimeAmount
    private let minimumBytesPerWindow: Int
    private let maximumDuration: TimeAmount
    /// Body bytes handed on and not yet written to the socket.
    private var pending = 0
    /// Body bytes written to the socket in this window.
    private var drained = 0
    /// When the answer being written began.
    private var answerStarted: NIODeadline?
    private var check: Scheduled<Void>?

    init(window: TimeAmount, minimumBytesPerWindow: Int, maximumDuration: TimeAmount) {
        self.window = window
        self.minimumBytesPerWindow = minimumBytesPerWindow
        self.maximumDuration = maximumDuration
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        switch unwrapOutboundIn(data) {
        case .head:
            answerStarted = .now()
            drained = 0
        case .body(let buffer):
            let count = buffer.readableBytes
            pending += count
            let written = context.eventLoop.makePromise(of: Void.self)
            written.futureResult.assumeIsolated().whenComplete { [self] _ in
                pending -= count
                drained += count
            }
            if let promise { written.futureResult.cascade(to: promise) }
            if check == nil { schedule(context) }
            context.write(data, promise: written)
            return
        case .end:
            break
        }
        context.write(data, promise: promise)
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        check?.cancel()
        check = nil
    }

    func close(context: ChannelHandlerContext, mode: CloseMode, promise: EventLoopPromise<Void>?) {
        check?.cancel()
        check = nil
        context.close(mode: mode, promise: promise)
    }

    private func schedule(_ context: ChannelHandlerContext) {
        check = context.eventLoop.assumeIsolated().scheduleTask(in: window) { [self] in
            check = nil
            // Nothing waits to go out: the answer is written (the next body write checks again).
            guard pending > 0 else { return }
            let tooLong = answerStarted.map { .now() - $0 > maximumDuration } ?? false
            if drained < minimumBytesPerWindow || tooLong {
                context.close(promise: nil)
                return
            }
            drained = 0
            schedule(context)
        }
    }
}

@available(*, unavailable)
extension AnswerDrainGuard: Sendable {}
