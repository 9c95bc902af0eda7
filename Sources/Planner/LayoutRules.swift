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
