import Synchronization

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Ctrl-C (SIGINT) and SIGTERM as a flag a long loop polls, so it can stop between rows,
/// roll back the open chunk and say what was kept, instead of dying midway.
enum Interrupt {
  /// The signal received, 0 while none was.
  static let received = Atomic<Int32>(0)

  static func install() {
    for sig in [SIGINT, SIGTERM] {
      signal(sig) { sig in Interrupt.received.store(sig, ordering: .relaxed) }
    }
  }

  static var requested: Bool { received.load(ordering: .relaxed) != 0 }

  /// The shell's code for a command stopped by the signal received: 130 for SIGINT, 143 for
  /// SIGTERM.
  static var exitCode: Int32 { 128 + received.load(ordering: .relaxed) }

  static var signalName: String {
    received.load(ordering: .relaxed) == SIGTERM ? "SIGTERM" : "SIGINT"
  }

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
