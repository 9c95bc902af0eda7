import Foundation
import Testing

@testable import CLI

/// Progress on a file or pipe: every 10%, and at least every 10 seconds in between.
@Suite struct ProgressReporterTests {
  @Test func aSlowJobWritesALineAtLeastEveryTenSeconds() {
    let progress = ProgressReporter(total: 1_000_000, label: "sweep 1")
    progress.terminal = false
    var lines: [String] = []
    progress.output = { lines.append($0) }
    let start = progress.start
    progress.update(64, now: start.addingTimeInterval(1))
    #expect(lines.isEmpty)
    progress.update(128, now: start.addingTimeInterval(10.5))
    #expect(lines.count == 1 && lines[0].hasPrefix("sweep 1 128/1,000,000"))
    progress.update(192, now: start.addingTimeInterval(12))
    #expect(lines.count == 1)
    progress.update(102_400, now: start.addingTimeInterval(13))
    #expect(lines.count == 2, "the 10% line")
    progress.update(1_000_000, now: start.addingTimeInterval(14))
    #expect(lines.count == 3 && lines[2].contains("(100%)"))
  }
}
