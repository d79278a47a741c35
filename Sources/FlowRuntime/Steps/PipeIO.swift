import Dispatch
import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Blocking I/O on a child process's pipes, on threads of their own, so no queue of the runtime ever blocks.
///
/// Why not DispatchIO: on Linux, registering and tearing down libdispatch's epoll sources for many short-lived
/// descriptors races and crashes the process in `_dispatch_event_loop_drain` (swift-corelibs-libdispatch#949;
/// it reproduced here with per-event `exec` under the test suite). A blocking read or write never registers
/// the descriptor with libdispatch. Each descriptor is used and closed by exactly one thread.
enum PipeIO {
    /// Reads `handle` until end of file (or an error) on a new thread named `name`: each chunk goes to
    /// `chunk` on `queue`, then `end` runs on `queue` once; the handle is closed before `end` is queued.
    static func drain(
        _ handle: FileHandle,
        name: String,
        queue: DispatchQueue,
        scheduler: any FlowScheduler,
        chunk: @escaping @Sendable ([UInt8]) -> Void,
        end: @escaping @Sendable () -> Void
    ) {
        let thread = Thread {
            let descriptor = handle.fileDescriptor
            var buffer = [UInt8](repeating: 0, count: 1 << 16)
            while true {
                let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress!, $0.count) }
                if count < 0, errno == EINTR { continue }
                guard count > 0 else { break }
                let bytes = Array(buffer[..<count])
                scheduler.execute(on: queue) { chunk(bytes) }
            }
            try? handle.close()
            scheduler.execute(on: queue, end)
        }
        thread.name = name
        thread.start()
    }

    /// Writes all of `bytes` to `handle` on a new thread, then closes it, so the child sees end of file. A
    /// child that exits without reading makes the write fail with EPIPE (SIGPIPE is ignored): the rest is
    /// dropped, the child's exit tells the outcome.
    static func writeAndClose(_ bytes: [UInt8], to handle: FileHandle, name: String) {
        let thread = Thread {
            writeAll(bytes, to: handle.fileDescriptor)
            try? handle.close()
        }
        thread.name = name
        thread.start()
    }

    /// Writes all of `bytes` to `descriptor`, blocking; stops at the first error other than EINTR.
    static func writeAll(_ bytes: [UInt8], to descriptor: Int32) {
        bytes.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let written = write(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
                if written > 0 {
                    offset += written
                } else if written < 0, errno == EINTR {
                    continue
                } else {
                    return
                }
            }
        }
    }
}
