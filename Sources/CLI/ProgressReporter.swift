#if canImport(FoundationEssentials)
  import FoundationEssentials
#else
  import Foundation
#endif

/// Progress of a long job on stderr: a bar with rate and ETA redrawn in place on a terminal,
/// plain lines (every 10%, and at least every 10 seconds) when stderr is a file or pipe, so a
/// log shows a slow job is alive. Best-effort: a closed, full or broken stderr loses the
/// lines and nothing else.
final class ProgressReporter {
  let total: Int
  let label: String
  let start = Date()
  var terminal = Terminal.isStandardError
  /// Where lines go: stderr, best-effort (a test collects them instead).
  var output: (String) -> Void = StandardStreams.writeError
  /// The last line drawn (a terminal) or written (a file or pipe); the start at first.
  private lazy var lastDraw = start
  private var lastTenth = -1
  /// The longest a file or pipe goes without a line.
  static let plainInterval: TimeInterval = 10

  init(total: Int, label: String) {
    self.total = max(total, 1)
    self.label = label
  }

  /// Cheap to call per item: it looks at the clock every 64 items only (a plan that searches
  /// for its largest micro-batch can take milliseconds, so 4,096 items could take too long).
  /// The 10% lines are considered every 4,096 items, as before, so a short job prints only
  /// its last line.
  func update(_ done: Int, now: @autoclosure () -> Date = Date()) {
    guard done & 63 == 0 || done == total else { return }
    let now = now()
    if terminal {
      guard now.timeIntervalSince(lastDraw) >= 0.1 || done == total else { return }
      lastDraw = now
      write("\r" + line(done, now: now) + "\u{1B}[K")
    } else {
      let tenth = done * 10 / total
      let tenthDue = (done & 4_095 == 0 || done == total) && tenth > lastTenth
      let timeDue = now.timeIntervalSince(lastDraw) >= Self.plainInterval
      guard tenthDue || timeDue else { return }
      (lastTenth, lastDraw) = (max(tenth, lastTenth), now)
      write(line(done, now: now) + "\n")
    }
  }

  func finish() { if terminal { write("\n") } }

  func line(_ done: Int, now: Date) -> String {
    let seconds = max(now.timeIntervalSince(start), 1e-9)
    let rate = Double(done) / seconds
    let eta = rate > 0 ? Double(total - done) / rate : 0
    let percent = Double(done) * 100 / Double(total)
    var text =
      "\(label) \(Units.grouped(done))/\(Units.grouped(total)) (\(Units.fixed(percent, 0))%)"
    text += " \(Units.grouped(Int(rate))) plans/s, ETA \(Units.fixed(eta, 0)) s"
    guard terminal else { return text }
    let filled = Int(percent / 100 * 30)
    return "[" + String(repeating: "#", count: filled) + String(repeating: ".", count: 30 - filled)
      + "] " + text
  }

  private func write(_ text: String) { output(text) }
}
