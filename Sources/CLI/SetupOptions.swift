import ArgumentParser
import Planner

/// The training-setup options `plan` and `fit` share (SPEC.md, "Training setups beyond the
/// seed"). Every default is the seed method's.
struct SetupOptions: ParsableArguments {
  @Option(
    name: .customLong("batch-size"),
    parsing: .unconditional,
    help:
      "Micro-batch b: sequences per GPU per forward/backward pass. (default: the largest that fits)",
    transform: Count.parse)
  var batchSize: Int?

  @Option(
    name: .customLong("precision"),
    help:
      "Training precision: fp32 (the seed), tf32, bf16/fp16 mixed precision, or fp8 (Transformer Engine: bf16 weights, fp32 master state)."
  )
  var precision: String = "fp32"

  @Option(
    name: .customLong("attention"),
    help: "Attention kernel: naive (keeps n·s² scores) or flash (FlashAttention, keeps none).")
  var attention: AttentionKernel = .naive

  @Option(
    name: .customLong("recompute"),
    help:
      "Activation recomputation: none, selective (drop the attention scores, recompute them) or full (keep block inputs, recompute one block at a time). (default: none)"
  )
  var recompute: Recompute?

  @Option(
    name: .customLong("checkpointing"),
    help: ArgumentHelp("The older name of --recompute: none or full.", valueName: "none|full"))
  var checkpointing: Checkpointing?

  @Option(
    name: .customLong("num-gpus"),
    parsing: .unconditional,
    help: "GPUs in all G; the data-parallel degree is G / (T·P·C). (default: 1)",
    transform: Count.parse)
  var numGpus: Int = 1

  @Option(
    name: .customLong("zero"),
    parsing: .unconditional,
    help:
      "ZeRO stage: 0 none, 1 shards optimizer state, 2 also gradients, 3 also parameters. (default: 0)",
    transform: Count.parse)
  var zero: Int = 0

  /// The precision's name and the two names of recomputation, checked as they are parsed.
  func validate() throws {
    _ = try Self.trainingPrecision(precision)
    _ = try Self.recompute(recompute, checkpointing)
  }

  /// The options as the planner takes them, with the run, fine-tuning and layout options the
  /// command holds beside these; a clear error for any that cannot be. The groups are the
  /// command's, not nested here: swift-argument-parser's debug build checks every group again at
  /// each level it is nested in (a debug `plan` took 0.18 s of CPU three levels deep, 0.05 s at
  /// one), thousands of times in the test suite.
  func setup(_ run: RunOptions, _ fineTuning: FineTuningOptions, _ layout: LayoutOptions) throws
    -> TrainingSetup
  {
    var setup = try run.setup()
    setup.training = try fineTuning.training()
    setup.layout = try layout.layout()
    setup.microBatchSize = batchSize
    setup.numGPUs = numGpus
    setup.precision = try Self.trainingPrecision(precision)
    setup.attention = attention
    setup.recompute = try Self.recompute(recompute, checkpointing)
    setup.zeroStage = zero
    return setup
  }

  /// `--recompute`, or `--checkpointing` under its older name (none|full only).
  static func recompute(_ recompute: Recompute?, _ checkpointing: Checkpointing?) throws
    -> Recompute
  {
    if checkpointing == .selective {
      throw CLIError("--checkpointing takes none or full; use --recompute selective")
    }
    if let recompute, let checkpointing, recompute != checkpointing {
      throw CLIError(
        "--recompute \(recompute.rawValue) and --checkpointing \(checkpointing.rawValue) disagree; give one of them"
      )
    }
    return recompute ?? checkpointing ?? .none
  }

  static func trainingPrecision(_ text: String, flag: String = "--precision") throws
    -> TrainingPrecision
  {
    if let precision = TrainingPrecision(rawValue: text.lowercased()) { return precision }
    throw CLIError("\(flag) must be fp32, tf32, bf16, fp16 or fp8 (got '\(text)')")
  }
}
