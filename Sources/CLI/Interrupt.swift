import Foundation
import Synchronization

/// Ctrl-C (SIGINT) and SIGTERM as a flag a long loop polls, so it can stop between rows,
/// roll back the open chunk and say what was kept, instead of dying midway.
enum Interrupt {
  static let flag = Atomic<Bool>(false)

  static func install() {
    for sig in [SIGINT, SIGTERM] {
      signal(sig) { _ in Interrupt.flag.store(true, ordering: .relaxed) }
    }
  }

  static var requested: Bool { flag.load(ordering: .relaxed) }

  /// Makes Ctrl-C and SIGTERM deliverable. A blocked signal mask is inherited: a parent that
  /// blocks them (Foundation's `Process` spawns from threads that do) would otherwise leave a
  /// sweep deaf to them, so it could not stop cleanly and mark itself incomplete.
  static func unblock() {
    var signals = sigset_t()
    sigemptyset(&signals)
    sigaddset(&signals, SIGINT)
    sigaddset(&signals, SIGTERM)
    pthread_sigmask(SIG_UNBLOCK, &signals, nil)
  }
}
