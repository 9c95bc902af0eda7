import ArgumentParser
import Planner

/// The model-parallel layout of `plan`, `fit` and `sweep`: how one data-parallel replica's
/// GPUs split the model. `--num-gpus` stays the total, G = T·P·C·D.
struct LayoutOptions: ParsableArguments {
  @Option(
    name: [.customLong("tensor-parallel"), .customLong("tp")], parsing: .unconditional,
    help: ArgumentHelp(
      "Tensor parallel T: each layer's matrices split T ways; T divides the heads, KV heads and d_ff. (default: 1)",
      valueName: "T"),
    transform: Count.parse)
  var tensorParallel: Int = 1

  @Option(
    name: [.customLong("pipeline-parallel"), .customLong("pp")], parsing: .unconditional,
    help: ArgumentHelp(
      "Pipeline parallel P: the layers split into P stages (1F1B schedule). (default: 1)",
      valueName: "P"),
    transform: Count.parse)
  var pipelineParallel: Int = 1

  @Option(
    name: [.customLong("context-parallel"), .customLong("cp")], parsing: .unconditional,
    help: ArgumentHelp(
      "Context parallel C: each sequence split C ways; needs --attention flash. (default: 1)",
      valueName: "C"),
    transform: Count.parse)
  var contextParallel: Int = 1

  @Option(
    name: .customLong("virtual-stages"),
    parsing: .unconditional,
    help: ArgumentHelp(
      "Model chunks per pipeline stage V: interleaved 1F1B when V > 1. (default: 1)",
      valueName: "V"),
    transform: Count.parse)
  var virtualStages: Int = 1

  @Flag(
    name: .customLong("sequence-parallel"),
    help: "Sequence parallelism: split the norms' and dropouts' tensors T ways too (needs T > 1).")
  var sequenceParallel = false

  @Option(
    name: [.customLong("expert-parallel"), .customLong("ep")], parsing: .unconditional,
    help: ArgumentHelp(
      "Expert parallel E: an MoE model's routed experts split E ways over the data-parallel × context-parallel ranks; E divides the experts and D·C. (default: 1)",
      valueName: "E"),
    transform: Count.parse)
  var expertParallel: Int = 1

  @Option(
    name: .customLong("pipeline-layers"),
    help: ArgumentHelp(
      "Layers per pipeline stage, e.g. 5,6,6,5 (default: an even split, or the most even one).",
      valueName: "n,n,..."))
  var pipelineLayers: String?

  func layout() throws -> ParallelLayout {
    ParallelLayout(
      tensorParallel: tensorParallel, pipelineParallel: pipelineParallel,
      contextParallel: contextParallel, virtualStages: virtualStages,
      sequenceParallel: sequenceParallel,
      pipelineLayers: try pipelineLayers.map(Self.stageLayers), expertParallel: expertParallel)
  }

  /// `--pipeline-layers 5,6,6,5`: a whole number of layers per stage.
  static func stageLayers(_ text: String) throws -> [Int] {
    try ListArgument.items(text, flag: "--pipeline-layers").map { item in
      do { return try Count.parse(item) } catch {
        throw CLIError("--pipeline-layers '\(item)' is not a whole number of layers")
      }
    }
  }
}

extension Recompute: EnumArgument {}
