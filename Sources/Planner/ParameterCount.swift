/// The seed method's parameter count: matrices only, no norm gains or biases.
/// P = 2vh + l·(4h² + 3hf) for the seed shape; GQA shrinks K and V to h × (h·kv/n),
/// `gelu` has two feed-forward matrices, tied embeddings count v·h once, and a learned
/// positional table adds its s×h matrix.
public struct ParameterCount: Equatable, Sendable {
  public var embedding: Int
  /// The learned positional table (s×h); 0 under RoPE.
  public var positional: Int
  public var lmHead: Int
  public var attentionPerBlock: Int
  public var feedForwardPerBlock: Int
  public var numLayers: Int

  public var perBlock: Int { attentionPerBlock + feedForwardPerBlock }
  /// P. Checked against overflow when computed, so reading it cannot trap.
  public let total: Int

  public init(model: ModelConfig) throws {
    let x = Exact(quantity: "the parameter count")
    let h = model.dModel
    embedding = try x.mul(model.vocabSize, h)
    positional = model.positional == .learned ? try x.mul(model.contextLength, h) : 0
    lmHead = model.tiedEmbeddings ? 0 : embedding
    // Q and O are h×h; K and V are h×(h·kv/n).
    attentionPerBlock = try x.add(try x.product(2, h, h), try x.product(2, h, model.kvWidth))
    feedForwardPerBlock = try x.product(model.ffn.matrixCount, h, model.dFF)
    numLayers = model.numLayers
    let blocks = try x.mul(model.numLayers, try x.add(attentionPerBlock, feedForwardPerBlock))
    // An MoE model's matrices (experts, router) are counted by the tensors that place them.
    total =
      model.experts != nil || model.latentAttention != nil || model.headDim != nil
      ? try ParameterTensors.of(model, matricesOnly: true).total
      : try x.sum([embedding, positional, lmHead, blocks])
  }
}
