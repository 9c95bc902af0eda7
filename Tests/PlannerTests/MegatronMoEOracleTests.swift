import Foundation
import Testing

@testable import Planner

/// Expert parallelism against Megatron-LM's own estimator: the MoE part of
/// `compute_weight_and_optimizer_memory` (ported in `validation/megatron_memory.py`),
/// evaluated by `validation/megatron_moe_layouts.py` over 20 expert-parallel layouts of
/// Mixtral-8x7B, Qwen3-30B-A3B and DeepSeek-V3 (`validation/megatron_moe_oracle.json`). trainplan's
/// `--method megatron` with `--expert-parallel` equals it where the estimator is right; the
/// README table (kept equal to this test; `UPDATE_README=1 swift test --filter
/// MegatronMoEOracleTests` regenerates it) gives every difference and its size.
@Suite struct MegatronMoEOracleTests {
  struct Case: Decodable {
    struct Model: Decodable {
      var padded_vocab_size, vocab_size, seq_length, num_layers, hidden_size: Int
      var num_attention_heads, num_query_groups, kv_channels, num_experts, moe_router_topk: Int
      var moe_ffn_hidden_size, ffn_hidden_size, first_dense_layers: Int
      var shared_expert_ffn: Int?
      var qk_layernorm: Bool
      var mla: MLA?
    }
    struct MLA: Decodable {
      var q_lora_rank, kv_lora_rank, qk_head_dim, qk_pos_emb_head_dim, v_head_dim: Int
    }
    struct Layout: Decodable {
      var tp, pp, ep, etp, dp, cp: Int
      var use_distributed_optimizer: Bool
    }
    struct Oracle: Decodable {
      var weight_and_optimizer_bytes: Double
      var expert_data_parallel_size: Int
    }
    var name: String
    var model: Model
    var layout: Layout
    var oracle: Oracle
  }

  static func load() throws -> [Case] {
    let url = DetailedMethodTests.repoRoot.appendingPathComponent(
      "validation/megatron_moe_oracle.json")
    return try JSONDecoder().decode([Case].self, from: try Data(contentsOf: url))
  }

  /// Stage 0's weights, gradients and optimizer state under `--method megatron`, bf16 with
  /// fp32 gradients (Megatron's 18 bytes), ZeRO 1 for the distributed optimizer.
  static func ours(_ c: Case) throws -> Int {
    let (m, l) = (c.model, c.layout)
    var model = ModelConfig(
      name: c.name, vocabSize: m.vocab_size, contextLength: 4_096, numLayers: m.num_layers,
      dModel: m.hidden_size, numHeads: m.num_attention_heads, numKVHeads: m.num_query_groups,
      dFF: m.ffn_hidden_size, ffn: .swiglu, tiedEmbeddings: false, norm: .rmsnorm)
    model.qkNorm = m.qk_layernorm
    model.experts = Experts(
      count: m.num_experts, topK: m.moe_router_topk, shared: m.shared_expert_ffn == nil ? 0 : 1,
      ffn: m.moe_ffn_hidden_size, sharedFFN: m.shared_expert_ffn,
      firstDenseLayers: m.first_dense_layers)
    if let a = m.mla {
      model.latentAttention = LatentAttention(
        qLoraRank: a.q_lora_rank, kvLoraRank: a.kv_lora_rank, qkNopeHeadDim: a.qk_head_dim,
        qkRopeHeadDim: a.qk_pos_emb_head_dim, vHeadDim: a.v_head_dim)
    } else {
      model.headDim = m.kv_channels
    }
    let setup = TrainingSetup(
      microBatchSize: 1, numGPUs: l.tp * l.pp * l.cp * l.dp, precision: .bf16,
      attention: .flash, zeroStage: l.use_distributed_optimizer ? 1 : 0, fp32Gradients: true,
      method: .megatron,
      layout: ParallelLayout(tensorParallel: l.tp, pipelineParallel: l.pp, expertParallel: l.ep))
    let plan = try Planner.plan(
      model: model,
      hardware: HardwareProfile(memoryBytes: 1 << 50, peak: PeakThroughput(fp32: 1e12, bf16: 1e12)),
      setup: setup)
    let stage0 = plan.stages[0]
    return stage0.parametersBytes + stage0.gradientsBytes + stage0.optimizerStateBytes
  }

  /// What the estimator leaves out or spreads, in bytes on stage 0: Qwen3's Q/K norms
  /// (2 × head_dim per layer, replicated, which the estimator does not count), and with P > 1
  /// the final norm (h, which it spreads over the stages and trainplan keeps on the last).
  static func knownDifference(_ c: Case) -> Double {
    let (m, l) = (c.model, c.layout)
    let perParameter = l.use_distributed_optimizer ? 6 + 12 / Double(l.dp) : 18
    var delta = 0.0
    if m.qk_layernorm {
      delta += Double(2 * m.kv_channels * m.num_layers / l.pp) * perParameter
    }
    if l.pp > 1 { delta -= Double(m.hidden_size) * perParameter / Double(l.pp) }
    if let a = m.mla, l.tp > 1 {
      // MLA's down-projections and their norms are whole on every TP rank (Megatron builds
      // them `duplicated`); the estimator divides them by T with the rest of the attention.
      let h = m.hidden_size
      let whole =
        a.q_lora_rank * h + (a.kv_lora_rank + a.qk_pos_emb_head_dim) * h
        + a.q_lora_rank + a.kv_lora_rank
      let layers = Double(m.num_layers) / Double(l.pp)
      delta += Double(whole) * (1 - 1 / Double(l.tp)) * layers * perParameter
    }
    return delta
  }

  @Test func equalWhereTheEstimatorIsRight() throws {
    let cases = try Self.load()
    #expect(cases.count >= 10)
    var exact = 0
    for c in cases {
      let ours = Double(try Self.ours(c))
      let expected = c.oracle.weight_and_optimizer_bytes + Self.knownDifference(c)
      // The estimator's shares are real numbers; ours round each ZeRO share up to a byte.
      #expect(abs(ours - expected) <= 4, "\(c.name): ours \(ours), oracle \(expected)")
      if Self.knownDifference(c) == 0 { exact += 1 }
      // The expert data-parallel group is the same: G / (E·T·P) = D·C / E.
      #expect(c.oracle.expert_data_parallel_size == c.layout.dp * c.layout.cp / c.layout.ep)
    }
    #expect(exact >= 6)
  }

  @Test func readmeTableIsCurrent() throws {
    var rows = [
      "| layout | weights + optimizer, oracle GiB | ours GiB | Δ | why they differ |",
      "|---|--:|--:|--:|---|",
    ]
    for c in try Self.load() {
      let ours = Double(try Self.ours(c))
      let oracle = c.oracle.weight_and_optimizer_bytes
      var why: [String] = []
      if c.model.qk_layernorm { why.append("Q/K norms (ours only)") }
      if c.layout.pp > 1 { why.append("final norm: ours on the last stage, oracle spread") }
      if c.model.mla != nil && c.layout.tp > 1 {
        why.append("MLA down-projections and norms whole on every TP rank (ours), ÷ T (oracle)")
      }
      if why.isEmpty { why.append("equal (shares rounded up to a byte)") }
      rows.append(
        "| \(c.name) | \(String(format: "%.3f", oracle / Double(1 << 30))) | \(String(format: "%.3f", ours / Double(1 << 30))) | \(String(format: "%+.0f B (%+.5f %%)", ours - oracle, (ours - oracle) / oracle * 100)) | \(why.joined(separator: "; ")) |"
      )
    }
    try ReadmeTable.check(
      rows.joined(separator: "\n"), file: "README.md", marker: "megatron-moe-oracle-table",
      command: "MegatronMoEOracleTests")
  }
}
