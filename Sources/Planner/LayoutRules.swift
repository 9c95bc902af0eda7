/// The rules a layout must keep with a model and a GPU count, each refused with one line.
enum LayoutRules {
  static func check(
    _ layout: ParallelLayout, model: ModelConfig, sequence: Int, attention: AttentionKernel
  ) throws {
    let t = layout.tensorParallel
    if t > 1 {
      let divided: [(Field, Int)] = [
        (.numHeads, model.numHeads), (.numKVHeads, model.numKVHeads), (.dFF, model.dFF),
      ]
      for (field, value) in divided where value % t != 0 {
        throw PlannerError.notDivisible(.tensorParallel, t, divides: field, value)
      }
      if layout.sequenceParallel && sequence % t != 0 {
        throw PlannerError.notDivisible(.tensorParallel, t, divides: .seqLen, sequence)
      }
    }
    let c = layout.contextParallel
    if c > 1 {
      if attention != .flash {
        throw PlannerError.unsupported(
          .contextParallel, String(c),
          reason:
            "context parallelism splits attention as FlashAttention does; add --attention flash")
      }
      if sequence % (2 * c) != 0 {
        throw PlannerError.outOfRange(
          .seqLen, String(sequence),
          rule:
            "must be a multiple of 2 × context parallel (\(2 * c)) for the load-balanced causal split"
        )
      }
    }
  }

  /// Expert parallelism: a model with routed experts, E dividing their number (Megatron-LM
  /// `arguments.py`: "Number of experts should be a multiple of expert model parallel_size"),
  /// and T dividing each expert's width (the expert tensor parallel, Megatron's default = T,
  /// splits it as T splits a dense feed-forward).
  static func checkExperts(_ layout: ParallelLayout, model: ModelConfig) throws {
    let e = layout.expertParallel
    guard let experts = model.experts else {
      if e > 1 {
        throw PlannerError.unsupported(
          .expertParallel, String(e),
          reason:
            "\(model.name.isEmpty ? "the model" : model.name) has no routed experts; expert parallelism needs a mixture-of-experts model"
        )
      }
      return
    }
    if experts.count % e != 0 {
      throw PlannerError.notDivisible(.expertParallel, e, divides: .experts, experts.count)
    }
    let t = layout.tensorParallel
    if t > 1 && experts.ffn % t != 0 {
      throw PlannerError.notDivisible(.tensorParallel, t, divides: .expertFFN, experts.ffn)
    }
    if t > 1 && experts.shared > 0 && experts.sharedFFN % t != 0 {
      throw PlannerError.notDivisible(.tensorParallel, t, divides: .expertFFN, experts.sharedFFN)
    }
  }

  /// The expert data-parallel group, D·C / E: Megatron's expert grid is expert TP (= T) × E ×
  /// expert DP × P = G, refused unless G is a multiple of T·E·P (`parallel_state.py`,
  /// "world_size … is not divisible by expert_tensor_model_pipeline_parallel size"), i.e.
  /// unless E divides the data-parallel × context-parallel group.
  static func expertDataParallel(_ layout: ParallelLayout, dataParallel d: Int) throws -> Int {
    let e = layout.expertParallel
    let group = d * layout.contextParallel
    guard group % e == 0 else {
      throw PlannerError.outOfRange(
        .expertParallel, String(e),
        rule:
          "must divide data parallel × context parallel (\(d) × \(layout.contextParallel) = \(group)): Megatron places the expert-parallel ranks inside that group"
      )
    }
    return group / e
  }

  /// D = G / (T·P·C), refused unless whole.
  static func dataParallel(_ layout: ParallelLayout, numGPUs g: Int) throws -> Int {
    let replica = layout.modelParallelGPUs
    guard g % replica == 0 else {
      throw PlannerError.outOfRange(
        .numGPUs, String(g),
        rule:
          "must be a multiple of tensor × pipeline × context parallel (\(layout.tensorParallel) × \(layout.pipelineParallel) × \(layout.contextParallel) = \(replica))"
      )
    }
    return g / replica
  }
}
