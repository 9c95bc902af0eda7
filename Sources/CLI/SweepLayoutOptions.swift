import ArgumentParser
import Planner

/// The model-parallel layouts of `sweep`: lists of T, P, C and V (`--tp 1,2,4`), swept as a
/// cross product; a single value is a list of one. The flags and their meaning are
/// `LayoutOptions`'s.
struct SweepLayoutOptions: ParsableArguments {
  @Option(
    name: [.customLong("tensor-parallel"), .customLong("tp")], parsing: .unconditional,
    help: ArgumentHelp(
      "Tensor-parallel degrees T: each layer's matrices split T ways; T divides the heads, KV heads and d_ff.",
      valueName: "list"))
  var tensorParallel = SweepList<Int>(argument: "1")

  @Option(
    name: [.customLong("pipeline-parallel"), .customLong("pp")], parsing: .unconditional,
    help: ArgumentHelp(
      "Pipeline-parallel degrees P: the layers split into P stages (1F1B schedule).",
      valueName: "list"))
  var pipelineParallel = SweepList<Int>(argument: "1")

  @Option(
    name: [.customLong("context-parallel"), .customLong("cp")], parsing: .unconditional,
    help: ArgumentHelp(
      "Context-parallel degrees C: each sequence split C ways; needs --attention flash.",
      valueName: "list"))
  var contextParallel = SweepList<Int>(argument: "1")

  @Option(
    name: .customLong("virtual-stages"),
    parsing: .unconditional,
    help: ArgumentHelp(
      "Model chunks per pipeline stage V: interleaved 1F1B when V > 1.", valueName: "list"))
  var virtualStages = SweepList<Int>(argument: "1")

  @Option(
    name: [.customLong("expert-parallel"), .customLong("ep")], parsing: .unconditional,
    help: ArgumentHelp(
      "Expert-parallel degrees E: an MoE model's routed experts split E ways; E divides the experts and D·C.",
      valueName: "list"))
  var expertParallel = SweepList<Int>(argument: "1")

  @Flag(
    name: .customLong("sequence-parallel"),
    help: "Sequence parallelism: split the norms' and dropouts' tensors T ways too (needs T > 1).")
  var sequenceParallel = false

  @Option(
    name: .customLong("pipeline-layers"),
    help: ArgumentHelp(
      "Layers per pipeline stage, e.g. 5,6,6,5 (default: an even split, or the most even one).",
      valueName: "n,n,..."))
  var pipelineLayers: String?

  func validate() throws {
    try tensorParallel.check("--tensor-parallel")
    try pipelineParallel.check("--pipeline-parallel")
    try contextParallel.check("--context-parallel")
    try virtualStages.check("--virtual-stages")
    try expertParallel.check("--expert-parallel")
    _ = try pipelineLayers.map(LayoutOptions.stageLayers)
  }

  /// Every layout of the lists, T outermost; more than `maximum` is refused before any is
  /// built (four lists of a million values each would not fit in memory).
  func layouts(maximum: Int) throws -> [ParallelLayout] {
    let counts = [tensorParallel, pipelineParallel, contextParallel, virtualStages, expertParallel]
      .map(\.values.count)
    var total = 1
    for n in counts {
      let product = total.multipliedReportingOverflow(by: n)
      total = product.overflow ? Int.max : product.partialValue
    }
    guard total <= maximum else {
      throw CLIError(
        "--tensor-parallel × --pipeline-parallel × --context-parallel × --virtual-stages × --expert-parallel make \(Units.grouped(total)) layouts, more than \(Units.grouped(maximum))"
      )
    }
    let split = try pipelineLayers.map(LayoutOptions.stageLayers)
    return tensorParallel.values.flatMap { t in
      pipelineParallel.values.flatMap { p in
        contextParallel.values.flatMap { c in
          virtualStages.values.flatMap { v in
            expertParallel.values.map { e in
              ParallelLayout(
                tensorParallel: t, pipelineParallel: p, contextParallel: c, virtualStages: v,
                sequenceParallel: sequenceParallel, pipelineLayers: split, expertParallel: e)
            }
          }
        }
      }
    }
  }
}
