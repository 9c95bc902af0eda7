import ArgumentParser
import Planner

/// DeepSeek's multi-head latent attention (MLA), as `model add` takes it: the four widths of
/// the latent K/V path together, and an optional low-rank Q bottleneck.
struct LatentAttentionOptions: ParsableArguments {
  @Option(
    name: .customLong("q-lora-rank"),
    parsing: .unconditional,
    help: "MLA: Q's low-rank bottleneck (q_lora_rank); without it a plain q projection.",
    transform: Count.parse)
  var qLoraRank: Int?
  @Option(
    name: .customLong("kv-lora-rank"),
    parsing: .unconditional, help: "MLA: the shared K/V latent's width (kv_lora_rank).",
    transform: Count.parse)
  var kvLoraRank: Int?
  @Option(
    name: .customLong("qk-nope-head-dim"),
    parsing: .unconditional, help: "MLA: each head's non-rotary Q/K width (qk_nope_head_dim).",
    transform: Count.parse)
  var qkNopeHeadDim: Int?
  @Option(
    name: .customLong("qk-rope-head-dim"),
    parsing: .unconditional, help: "MLA: each head's rotary Q/K width (qk_rope_head_dim).",
    transform: Count.parse)
  var qkRopeHeadDim: Int?
  @Option(
    name: .customLong("v-head-dim"),
    parsing: .unconditional, help: "MLA: each head's V width (v_head_dim).",
    transform: Count.parse)
  var vHeadDim: Int?

  func validate() throws {
    let widths = [
      ("--kv-lora-rank", kvLoraRank), ("--qk-nope-head-dim", qkNopeHeadDim),
      ("--qk-rope-head-dim", qkRopeHeadDim), ("--v-head-dim", vHeadDim),
    ]
    let missing = widths.filter { $0.1 == nil }.map(\.0)
    if missing.count == widths.count {
      if qLoraRank != nil {
        throw ValidationError("--q-lora-rank describes latent attention; give --kv-lora-rank too")
      }
      return
    }
    if !missing.isEmpty {
      throw ValidationError(
        "latent attention needs all of --kv-lora-rank, --qk-nope-head-dim, --qk-rope-head-dim and --v-head-dim (missing \(missing.joined(separator: ", ")))"
      )
    }
  }

  /// The attention `validate()` accepted, or nil for standard attention.
  var latentAttention: LatentAttention? {
    guard let kvLoraRank, let qkNopeHeadDim, let qkRopeHeadDim, let vHeadDim else { return nil }
    return LatentAttention(
      qLoraRank: qLoraRank, kvLoraRank: kvLoraRank, qkNopeHeadDim: qkNopeHeadDim,
      qkRopeHeadDim: qkRopeHeadDim, vHeadDim: vHeadDim)
  }
}
