import ArgumentParser
import Planner
import Storage

/// The options every plan of a command shares: run length, global batch, MFU, reserve and
/// accounting method (`plan`, `fit` and `sweep`). The layout is apart: one for `plan` and
/// `fit` (`LayoutOptions`), lists for `sweep` (`SweepLayoutOptions`).
struct RunOptions: ParsableArguments {
  @Option(
    name: .customLong("global-batch-size"),
    parsing: .unconditional,
    help: ArgumentHelp(
      "Global batch B: sequences per optimizer step. (default: b × --num-gpus)",
      valueName: "sequences"),
    transform: Count.parse)
  var globalBatchSize: Int?

  @Option(
    name: .customLong("steps"),
    parsing: .unconditional,
    help: ArgumentHelp("Run length in optimizer steps, e.g. 400000 or 400k.", valueName: "n"),
    transform: Count.parse)
  var steps: Int?

  @Option(
    name: .customLong("tokens"),
    parsing: .unconditional,
    help: ArgumentHelp(
      "Run length in tokens, e.g. 300B or 3e11. (default: 20 tokens per parameter, Hoffmann et al. 2022)",
      valueName: "n"),
    transform: Count.parse)
  var tokens: Int?

  @Option(
    name: .customLong("mfu"),
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
    name: .customLong("reserve"),
    parsing: .unconditional,
    help: ArgumentHelp(
      "Memory kept by the framework (CUDA context, allocator slack), e.g. 2GiB. (default: the GPU's saved reserve, 0 for presets)",
      valueName: "size"),
    transform: MemorySize.parseReserve)
  var reserve: Int?

  @Option(
    name: .customLong("method"),
    help:
      "Accounting: seed (SPEC's formulas, exact), detailed (every parameter; the activations and FLOPs of the PyTorch reference implementation) or megatron (Megatron-LM's: Korthikanti et al. 2022; bf16/fp16 only)."
  )
  var method: AccountingMethod = .seed

  @Flag(
    name: .customLong("fp32-grads"),
    help:
      "Mixed precision with fp32 gradients (18 bytes per parameter, as Megatron keeps them) instead of SPEC's 16."
  )
  var fp32Grads = false

  @Option(
    name: .customLong("capacity-factor"),
    parsing: .unconditional,
    help: ArgumentHelp(
      "MoE token dropping: each expert takes ceil(tokens × top-k × F / experts) of a micro-batch's tokens, padded to that many (Megatron's capacity factor), F in [0.01, 1000]. (default: dropless)",
      valueName: "F"),
    transform: Real.parse)
  var capacityFactor: Double?

  @Option(
    name: .customLong("cluster"),
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

  func validate() throws {
    if steps != nil && tokens != nil {
      throw CLIError("--steps and --tokens both set the run length; give one of them")
    }
  }

  /// The options as the planner takes them (`validate()` has refused conflicting ones).
  func setup() throws -> TrainingSetup {
    let runLength: RunLength =
      steps.map { .steps($0) } ?? tokens.map { .tokens($0) } ?? .computeOptimal
    return TrainingSetup(
      globalBatchSize: globalBatchSize, runLength: runLength, mfu: mfu, fp32Gradients: fp32Grads,
      reserveBytes: reserve, method: method, sequenceLength: seqLen,
      capacityFactor: capacityFactor)
  }
}
