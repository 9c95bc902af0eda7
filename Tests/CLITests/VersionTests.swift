import CLI
import Foundation
import TestSupport
import Testing

/// `trainplan --version` is answered before the parser runs (issue 17's start-up): the built
/// binary must print what the parser prints, with the same exit code, and any other spelling
/// must still reach the parser.
@Suite struct VersionTests {
  let binary = TrainplanRunner()

  /// The parser's own answer, in process: `execute` always parses.
  func parsersAnswer() -> (status: Int32, stdout: String, stderr: String) {
    let output = CommandOutput()
    let status = CommandOutput.$current.withValue(output) { Trainplan.execute(["--version"]) }
    return (status, output.standardOutput, output.standardError)
  }

  @Test func theBinaryPrintsWhatTheParserPrints() throws {
    let parser = parsersAnswer()
    #expect(parser.status == 0 && parser.stderr.isEmpty)
    #expect(parser.stdout == Trainplan.configuration.version + "\n")
    let early = try TestSupport.run(
      binary.binary, ["--version"], environment: binary.environment, in: binary.folder)
    #expect(!early.signaled)
    #expect(early.status == parser.status)
    #expect(early.stdout == parser.stdout)
    #expect(early.stderr == parser.stderr)
  }

  /// Spellings the early answer leaves to the parser, which answers them the same way.
  @Test func otherSpellingsGoThroughTheParser() throws {
    let parser = parsersAnswer()
    for args in [
      ["--version", "--db", binary.db], ["--db", binary.db, "--version"], ["fit", "--version"],
    ] {
      let r = try TestSupport.run(
        binary.binary, args, environment: binary.environment, in: binary.folder)
      #expect(!r.signaled, "\(args)")
      #expect(r.status == parser.status, "\(args): \(r.stderr)")
      #expect(r.stdout == parser.stdout && r.stderr == parser.stderr, "\(args): \(r.stdout)")
    }
  }
}
