import ArgumentParser
import Planner
import Storage

/// The training-setup options `plan` and `fit` share (SPEC.md, "Training setups beyond the
/// seed"). Every default is the seed method's.
struct SetupOptions: ParsableArguments {
  @Option(
    parsing: .unconditional,
    help:
      "Micro-batch b: sequences per GPU per forward/backward pass. (default: the largest that fits)",
    transform: Count.parse)
  var batchSize: Int?

  @Option(
    help:
      "Training precision: fp32 (the seed), tf32, bf16/fp16 mixed precision, or fp8 (Transformer Engine: bf16 weights, fp32 master state)."
  )
  var precision: String = "fp32"

  @Option(
    help: "Attention kernel: naive (keeps n·s² scores) or flash (FlashAttention, keeps none).")
  var attention: AttentionKernel = .naive

  @Option(
    help:
      "Activation recomputation: none, selective (drop the attention scores, recompute them) or full (keep block inputs, recompute one block at a time). (default: none)"
  )
  var recompute: Recompute?

  @Option(
    help: ArgumentHelp("The older name of --recompute: none or full.", valueName: "none|full"))
  var checkpointing: Checkpointing?

  @Option(
    parsing: .unconditional, help: "Data-parallel GPUs G. (default: 1)", transform: Count.parse)
  var numGpus: Int = 1

  @Option(
    parsing: .unconditional,
    help:
      "ZeRO stage: 0 none, 1 shards optimizer state, 2 also gradients, 3 also parameters. (default: 0)",
    transform: Count.parse)
  var zero: Int = 0

  @OptionGroup var run: RunOptions

  /// The options as the planner takes them; a clear error for any that cannot be.
  func setup() throws -> TrainingSetup {
    var setup = try run.setup()
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

/// The options every plan of a command shares: run length, global batch, MFU, reserve and
/// accounting method (`plan`, `fit` and `sweep`).
struct RunOptions: ParsableArguments {
  @Option(
    parsing: .unconditional,
    help: ArgumentHelp(
      "Global batch B: sequences per optimizer step. (default: b × --num-gpus)",
      valueName: "sequences"),
    transform: Count.parse)
  var globalBatchSize: Int?

  @Option(
    parsing: .unconditional,
    help: ArgumentHelp("Run length in optimizer steps, e.g. 400000 or 400k.", valueName: "n"),
    transform: Count.parse)
  var steps: Int?

  @Option(
    parsing: .unconditional,
    help: ArgumentHelp(
      "Run length in tokens, e.g. 300B or 3e11. (default: 20 tokens per parameter, Hoffmann et al. 2022)",
      valueName: "n"),
    transform: Count.parse)
  var tokens: Int?

  @Option(
    parsing: .unconditional, help: "Model FLOPs utilisation, in [1e-60, 1]. (default: 0.5)",
    transform: Real.parse)
  var mfu: Double = 0.5

  @Option(
    name: .customLong("seq-len"), parsing: .unconditional,
    help: ArgumentHelp(
      "Training sequence length S in tokens. (default: the model's context length)",
      valueName: "tokens"),
    transform: Count.parse)
  var seqLen: Int?

  @Option(
    parsing: .unconditional,
    help: ArgumentHelp(
      "Memory kept by the framework (CUDA context, allocator slack), e.g. 2GiB. (default: the GPU's saved reserve, 0 for presets)",
      valueName: "size"),
    transform: MemorySize.parseReserve)
  var reserve: Int?

  @Option(
    help:
      "Accounting: seed (SPEC's formulas, exact), detailed (every parameter; the activations and FLOPs of the PyTorch reference implementation) or megatron (Megatron-LM's: Korthikanti et al. 2022; bf16/fp16 only)."
  )
  var method: AccountingMethod = .seed

  @Flag(
    help:
      "Mixed precision with fp32 gradients (18 bytes per parameter, as Megatron keeps them) instead of SPEC's 16."
  )
  var fp32Grads = false

  @OptionGroup var layout: LayoutOptions
  @OptionGroup var fineTuning: FineTuningOptions

  @Option(
    help: ArgumentHelp(
      "Predict the step time on this cluster (see `trainplan cluster list`); the GPU is the cluster's.",
      valueName: "name"), completion: NameCompletion.clusters)
  var cluster: String?

  /// The cluster `--cluster` names, from the database; nil without it.
  func cluster(in store: Store) throws -> ClusterProfile? {
    try cluster.map { name in try store.cluster(named: name).profile }
  }

  /// The GPUs a command plans on: the cluster's alone with --cluster (a GPU list beside it
  /// is refused), else `otherwise`.
  func gpus(
    _ cluster: ClusterProfile?, listed: String?, flag: String,
    otherwise: () throws -> [HardwareProfile]
  )
    throws -> [HardwareProfile]
  {
    guard let cluster else { return try otherwise() }
    if listed != nil {
      throw CLIError(
        "\(flag) and --cluster both choose the GPU; the cluster's is \(cluster.gpu.name)")
    }
    return [cluster.gpu]
  }

  func setup() throws -> TrainingSetup {
    if steps != nil && tokens != nil {
      throw CLIError("--steps and --tokens both set the run length; give one of them")
    }
    let runLength: RunLength =
      steps.map { .steps($0) } ?? tokens.map { .tokens($0) } ?? .computeOptimal
    var setup = TrainingSetup(
      globalBatchSize: globalBatchSize, runLength: runLength, mfu: mfu, fp32Gradients: fp32Grads,
      reserveBytes: reserve, method: method, sequenceLength: seqLen, layout: try layout.layout())
    setup.training = try fineTuning.training()
    return setup
  }
}
