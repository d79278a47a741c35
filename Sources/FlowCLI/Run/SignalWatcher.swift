import Dispatch
import Foundation

/// Turns SIGINT and SIGTERM into a graceful stop: the first signal calls `onFirst`; a second one exits at
/// once with status 130, for when a drain takes longer than the user will wait.
///
/// `@unchecked Sendable`: `count` and `sources` are touched only on `queue`.
final class SignalWatcher: @unchecked Sendable {
    private let queue = DispatchQueue(label: "flow.signals")
    private var sources: [any DispatchSourceSignal] = []
    private var count = 0

    init(onFirst: @escaping @Sendable (Int32) -> Void) {
        for number in [SIGINT, SIGTERM] {
            // A handler that does nothing, not SIG_IGN: an ignored signal stays ignored in exec children,
            // while a caught one is reset to its default when the child starts.
            signal(number) { _ in }
            let source = DispatchSource.makeSignalSource(signal: number, queue: queue)
            source.setEventHandler { [unowned self] in
                self.count += 1
                if self.count == 1 {
                    onFirst(number)
                } else {
                    Console.shared.clearProgress()
                    Console.write("flow: second signal, exiting without waiting for in-flight events\n")
                    fflush(nil)
                    _exit(130)
                }
            }
            source.resume()
            sources.append(source)
        }
    }
}
