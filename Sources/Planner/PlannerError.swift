/// A named input of the planner, spelled as in SPEC.md (and in the JSON the CLI prints).
public enum Field: String, Sendable, CaseIterable {
  case name
  case vocabSize = "vocab_size"
  case contextLength = "context_length"
  case numLayers = "num_layers"
  case dModel = "d_model"
  case numHeads = "num_heads"
  case numKVHeads = "num_kv_heads"
  case dFF = "d_ff"
  case memoryBytes = "memory_bytes"
  case reserveBytes = "reserve_bytes"
  case fp32FLOPS = "fp32_flops"
  case tf32FLOPS = "tf32_flops"
  case bf16FLOPS = "bf16_flops"
  case fp16FLOPS = "fp16_flops"
  case fp8FLOPS = "fp8_flops"
  case pricePerHour = "price_per_hour"
  case powerWatts = "power_watts"
  case batchSize = "batch_size"
  case globalBatchSize = "global_batch_size"
  case steps
  case tokens
  case mfu
  case numGPUs = "num_gpus"
  case zeroStage = "zero_stage"
  case precision
  case seqLen = "seq_len"
  case tensorParallel = "tensor_parallel"
  case pipelineParallel = "pipeline_parallel"
  case contextParallel = "context_parallel"
  case virtualStages = "virtual_stages"
  case sequenceParallel = "sequence_parallel"
  case pipelineLayers = "pipeline_layers"
  case recompute
  case attention
  case method
  case gpusPerNode = "gpus_per_node"
  case intraNodeBandwidth = "intra_node_bandwidth"
  case interNodeBandwidth = "inter_node_bandwidth"
  case intraNodeLatency = "intra_node_latency"
  case interNodeLatency = "inter_node_latency"
  case memoryBandwidth = "memory_bandwidth"
  case hostLinkBandwidth = "host_link_bandwidth"
  case finetune
  case loraRank = "lora_rank"
  case loraTargets = "lora_targets"
  case loraDtype = "lora_dtype"
  case optimizer
  case offload
  case experts
  case topK = "top_k"
  case sharedExperts = "shared_experts"
  case expertFFN = "expert_ffn"
  case firstDenseLayers = "first_dense_layers"
  case moeEvery = "moe_every"
  case headDim = "head_dim"
  case qLoraRank = "q_lora_rank"
  case kvLoraRank = "kv_lora_rank"
  case qkNopeHeadDim = "qk_nope_head_dim"
  case qkRopeHeadDim = "qk_rope_head_dim"
  case vHeadDim = "v_head_dim"
  case expertParallel = "expert_parallel"
  case capacityFactor = "capacity_factor"
}

extension Field {
  /// The peak FLOP/s field of a number format.
  public static func peak(_ format: NumericFormat) -> Field {
    switch format {
    case .fp32: return .fp32FLOPS
    case .tf32: return .tf32FLOPS
    case .bf16: return .bf16FLOPS
    case .fp16: return .fp16FLOPS
    case .fp8: return .fp8FLOPS
    }
  }
}

/// Why the planner refused an input. Each case names the field and the rule it broke, so a
/// front end can render it with its own names for the fields (a flag, a JSON key).
public enum PlannerError: Error, Equatable, Sendable {
  case notPositive(Field, String)
  case negative(Field, String)
  case notFinite(Field, String)
  case notDivisible(Field, Int, divides: Field, Int)
  case outOfRange(Field, String, rule: String)
  case unsupported(Field, String, reason: String)
  /// An exact integer figure (bytes, parameters, tokens) would exceed what 64-bit integers hold.
  case tooLarge(quantity: String)

  /// The field the error is about, if any.
  public var field: Field? {
    switch self {
    case .notPositive(let f, _), .negative(let f, _), .notFinite(let f, _),
      .notDivisible(let f, _, _, _), .outOfRange(let f, _, _), .unsupported(let f, _, _):
      return f
    case .tooLarge: return nil
    }
  }

  /// One line naming the field and the rule, with fields spelled by `name`.
  public func message(naming name: (Field) -> String = { $0.rawValue }) -> String {
    switch self {
    case .notPositive(let f, let v): return "\(name(f)) must be positive (got \(v))"
    case .negative(let f, let v): return "\(name(f)) must not be negative (got \(v))"
    case .notFinite(let f, let v): return "\(name(f)) must be a finite number (got \(v))"
    case .notDivisible(let f, let v, let g, let w):
      return "\(name(f)) \(v) does not divide \(name(g)) \(w)"
    case .outOfRange(let f, let v, let rule): return "\(name(f)) \(rule) (got \(v))"
    case .unsupported(let f, let v, let reason): return "\(name(f)) \(v): \(reason)"
    case .tooLarge(let q):
      return
        "\(q) exceeds 9.2e18, the largest exact 64-bit integer; this input is too large to plan"
    }
  }
}

extension PlannerError: CustomStringConvertible {
  public var description: String { message() }
}
