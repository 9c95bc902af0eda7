/// Every parameter tensor of a model, placed as Megatron's layers place them: Q, K, V and the
/// feed-forward input matrices are column-parallel (their biases split with them), the output
/// projection and the feed-forward output row-parallel (their biases whole on every rank),
/// norms whole; the embedding and LM head split over the vocabulary, a learned position table
/// whole. `matricesOnly` keeps the seed's count: matrices, no norms or biases.
enum ParameterTensors {
  struct Model {
    let layer: ParameterSplit
    let first: ParameterSplit
    let last: ParameterSplit
    /// A tied LM head's own copy, which the last stage keeps when P > 1 (Megatron does).
    let tiedHead: ParameterSplit
    let total: Int
  }

  static func of(_ model: ModelConfig, matricesOnly: Bool) throws -> Model {
    let x = Exact(quantity: "the parameter count")
    let (h, f, kv, v) = (model.dModel, model.dFF, model.kvWidth, model.vocabSize)
    // Checked first, so that no tensor below nor any sum of a group of them can overflow.
    _ = try x.sum([
      try x.mul(h, h), try x.mul(2, try x.mul(h, kv)), try x.mul(h, h),
      try x.product(model.ffn.matrixCount, h, f),
    ])
    _ = try x.mul(v, h)
    let positions = model.positional == .learned ? try x.mul(model.contextLength, h) : 0
    var layer: [ParameterTensor] = []
    if model.fusedQKV {
      layer.append(ParameterTensor(.projection(.qkv), rows: h + 2 * kv, cols: h, sharded: true))
    } else {
      layer += [
        ParameterTensor(.projection(.q), rows: h, cols: h, sharded: true),
        ParameterTensor(.projection(.k), rows: kv, cols: h, sharded: true),
        ParameterTensor(.projection(.v), rows: kv, cols: h, sharded: true),
      ]
    }
    layer.append(ParameterTensor(.projection(.o), rows: h, cols: h, sharded: true))
    if model.ffn == .swiglu {
      layer.append(ParameterTensor(.projection(.gate), rows: f, cols: h, sharded: true))
    }
    layer += [
      ParameterTensor(.projection(.up), rows: f, cols: h, sharded: true),
      ParameterTensor(.projection(.down), rows: h, cols: f, sharded: true),
    ]
    let normSize = model.norm == .layernorm ? 2 * h : h
    if !matricesOnly {
      layer += [
        ParameterTensor(.norm, rows: normSize, sharded: false),
        ParameterTensor(.norm, rows: normSize, sharded: false),
      ]
      switch model.bias {
      case .none: break
      case .qkv: layer.append(ParameterTensor(.bias, rows: h + 2 * kv, sharded: true))
      case .all:
        layer += [
          ParameterTensor(.bias, rows: h + 2 * kv, sharded: true),
          ParameterTensor(.bias, rows: (model.ffn.matrixCount - 1) * f, sharded: true),
          ParameterTensor(.bias, rows: h, sharded: false),  // the output projection's
          ParameterTensor(.bias, rows: h, sharded: false),  // the feed-forward output's
        ]
      }
    }
    var first = [ParameterTensor(.embedding, rows: v, cols: h, sharded: true)]
    if positions > 0 {
      first.append(ParameterTensor(.positions, rows: model.contextLength, cols: h, sharded: false))
    }
    var last: [ParameterTensor] = []
    if !matricesOnly { last.append(ParameterTensor(.norm, rows: normSize, sharded: false)) }
    let head = ParameterTensor(.head, rows: v, cols: h, sharded: true)
    if !model.tiedEmbeddings { last.append(head) }
    let layerSplit = ParameterSplit(tensors: layer)
    let firstSplit = ParameterSplit(tensors: first)
    let lastSplit = ParameterSplit(tensors: last)
    let total = try x.sum([
      try x.mul(model.numLayers, layerSplit.total), firstSplit.total, lastSplit.total,
    ])
    return Model(
      layer: layerSplit, first: firstSplit, last: lastSplit,
      tiedHead: ParameterSplit(tensors: model.tiedEmbeddings ? [head] : []), total: total)
  }
}
