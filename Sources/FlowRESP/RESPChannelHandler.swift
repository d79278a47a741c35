import NIOCore

/// A command on its way out and the promise its reply completes.
struct RESPRequest {
    var command: RESPCommand
    var reply: EventLoopPromise<RESPValue>
}

/// Asks the handler to close the connection because `command` timed out: every waiting reply fails with that.
struct RESPTimeout {
    var command: String
    var after: Duration
}

/// Matches replies to commands on one connection: Redis answers in the order it received, so the first
/// waiting promise takes the next reply (this is what lets many commands be in flight at once).
///
/// Invariants (on the channel's event loop only): every promise appended to `waiting` is completed exactly
/// once, by its reply or, when the connection ends first, with the reason it ended; a reply nobody asked for
/// closes the connection.
final class RESPChannelHandler: ChannelDuplexHandler {
    typealias InboundIn = RESPValue
    typealias OutboundIn = RESPRequest
    typealias OutboundOut = ByteBuffer

    private let endpoint: String
    private var waiting = CircularBuffer<(command: String, reply: EventLoopPromise<RESPValue>)>()
    /// Set once the connection ends: later commands fail at once.
    private var closed = false
    /// Why the connection was closed by this side (a timeout, a protocol violation): what the replies still
    /// waiting fail with; nil when the peer closed it.
    private var reason: RESPError?

    init(endpoint: String) { self.endpoint = endpoint }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        let request = unwrapOutboundIn(data)
        if closed {
            let error = RESPError.connectionClosed(endpoint: endpoint, command: request.command.description)
            request.reply.fail(error)
            promise?.fail(error)
            return
        }
        var buffer = context.channel.allocator.buffer(capacity: request.command.encodedSize)
        buffer.writeRESPCommand(request.command)
        waiting.append((request.command.description, request.reply))
        context.write(wrapOutboundOut(buffer), promise: promise)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard let next = waiting.popFirst() else {
            fail(.protocolViolation(endpoint: endpoint, reason: "a reply no command asked for"), context: context)
            return
        }
        next.reply.succeed(unwrapInboundIn(data))
    }

    func triggerUserOutboundEvent(context: ChannelHandlerContext, event: Any, promise: EventLoopPromise<Void>?) {
        if let timeout = event as? RESPTimeout {
            fail(.timedOut(command: timeout.command, after: timeout.after), context: context)
            promise?.succeed()
        } else {
            context.triggerUserOutboundEvent(event, promise: promise)
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        let reason =
            (error as? RESPError) ?? .protocolViolation(endpoint: endpoint, reason: String(describing: error))
        fail(reason, context: context)
    }

    func channelInactive(context: ChannelHandlerContext) {
        failWaiting()
        context.fireChannelInactive()
    }

    func handlerRemoved(context: ChannelHandlerContext) { failWaiting() }

    private func fail(_ reason: RESPError, context: ChannelHandlerContext) {
        if !closed { self.reason = reason }
        failWaiting()
        context.close(promise: nil)
    }

    private func failWaiting() {
        closed = true
        while let next = waiting.popFirst() {
            next.reply.fail(reason ?? .connectionClosed(endpoint: endpoint, command: next.command))
        }
    }
}
