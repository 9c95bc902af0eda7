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
}
