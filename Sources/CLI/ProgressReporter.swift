import Foundation

/// Progress of a long job on stderr: a bar with rate and ETA redrawn in place on a terminal,
/// plain lines (about every 10%) when stderr is a file or pipe.
final class ProgressReporter {
  let total: Int
  let label: String
  let start = Date()
  let terminal = Terminal.isStandardError
  private var lastDraw = Date.distantPast
  private var lastTenth = -1

  init(total: Int, label: String) {
    self.total = max(total, 1)
    self.label = label
  }

  /// Cheap to call per item: it looks at the clock every 4,096 items only.
  func update(_ done: Int) {
    guard done & 4_095 == 0 || done == total else { return }
    let now = Date()
    if terminal {
      guard now.timeIntervalSince(lastDraw) >= 0.1 || done == total else { return }
      lastDraw = now
      write("\r" + line(done, now: now) + "\u{1B}[K")
    } else {
      let tenth = done * 10 / total
      guard tenth > lastTenth else { return }
      lastTenth = tenth
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

  private func write(_ text: String) { FileHandle.standardError.write(Data(text.utf8)) }
}
