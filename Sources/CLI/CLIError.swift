import ConfigImport
import Planner
import Storage

/// An error for the user: one line naming the field and the rule. `Trainplan.report` prints it
/// after "Error: " and exits non-zero.
struct CLIError: Error, CustomStringConvertible {
  let description: String

  init(_ description: String) { self.description = description }

  /// The planner's and the store's errors, with fields spelled as the flags that set them.
  /// Commands throw them as they are; `Trainplan.report` turns them into messages here, once.
  init(_ error: Error) {
    switch error {
    case let e as PlannerError: description = e.message(naming: Self.flag)
    case let e as StoreError: description = e.description
    case let e as ConfigImportError: description = e.description
    case let e as DatabaseError:
      description =
        e.sqlState.map { "database error: \(e.message) (PostgreSQL SQLSTATE \($0))" }
        ?? "database error: \(e.message) (SQLite code \(e.extendedResultCode))"
    case let e as CLIError: description = e.description
    default: description = "\(error)"
    }
  }

  /// The flag a planner field is typed with.
  static func flag(_ field: Field) -> String {
    switch field {
    case .name: return "NAME"
    case .vocabSize: return "--vocab-size"
    case .contextLength: return "--context-length"
    case .numLayers: return "--layers"
    case .dModel: return "--d-model"
    case .numHeads: return "--heads"
    case .numKVHeads: return "--kv-heads"
    case .dFF: return "--d-ff"
    case .memoryBytes: return "--memory"
    case .reserveBytes: return "--reserve"
    case .fp32FLOPS: return "--fp32-tflops"
    case .tf32FLOPS: return "--tf32-tflops"
    case .bf16FLOPS: return "--bf16-tflops"
    case .fp16FLOPS: return "--fp16-tflops"
    case .fp8FLOPS: return "--fp8-tflops"
    case .pricePerHour: return "--price-per-hour"
    case .powerWatts: return "--power-watts"
    case .batchSize: return "--batch-size"
    case .globalBatchSize: return "--global-batch-size"
    case .steps: return "--steps"
    case .tokens: return "--tokens"
    case .mfu: return "--mfu"
    case .numGPUs: return "--num-gpus"
    case .zeroStage: return "--zero"
    case .precision: return "--precision"
    case .seqLen: return "--seq-len"
    case .tensorParallel: return "--tensor-parallel"
    case .pipelineParallel: return "--pipeline-parallel"
    case .contextParallel: return "--context-parallel"
    case .virtualStages: return "--virtual-stages"
    case .sequenceParallel: return "--sequence-parallel"
    case .pipelineLayers: return "--pipeline-layers"
    case .recompute: return "--recompute"
    case .attention: return "--attention"
    case .method: return "--method"
    case .gpusPerNode: return "--gpus-per-node"
    case .intraNodeBandwidth: return "--intra-node-bandwidth"
    case .interNodeBandwidth: return "--inter-node-bandwidth"
    case .intraNodeLatency: return "--intra-node-latency"
    case .interNodeLatency: return "--inter-node-latency"
    case .memoryBandwidth: return "--memory-bandwidth"
    case .hostLinkBandwidth: return "--host-link-bandwidth"
    case .finetune: return "--finetune"
    case .loraRank: return "--lora-rank"
    case .loraTargets: return "--lora-targets"
    case .loraDtype: return "--lora-dtype"
    case .optimizer: return "--optimizer"
    case .offload: return "--offload"
    case .experts: return "--experts"
    case .topK: return "--top-k"
    case .sharedExperts: return "--shared-experts"
    case .expertFFN: return "--expert-ffn"
    case .firstDenseLayers: return "--first-dense-layers"
    case .moeEvery: return "--moe-every"
    case .headDim: return "--head-dim"
    case .expertParallel: return "--expert-parallel"
    case .qLoraRank: return "--q-lora-rank"
    case .kvLoraRank: return "--kv-lora-rank"
    case .qkNopeHeadDim: return "--qk-nope-head-dim"
    case .qkRopeHeadDim: return "--qk-rope-head-dim"
    case .vHeadDim: return "--v-head-dim"
    case .capacityFactor: return "--capacity-factor"
    }
  }
}
