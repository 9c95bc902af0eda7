/// Every parameter tensor of a model, placed as Megatron's layers place them: Q, K, V and the
/// feed-forward input matrices are column-parallel (their biases split with them), the output
/// projection and the feed-forward output row-parallel (their biases whole on every rank),
/// norms whole; the embedding and LM head split over the vocabulary, a learned position table
/// whole. `matricesOnly` keeps the seed's count: matrices (the router's too), no norms or
/// biases. An MoE layer holds every expert, the router and any shared experts.
enum ParameterTensors {
  struct Model {
    /// A dense layer's tensors (every layer of a dense model).
    let layer: ParameterSplit
    /// An MoE layer's tensors; nil for a dense model.
    let moeLayer: ParameterSplit?
    /// One routed expert's tensors, and an MoE layer without its routed experts (attention,
    /// norms, router, shared experts): what expert parallelism splits and what it leaves.
    let routedExpert: ParameterSplit?
    let moeShell: ParameterSplit?
    let first: ParameterSplit
    let last: ParameterSplit
    /// A tied LM head's own copy, which the last stage keeps when P > 1 (Megatron does).
    let tiedHead: ParameterSplit
    let total: Int
  }

  static func of(_ model: ModelConfig, matricesOnly: Bool) throws -> Model {
    let x = Exact(quantity: "the parameter count")
    let (h, f, v) = (model.dModel, model.dFF, model.vocabSize)
    // Checked first, so that no tensor below nor any sum of a group of them can overflow.
    _ = try x.sum([
      try x.mul(h, model.qWidth), try x.mul(2, try x.mul(h, model.kvWidth)),
      try x.mul(h, model.qWidth), try x.product(model.ffn.matrixCount, h, f),
    ])
    if let e = model.experts {
      _ = try x.product(e.count + e.shared + 1, 3 * h, max(e.ffn, e.sharedFFN))
    }
    if let m = model.latentAttention {
      _ = try x.product(
        model.numHeads, m.qkNopeHeadDim + m.qkRopeHeadDim + m.vHeadDim,
        max(h, m.kvLoraRank, m.qLoraRank ?? 0))
    }
    _ = try x.mul(v, h)
    let positions = model.positional == .learned ? try x.mul(model.contextLength, h) : 0
    let attention = attentionTensors(model, matricesOnly: matricesOnly)
    let norms = matricesOnly ? [] : Array(repeating: norm(model), count: 2)
    let layer = ParameterSplit(
      tensors: attention + feedForward(model, width: f, matricesOnly: matricesOnly) + norms)
    let moeLayer = model.experts.map {
      ParameterSplit(
        tensors: attention + expertTensors(model, $0, matricesOnly: matricesOnly) + norms)
    }
    let routedExpert = model.experts.map {
      ParameterSplit(tensors: expert(model, $0, width: $0.ffn, matricesOnly: matricesOnly))
    }
    let moeShell = model.experts.map {
      ParameterSplit(
        tensors: attention + expertTensors(model, $0, matricesOnly: matricesOnly, routed: false)
          + norms)
    }
    var first = [ParameterTensor(.embedding, rows: v, cols: h, sharded: true)]
    if positions > 0 {
      first.append(ParameterTensor(.positions, rows: model.contextLength, cols: h, sharded: false))
    }
    var last: [ParameterTensor] = matricesOnly ? [] : [norm(model)]
    let head = ParameterTensor(.head, rows: v, cols: h, sharded: true)
    if !model.tiedEmbeddings { last.append(head) }
    let firstSplit = ParameterSplit(tensors: first)
    let lastSplit = ParameterSplit(tensors: last)
    let moeCount = model.experts?.moeLayers(in: 0..<model.numLayers) ?? 0
    let total = try x.sum([
      try x.mul(model.numLayers - moeCount, layer.total),
      try x.mul(moeCount, moeLayer?.total ?? 0), firstSplit.total, lastSplit.total,
    ])
    return Model(
      layer: layer, moeLayer: moeLayer, routedExpert: routedExpert, moeShell: moeShell,
      first: firstSplit, last: lastSplit,
      tiedHead: ParameterSplit(tensors: model.tiedEmbeddings ? [head] : []), total: total)
  }

  static func norm(_ model: ModelConfig) -> ParameterTensor {
    ParameterTensor(
      .norm, rows: model.norm == .layernorm ? 2 * model.dModel : model.dModel, sharded: false)
  }

  /// Q, K, V (or the fused QKV, or MLA's projections), the output projection, their biases,
  /// Q/K norms and attention sinks.
  static func attentionTensors(_ model: ModelConfig, matricesOnly: Bool) -> [ParameterTensor] {
    let (h, q, kv) = (model.dModel, model.qWidth, model.kvWidth)
    var out: [ParameterTensor] = []
    if let m = model.latentAttention {
      let n = model.numHeads
      let qHead = m.qkNopeHeadDim + m.qkRopeHeadDim
      if let r = m.qLoraRank {
        out += [
          ParameterTensor(.projection(.q), rows: r, cols: h, sharded: false),
          ParameterTensor(.projection(.q), rows: n * qHead, cols: r, sharded: true),
        ]
        if !matricesOnly { out.append(ParameterTensor(.norm, rows: r, sharded: false)) }
      } else {
        out.append(ParameterTensor(.projection(.q), rows: n * qHead, cols: h, sharded: true))
      }
      out += [
        ParameterTensor(
          .projection(.k), rows: m.kvLoraRank + m.qkRopeHeadDim, cols: h, sharded: false),
        ParameterTensor(
          .projection(.v), rows: n * (m.qkNopeHeadDim + m.vHeadDim), cols: m.kvLoraRank,
          sharded: true),
        ParameterTensor(.projection(.o), rows: h, cols: n * m.vHeadDim, sharded: true),
      ]
      if !matricesOnly { out.append(ParameterTensor(.norm, rows: m.kvLoraRank, sharded: false)) }
      return out
    }
    if model.fusedQKV {
      out.append(ParameterTensor(.projection(.qkv), rows: q + 2 * kv, cols: h, sharded: true))
    } else {
      out += [
        ParameterTensor(.projection(.q), rows: q, cols: h, sharded: true),
        ParameterTensor(.projection(.k), rows: kv, cols: h, sharded: true),
        ParameterTensor(.projection(.v), rows: kv, cols: h, sharded: true),
      ]
    }
    out.append(ParameterTensor(.projection(.o), rows: h, cols: q, sharded: true))
    guard !matricesOnly else { return out }
    switch model.bias {
    case .none: break
    case .qkv: out.append(ParameterTensor(.bias, rows: q + 2 * kv, sharded: true))
    case .all:
      out += [
        ParameterTensor(.bias, rows: q + 2 * kv, sharded: true),
        ParameterTensor(.bias, rows: h, sharded: false),  // the output projection's
      ]
    }
    if model.qkNorm && model.qkNormWholeProjection {
      // Split over tensor parallelism with the heads they normalise.
      out.append(ParameterTensor(.norm, rows: q + kv, sharded: true))
    } else if model.qkNorm {
      out.append(ParameterTensor(.norm, rows: 2 * model.headWidth, sharded: false))
    }
    if model.attentionSinks {
      out.append(ParameterTensor(.bias, rows: model.numHeads, sharded: true))
    }
    return out
  }

  /// A dense feed-forward of width `width`: gate, up, down (GELU: up, down) and their biases.
  static func feedForward(_ model: ModelConfig, width f: Int, matricesOnly: Bool)
    -> [ParameterTensor]
  {
    let h = model.dModel
    var out: [ParameterTensor] = []
    if model.ffn == .swiglu {
      out.append(ParameterTensor(.projection(.gate), rows: f, cols: h, sharded: true))
    }
    out += [
      ParameterTensor(.projection(.up), rows: f, cols: h, sharded: true),
      ParameterTensor(.projection(.down), rows: h, cols: f, sharded: true),
    ]
    if !matricesOnly && model.bias == .all {
      out += [
        ParameterTensor(.bias, rows: (model.ffn.matrixCount - 1) * f, sharded: true),
        ParameterTensor(.bias, rows: h, sharded: false),  // the feed-forward output's
      ]
    }
    return out
  }

  /// The router (h → E, with its bias), every routed expert (unless `routed` is false), the
  /// shared experts and their gate (h → 1).
  static func expertTensors(
    _ model: ModelConfig, _ e: Experts, matricesOnly: Bool, routed: Bool = true
  ) -> [ParameterTensor] {
    let h = model.dModel
    var out = [ParameterTensor(.router, rows: e.count, cols: h, sharded: false)]
    if e.routerBias && !matricesOnly {
      out.append(ParameterTensor(.bias, rows: e.count, sharded: false))
    }
    if routed {
      for _ in 0..<e.count { out += expert(model, e, width: e.ffn, matricesOnly: matricesOnly) }
    }
    for _ in 0..<e.shared {
      out += expert(model, e, width: e.sharedFFN, matricesOnly: matricesOnly)
    }
    if e.sharedExpertGate {
      out.append(ParameterTensor(.router, rows: 1, cols: h, sharded: false))
    }
    return out
  }

  /// One expert: a gated feed-forward (SwiGLU) of width f, with biases where the model has
  /// them (gpt-oss).
  static func expert(_ model: ModelConfig, _ e: Experts, width f: Int, matricesOnly: Bool)
    -> [ParameterTensor]
  {
    let h = model.dModel
    var t = [
      ParameterTensor(.expert, rows: f, cols: h, sharded: true),
      ParameterTensor(.expert, rows: f, cols: h, sharded: true),
      ParameterTensor(.expert, rows: h, cols: f, sharded: true),
    ]
    if e.expertBias && !matricesOnly {
      t += [
        ParameterTensor(.bias, rows: 2 * f, sharded: true),
        ParameterTensor(.bias, rows: h, sharded: false),
      ]
    }
    return t
  }
}
