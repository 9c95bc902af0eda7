import ArgumentParser
import Planner
import Storage

/// `trainplan search MODEL --cluster NAME --num-gpus N --global-batch-size B`: every legal
/// layout of the cluster ranked by predicted step time, the top K printed (and saved as a
/// sweep with --save).
struct SearchCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "search",
    abstract:
      "Find the fastest layout that fits: every legal T, P, V, C, D, SP, micro-batch, recompute and ZeRO stage on a cluster, ranked by predicted step time.",
    discussion: """
      Any of --tensor-parallel, --pipeline-parallel, --virtual-stages, --context-parallel, \
      --sequence-parallel/--no-sequence-parallel, --batch-size, --recompute and --zero pins that \
      dimension. A layout fits by the rule of `plan`'s "fits" (the heaviest stage within the \
      GPU's memory less its reserve). It exits 0 whenever the options are valid, also when \
      nothing fits; `rejected` says why, by reason. The search defaults to bf16 and flash \
      attention, what large runs use.
      """)

  @OptionGroup var store: StoreOptions
  @OptionGroup var output: OutputOptions
  @OptionGroup var fineTuning: FineTuningOptions

  @Argument(help: "A saved model config's name.") var model: String
  @Option(
    name: .customLong("cluster"),
    help: "The cluster to search (see `trainplan cluster list`).",
    completion: NameCompletion.clusters)
  var cluster: String
  @Option(
    name: .customLong("num-gpus"), parsing: .unconditional, help: "GPUs in all, G = T·P·C·D.",
    transform: Count.parse)
  var numGpus: Int
  @Option(
    name: .customLong("global-batch-size"),
    parsing: .unconditional, help: "Global batch B: sequences per optimizer step.",
    transform: Count.parse)
  var globalBatchSize: Int
  @Option(
    name: .customLong("seq-len"), parsing: .unconditional,
    help: "Training sequence length S. (default: the model's context length)",
    transform: Count.parse)
  var seqLen: Int?
  @Option(name: .customLong("precision"), help: "Training precision: fp32, bf16 or fp16.")
  var precision = "bf16"
  @Option(name: .customLong("attention"), help: "Attention kernel: naive or flash.") var attention:
    AttentionKernel =
      .flash
  @Option(name: .customLong("method"), help: "Accounting: seed, detailed or megatron.") var method:
    AccountingMethod = .seed
  @Flag(
    name: .customLong("fp32-grads"),
    help: "Mixed precision with fp32 gradients (18 bytes per parameter).") var fp32Grads =
    false
  @Option(
    name: .customLong("reserve"),
    parsing: .unconditional,
    help: ArgumentHelp(
      "Memory kept by the framework. (default: the GPU's saved reserve)", valueName: "size"),
    transform: MemorySize.parseReserve)
  var reserve: Int?
  @Option(
    name: .customLong("steps"), parsing: .unconditional, help: "Run length in optimizer steps.",
    transform: Count.parse)
  var steps: Int?
  @Option(
    name: .customLong("tokens"), parsing: .unconditional, help: "Run length in tokens.",
    transform: Count.parse)
  var tokens: Int?

  @Option(
    name: [.customLong("tensor-parallel"), .customLong("tp")], parsing: .unconditional,
    help: "Pin T.", transform: Count.parse)
  var tensorParallel: Int?
  @Option(
    name: [.customLong("pipeline-parallel"), .customLong("pp")], parsing: .unconditional,
    help: "Pin P.", transform: Count.parse)
  var pipelineParallel: Int?
  @Option(
    name: .customLong("virtual-stages"), parsing: .unconditional, help: "Pin V.",
    transform: Count.parse) var virtualStages: Int?
  @Option(
    name: [.customLong("context-parallel"), .customLong("cp")], parsing: .unconditional,
    help: "Pin C.", transform: Count.parse)
  var contextParallel: Int?
  @Option(
    name: [.customLong("expert-parallel"), .customLong("ep")], parsing: .unconditional,
    help: "Pin E (MoE models; searched over the divisors of the experts otherwise).",
    transform: Count.parse)
  var expertParallel: Int?
  @Option(
    name: .customLong("capacity-factor"),
    parsing: .unconditional,
    help: ArgumentHelp(
      "MoE token dropping with this capacity factor, as `plan --capacity-factor`. (default: dropless)",
      valueName: "F"),
    transform: Real.parse)
  var capacityFactor: Double?
  @Flag(
    name: .customLong("sequence-parallel"), inversion: .prefixedNo,
    help: "Pin sequence parallelism on or off.") var sequenceParallel: Bool?
  @Option(
    name: .customLong("batch-size"), parsing: .unconditional, help: "Pin the micro-batch b.",
    transform: Count.parse)
  var batchSize: Int?
  @Option(name: .customLong("recompute"), help: "Pin the recomputation: none, selective or full.")
  var recompute: Recompute?
  @Option(
    name: .customLong("zero"), parsing: .unconditional, help: "Pin the ZeRO stage.",
    transform: Count.parse) var zero: Int?

  @Option(
    name: .customLong("top"),
    parsing: .unconditional, help: "How many layouts to show. (default: 10)", transform: Count.parse
  )
  var top = 10
  @Flag(
    name: .customLong("save"), help: "Store the ranked plans as a sweep (see `trainplan sweeps`).")
  var save = false

  func validate() throws {
    if top <= 0 { throw ValidationError("--top must be positive (got \(top))") }
    if steps != nil && tokens != nil {
      throw ValidationError("--steps and --tokens both set the run length; give one of them")
    }
  }

  func run() throws {
    var base = TrainingSetup(
      globalBatchSize: globalBatchSize,
      runLength: steps.map { .steps($0) } ?? tokens.map { .tokens($0) } ?? .computeOptimal,
      numGPUs: numGpus, precision: try SetupOptions.trainingPrecision(precision),
      attention: attention, fp32Gradients: fp32Grads, reserveBytes: reserve, method: method,
      sequenceLength: seqLen, capacityFactor: capacityFactor)
    base.numGPUs = numGpus
    base.training = try fineTuning.training()
    let store = try store.open()
    let (config, profile) = (
      try store.model(named: model).config, try store.cluster(named: cluster).profile
    )
    base.cluster = profile
    let pins = LayoutSearch.Pins(
      tensorParallel: tensorParallel, pipelineParallel: pipelineParallel,
      virtualStages: virtualStages, contextParallel: contextParallel,
      sequenceParallel: sequenceParallel, microBatch: batchSize, recompute: recompute,
      zeroStage: zero, expertParallel: expertParallel)
    let search = LayoutSearch(
      model: config, cluster: profile, numGPUs: numGpus, base: base, pins: pins)
    let result = try search.run(top: top)
    let saved = save && !result.plans.isEmpty ? try saveSweep(store, result.plans) : nil
    if output.json {
      print(json(result, saved: saved).text(pretty: true))
    } else {
      print(
        SearchReport(result: result, cluster: profile.name, sweepID: saved?.0).render(),
        terminator: "")
    }
  }

  /// The ranked plans as one sweep, best first, in one transaction.
  func saveSweep(_ store: Store, _ plans: [Plan]) throws -> (Int, [Int]) {
    let arguments = JSONValue.object([
      ("argv", .array(CommandLine.arguments.dropFirst().map { .string($0) })),
      ("models", .array([.string(model)])), ("gpus", .array([.string(plans[0].hardware.name)])),
      ("search", .string(cluster)),
    ])
    let writer = try store.beginSweep(arguments: arguments.text(), planned: plans.count)
    for plan in plans { try writer.add(plan) }
    try writer.commit()
    try store.finishSweep(writer.sweepID, status: .complete)
    return (writer.sweepID, [])
  }

  func json(_ r: LayoutSearch.Result, saved: (Int, [Int])?) -> JSONValue {
    .object([
      ("candidates", .int(r.candidates)),
      ("rejected", .object(r.rejected.sorted { $0.key < $1.key }.map { ($0.key, .int($0.value)) })),
      ("sweep_id", saved.map { .int($0.0) } ?? .null),
      (
        "plans",
        .array(
          r.plans.map {
            RecordJSON.plan($0, id: nil, createdAt: Timestamp.now(), sweepID: saved?.0)
          })
      ),
    ])
  }
}
