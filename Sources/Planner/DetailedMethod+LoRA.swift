/// The detailed method under LoRA and QLoRA: what autograd keeps when only the adapters train,
/// tensor by tensor, as `validation/measure_lora.py` measures PEFT's `lora.Linear` on the
/// reference implementation (`Tests/PlannerTests/LoRAActivationTests.swift` holds every case
/// without adapter dropout to the measurements).
///
/// The rule behind every tensor: an op keeps an input only if its backward needs it for the
/// gradient of another input that requires grad. Only the adapters do, so `requires_grad`
/// starts at the first adapter's output and flows forward through the residual stream:
/// - a frozen linear keeps no input (only its weight, for the input gradient); an adapted one
///   keeps its input x (by `lora_A`, for A's gradient) and A·x (s·R, by `lora_B`);
/// - a norm keeps its input and the `rsqrt` column (s·h + s) but not `x·rsqrt` (its gain is
///   frozen);
/// - the attention core and the f-wide tensors are kept as in full training wherever their
///   inputs require grad; the inputs of Wo and W2 only if that linear is adapted;
/// - nothing before the blocks (token ids, learned-position ids) and not the LM head's input;
///   the final norm and the loss as in full training.
///
/// **The first block differs**: its input, the frozen embedding's output, does not require
/// grad. Its first norm keeps nothing; with `q,v` targets k does not require grad, so
/// `q @ kᵀ` keeps kᵀ but not q; a linear whose input does not require grad keeps no autocast
/// copy of its weight. From the first adapted output on, the block is like the others.
///
/// Widths: the f-wide, attention and adapter tensors at the autocast width (bf16 under mixed
/// precision; without autocast the adapters' own dtype). The residual stream and the norms are
/// fp32 over an fp32 base and bf16 over a 16-bit one. An adapter's input is the tensor itself
/// when no cast happens (its dtype is the adapter's, and bf16 under autocast): one copy shared
/// by the adapters reading it; otherwise each adapter keeps its own cast copy.
///
/// Shared by the micro-batch: under autocast over an fp32 base every frozen matrix whose input
/// requires grad keeps its own bf16 copy (autocast caches only leaf tensors that require grad,
/// so a frozen weight is cast again at every call; the LM head's too), and fp32 adapters'
/// cached bf16 copies of B, and of A where its input requires grad. A 16-bit base keeps no
/// copies: the parameter itself is saved. The causal mask and RoPE tables as in full training.
extension DetailedMethod {
  /// How the frozen base is stored, which decides the width of the residual stream and
  /// whether autocast keeps weight copies.
  enum FrozenBase: Sendable {
    /// fp32 weights; under mixed precision, bf16 autocast over them (measured as `weights:
    /// fp32`).
    case fp32
    /// bf16 (or fp16) weights, as a model loaded with `torch_dtype=bfloat16` (`weights: bf16`).
    case sixteenBit

    /// The base the planner assumes: stored in the training precision, as `TrainingMemory`
    /// counts it (2 bytes a weight under mixed precision). QLoRA's NF4 projections are
    /// dequantised to a transient 16-bit copy at each call that nothing keeps (bitsandbytes'
    /// `MatMul4Bit` saves the packed weight), which is the 16-bit base's behaviour, and the
    /// rest of a QLoRA base is 16-bit too.
    static func of(_ setup: TrainingSetup) -> FrozenBase {
      setup.precision.isMixed ? .sixteenBit : .fp32
    }
  }

  /// What a LoRA fine-tune keeps: per sequence in a block whose input requires grad (every
  /// block but the first), in the first block, and after the blocks; once per micro-batch the
  /// weight copies of such a block, of the first block, and the LM head's.
  struct LoRASaved {
    var block: [Saved]
    var firstBlock: [Saved]
    var last: [Saved]
    var blockFixed: ActivationSplit
    var firstBlockFixed: ActivationSplit
    var headFixed: ActivationSplit
    /// Bytes of one residual-stream element: what full checkpointing keeps per block input.
    var residualBytes: Int
  }

  static func savedLoRA(
    _ model: ModelConfig, precision: TrainingPrecision, attention: AttentionKernel, lora: LoRA,
    targets: Set<Projection>, base: FrozenBase
  ) throws -> LoRASaved {
    let x = Exact(quantity: "the activation bytes per sequence")
    let (s, h, f, kv, r) = (
      model.contextLength, model.dModel, model.dFF, model.kvWidth, lora.rank
    )
    let mixed = precision.isMixed
    let c = mixed ? 2 : 4  // autocast op outputs
    let a = mixed && base == .sixteenBit ? 2 : 4  // residual stream, norms
    let d = lora.dtype.bytesPerElement  // the adapters' weights
    let adapterWidth = mixed ? 2 : d  // A·x and an adapter's cast copy of its input
    let baseCopies = mixed && base == .fp32
    let adapterCopies = mixed && d == 4
    let sh = try x.mul(s, h)
    let sf = try x.mul(s, f)

    func shape(_ p: Projection) -> (out: Int, in: Int) {
      switch p {
      case .q, .o: return (h, h)
      case .k, .v: return (kv, h)
      case .qkv: return (h + 2 * kv, h)
      case .gate, .up: return (f, h)
      case .down: return (h, f)
      }
    }

    func block(inputRequiresGrad g: Bool) throws -> (saved: [Saved], fixed: ActivationSplit) {
      var saved: [Saved] = []
      var fixed = ActivationSplit.zero
      func keep(_ name: String, _ bytes: Int, _ split: Split) {
        if bytes > 0 { saved.append(Saved(name: name, bytes: bytes, split: split)) }
      }
      func norm(_ name: String, requiresGrad: Bool) throws {
        if requiresGrad { keep(name, try x.mul(a, try x.add(sh, s)), .replicated) }
      }
      /// The linears reading one input (its element bytes, whether it requires grad, whether
      /// another op keeps it already); whether any output requires grad.
      func linears(
        _ readers: [Projection], input name: String, requiresGrad rg: Bool, bytes: Int,
        split: Split, keptAlready: Bool = false
      ) throws -> Bool {
        let adapted = readers.filter(targets.contains)
        if let first = adapted.first {
          let elements = try x.mul(s, shape(first).in)
          if bytes == d && (!mixed || d == 2) {
            if !keptAlready { keep(name, try x.mul(bytes, elements), split) }
          } else {
            keep(name, try x.product(adapted.count, adapterWidth, elements), split)
          }
        }
        for p in adapted {
          // Column-parallel: A whole, B split; row-parallel (Wo, W2): A split, B whole.
          let row = p == .o || p == .down
          keep("lora_a_outputs", try x.product(adapterWidth, s, r), row ? .whole : .replicated)
          if adapterCopies {
            let (out, inp) = shape(p)
            let b = try x.product(2, r, out)
            if row { fixed.whole += b } else { fixed.sharded += b }
            if rg {
              let copyOfA = try x.product(2, r, inp)
              if row { fixed.sharded += copyOfA } else { fixed.whole += copyOfA }
            }
          }
        }
        if baseCopies && rg {
          for p in readers { fixed.sharded += try x.product(2, shape(p).out, shape(p).in) }
        }
        return rg || !adapted.isEmpty
      }

      try norm("norm_1", requiresGrad: g)
      let fused = model.fusedQKV
      _ = try linears(
        fused ? [.qkv] : [.q, .k, .v], input: "attention_input", requiresGrad: g, bytes: a,
        split: .replicated)
      func requiresGrad(_ p: Projection) -> Bool {
        g || targets.contains(p) || targets.contains(.qkv)
      }
      let (q, k, v) = (requiresGrad(.q), requiresGrad(.k), requiresGrad(.v))
      let outputRequiresGrad: Bool
      switch attention {
      case .naive:
        // q·kᵀ keeps kᵀ for q's gradient and q for k's; probs·v keeps probs for v's and v for
        // the probabilities'.
        let scores = q || k
        keep("query_key", try x.product((q ? 1 : 0) + (k ? 1 : 0), c, sh), .sharded)
        if scores || v {
          keep("attention_probs", try x.product(c, model.numHeads, s, s), .scores)
        }
        if scores { keep("attention_values", try x.mul(c, sh), .sharded) }
        outputRequiresGrad = try linears(
          [.o], input: "attention_output", requiresGrad: scores || v, bytes: c, split: .sharded)
      case .flash:
        let any = q || k || v
        if any {
          keep("flash_qkv", try x.product(3, c, sh), .sharded)
          keep("flash_output", try x.mul(c, sh), .sharded)
          keep("flash_logsumexp", try x.product(4, model.numHeads, s), .sharded)
        }
        outputRequiresGrad = try linears(
          [.o], input: "attention_output", requiresGrad: any, bytes: c, split: .sharded,
          keptAlready: any)
      }
      let g2 = g || outputRequiresGrad
      try norm("norm_2", requiresGrad: g2)
      switch model.ffn {
      case .swiglu:
        _ = try linears(
          [.gate, .up], input: "ffn_input", requiresGrad: g2, bytes: a, split: .replicated)
        let (gate, up) = (g2 || targets.contains(.gate), g2 || targets.contains(.up))
        // silu keeps W1·y; the product keeps silu(W1·y) for W3's gradient and W3·y for W1's.
        if gate { keep("ffn_w1_output", try x.mul(c, sf), .sharded) }
        if up { keep("ffn_silu", try x.mul(c, sf), .sharded) }
        if gate { keep("ffn_w3_output", try x.mul(c, sf), .sharded) }
        _ = try linears(
          [.down], input: "ffn_gated", requiresGrad: gate || up, bytes: c, split: .sharded)
      case .gelu:
        _ = try linears([.up], input: "ffn_input", requiresGrad: g2, bytes: a, split: .replicated)
        let up = g2 || targets.contains(.up)
        if up { keep("ffn_w1_output", try x.mul(c, sf), .sharded) }
        _ = try linears([.down], input: "ffn_gelu", requiresGrad: up, bytes: c, split: .sharded)
      }
      return (saved, fixed)
    }

    let later = try block(inputRequiresGrad: true)
    let first = try block(inputRequiresGrad: false)
    let last = [
      Saved(name: "final_norm", bytes: try x.mul(a, try x.add(sh, s)), split: .replicated),
      Saved(name: "log_softmax", bytes: try x.product(4, s, model.vocabSize), split: .sharded),
      Saved(name: "targets", bytes: try x.mul(8, s), split: .whole),
    ]
    return LoRASaved(
      block: later.saved, firstBlock: first.saved, last: last, blockFixed: later.fixed,
      firstBlockFixed: first.fixed,
      headFixed: ActivationSplit(
        sharded: baseCopies ? try x.product(2, model.vocabSize, h) : 0),
      residualBytes: a)
  }
}
