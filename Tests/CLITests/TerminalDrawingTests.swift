import Foundation
import Planner
import Storage
import TestSupport
import Testing

@testable import CLI

/// `plan`'s memory bar and `fit`'s coloured cells: only on a terminal or when asked, so piped
/// output keeps its bytes.
@Suite struct TerminalDrawingTests {
  let cli = TrainplanRunner()
  let plan = ["plan", "seed-gpt2-xl", "a100-80gb", "--global-batch-size", "1024", "--no-save"]

  @Test func pipedOutputIsUnchangedUnlessColourIsForced() throws {
    let plain = try cli.run(plan).stdout
    #expect(!plain.contains("\u{1B}") && !plain.contains("█"))
    #expect(try cli.run(plan + ["--color", "auto"]).stdout == plain)
    #expect(try cli.run(plan + ["--color", "never"]).stdout == plain)
    let fit = try cli.run("fit --models gpt2-xl --gpus a100-80gb,t4")
    #expect(
      try cli.run("fit --models gpt2-xl --gpus a100-80gb,t4 --color never").stdout == fit.stdout)
    #expect(!fit.stdout.contains("\u{1B}"))
  }

  @Test func forcedColourDrawsOneBarPerStageAndColoursFitCells() throws {
    let forced = try cli.run(plan + ["--color", "always"]).stdout
    #expect(forced.contains("\u{1B}[34m█"))
    #expect(forced.contains(" parameters  "))
    let piped = try cli.run(
      "plan llama-2-7b h100-sxm --precision bf16 --num-gpus 16 --tp 2 --pp 4 --global-batch-size 64 --no-save --color always"
    ).stdout
    for k in 0..<4 { #expect(piped.contains("  stage \(k) ")) }
    let fit = try cli.run(
      "fit --models gpt2-xl,llama-3-70b --gpus a100-80gb,t4 --color always --precision bf16"
    ).stdout
    #expect(fit.contains("\u{1B}[32m"))  // fits
    #expect(fit.contains("\u{1B}[31mnone"))  // does not fit
    #expect(fit.contains("\u{1B}[2mn/a"))  // no plan: t4 has no bf16
  }

  @Test func noColorTurnsAutoOffButNotAnExplicitAlways() {
    let env = ["NO_COLOR": "1"]
    #expect(
      TerminalStyle(.auto, isTerminal: true, environment: [:])
        == TerminalStyle(bars: true, colour: true))
    #expect(
      TerminalStyle(.auto, isTerminal: true, environment: env)
        == TerminalStyle(bars: true, colour: false))
    #expect(TerminalStyle(.auto, isTerminal: true, environment: ["NO_COLOR": ""]).colour)
    #expect(TerminalStyle(.auto, isTerminal: false, environment: [:]) == .plain)
    #expect(
      TerminalStyle(.never, isTerminal: true, environment: [:])
        == TerminalStyle(bars: true, colour: false))
    #expect(TerminalStyle(.never, isTerminal: false, environment: [:]) == .plain)
    #expect(
      TerminalStyle(.always, isTerminal: false, environment: env)
        == TerminalStyle(bars: true, colour: true))
  }

  @Test func barIsTheMemoryAgainstTheCapacity() throws {
    let folder = TemporaryFolder()
    let store = try Store(path: folder.file("t.sqlite"))
    let gpu = try store.gpu(named: "a100-80gb").profile
    let fits = try Planner.plan(
      model: try store.model(named: "seed-gpt2-small").config, hardware: gpu,
      setup: TrainingSetup(microBatchSize: 1))
    let over = try Planner.plan(
      model: try store.model(named: "llama-3-70b").config, hardware: gpu,
      setup: TrainingSetup(microBatchSize: 1))
    let plainBar = { (p: Plan) in
      MemoryBar(plan: p, style: TerminalStyle(bars: true, colour: false)).render()
        .split(separator: "\n")[0]
    }
    let a = plainBar(fits)
    #expect(a.hasPrefix("  █▓▒░"))  // every part shows, however small
    #expect(a.contains("·"))  // spare room
    #expect(!a.contains("!"))
    // Spare and reserve end at the capacity mark: 50 cells, then "|".
    #expect(a.dropFirst(2).prefix { $0 != "|" }.count == 50)
    let b = plainBar(over)
    #expect(b.contains("!"))  // past the usable memory
    #expect(!b.contains("·"))
  }
}

/// Names complete from the database the command line would use.
@Suite struct NameCompletionTests {
  let folder = TemporaryFolder()

  @Test func modelAndGPUNamesComeFromTheDatabaseInUse() throws {
    let db = folder.file("c.sqlite")
    let store = try Store(path: db)
    try store.saveGPU(
      HardwareProfile(name: "my-gpu", memoryBytes: 1 << 34, peak: PeakThroughput(fp32: 1e13)))
    let words = ["trainplan", "--db", db, "plan", "my"]
    #expect(
      NameCompletion.complete(.gpu, words: words, prefix: "my", environment: [:]) == ["my-gpu"])
    #expect(
      NameCompletion.complete(.model, words: words, prefix: "gpt2-x", environment: [:]) == [
        "gpt2-xl"
      ])
    // --db=PATH and TRAINPLAN_DB find it too.
    #expect(
      NameCompletion.complete(
        .gpu, words: ["trainplan", "--db=\(db)"], prefix: "my", environment: [:]) == ["my-gpu"])
    #expect(
      NameCompletion.complete(
        .gpu, words: ["trainplan"], prefix: "my", environment: ["TRAINPLAN_DB": db]) == ["my-gpu"])
    // A list completes its last item.
    #expect(
      NameCompletion.completeList(.gpu, words: words, prefix: "a100-80gb,my", environment: [:]) == [
        "a100-80gb,my-gpu"
      ])
  }

  @Test func aMissingDatabaseCompletesNothingAndIsNotCreated() {
    let db = folder.file("absent.sqlite")
    #expect(
      NameCompletion.complete(
        .model, words: ["trainplan", "--db", db], prefix: "", environment: [:]
      ).isEmpty)
    #expect(!FileManager.default.fileExists(atPath: db))
  }

  @Test func theScriptsAskTheBinary() throws {
    let cli = TrainplanRunner()
    for shell in ["bash", "zsh", "fish"] {
      let r = try TestSupport.run(
        cli.binary, ["--generate-completion-script", shell], environment: cli.environment,
        in: cli.folder)
      #expect(r.status == 0)
      #expect(r.stdout.contains("---completion plan -- positional@0"), "\(shell)")
    }
    try cli.run("gpu list")
    let r = try TestSupport.run(
      cli.binary,
      [
        "---completion", "plan", "--", "positional@1", "5", "2", "trainplan", "--db", cli.db,
        "plan", "gpt2-xl", "h1",
      ],
      environment: cli.environment, in: cli.folder)
    #expect(r.stdout.split(separator: "\n") == ["h100-pcie", "h100-sxm"])
  }
}
