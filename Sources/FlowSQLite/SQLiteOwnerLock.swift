import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// The one-owner rule of a store: an exclusive `flock` on the file, which the kernel releases when the
/// owner exits, even by SIGKILL, so a crash never blocks the next owner.
///
/// Invariant: held from `init` until the lock is deallocated.
final class SQLiteOwnerLock {
    private let descriptor: Int32

    /// Takes the lock on `path` (creating the file when missing), or throws: `purpose` says what the refused
    /// caller should do instead.
    init(path: String, purpose: String) throws(SQLiteStoreError) {
        descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            throw SQLiteStoreError(path: path, "cannot open the store: \(String(cString: strerror(errno)))")
        }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            close(descriptor)
            throw SQLiteStoreError(path: path, "another flow run owns this store; \(purpose)")
        }
    }

    deinit { close(descriptor) }
}
