/// One line of the activation accounting: elements held for backward, per sequence.
public struct ActivationComponent: Equatable, Sendable {
  /// A stable snake_case id, e.g. `attention_scores`.
  public var name: String
  /// Elements per sequence, summed over every block that holds it.
  public var elements: Int
}

/// The activations one sequence leaves for the backward pass, in elements, by SPEC component:
/// per block `8sh + 2sf + 2ns²` (QKV shrink to `sh + 2s·h·kv/n` under GQA), then the final
/// RMSNorm `sh`, logits `sv` and cross-entropy `sv`. FlashAttention drops the `2ns²`; full
/// checkpointing keeps `l·sh` block inputs plus one block's activations.
public struct ActivationMemory: Equatable, Sendable {
  public var components: [ActivationComponent]
  public let elementsPerSequence: Int

  public init(model: ModelConfig, attention: AttentionKernel, checkpointing: Checkpointing) throws {
    let x = Exact(quantity: "the activations per sequence")
    let s = model.contextLength
    let h = model.dModel
    let sh = try x.mul(s, h)
    let sf = try x.mul(s, model.dFF)
    let nss = try x.product(model.numHeads, s, s)
    var block: [(String, Int)] = [
      ("rmsnorm_1", sh),
      ("qkv_projections", try x.add(sh, try x.product(2, s, model.kvWidth))),
      ("attention_scores", attention == .naive ? nss : 0),
      ("softmax", attention == .naive ? nss : 0),
      ("attention_values", sh),
      ("output_projection", sh),
      ("rmsnorm_2", sh),
      ("ffn_w1", sf),
      (model.ffn == .swiglu ? "ffn_silu" : "ffn_gelu", sf),
      ("ffn_w2", sh),
    ]
    block.removeAll { $0.1 == 0 }

    var parts: [ActivationComponent]
    switch checkpointing {
    case .none, .selective:
      // Selective recomputation drops the scores and softmax (flash keeps none anyway).
      if checkpointing == .selective {
        block.removeAll { $0.0 == "attention_scores" || $0.0 == "softmax" }
      }
      parts = try block.map {
        ActivationComponent(name: $0.0, elements: try x.mul(model.numLayers, $0.1))
      }
    case .full:
      parts = [
        ActivationComponent(
          name: "checkpointed_block_inputs", elements: try x.mul(model.numLayers, sh))
      ]
      parts += block.map { ActivationComponent(name: "recomputed_block_\($0.0)", elements: $0.1) }
    }
    let sv = try x.mul(s, model.vocabSize)
    parts += [
      ActivationComponent(name: "final_rmsnorm", elements: sh),
      ActivationComponent(name: "logits", elements: sv),
      ActivationComponent(name: "cross_entropy", elements: sv),
    ]
    components = parts
    elementsPerSequence = try x.sum(parts.map(\.elements))
  }
}
