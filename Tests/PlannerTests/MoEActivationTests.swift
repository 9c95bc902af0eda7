import Foundation
import Testing

@testable import Planner

/// The detailed method's MoE layers against `validation/measurements_moe.json` (a top-k router
/// and dropless dispatch added to the reference implementation; `measure_moe.py`).
@Suite struct MoEActivationTests {
  struct Fixture: Decodable { var cases: [Case] }
  struct Case: Decodable {
    struct Config: Decodable {
      var vocab_size, context_length, num_layers, d_model, num_heads, num_kv_heads: Int
      var moe: MoE
    }
    struct MoE: Decodable {
      var experts, top_k, expert_ffn, shared_experts, shared_ffn: Int
      var router_bias: Bool
      var dispatch: String
    }
    var name, precision, attention, checkpointing: String
    var config: Config
    var parameters: Int
    var activation_bytes: [String: Int]
  }

  @Test func moeLayersKeepWhatAutogradKeeps() throws {
    let url = DetailedMethodTests.repoRoot.appendingPathComponent(
      "validation/measurements_moe.json")
    let cases = try JSONDecoder().decode(Fixture.self, from: try Data(contentsOf: url)).cases
    var exact = 0
    var checked = 0
    var misses: [String] = []
    for c in cases where c.config.moe.dispatch == "permute" && c.checkpointing == "none" {
      let m = c.config
      let model = ModelConfig(
        vocabSize: m.vocab_size, contextLength: m.context_length, numLayers: m.num_layers,
        dModel: m.d_model, numHeads: m.num_heads, numKVHeads: m.num_kv_heads,
        dFF: m.moe.expert_ffn,
        dropout: false)
      var moeModel = model
      moeModel.experts = Experts(
        count: m.moe.experts, topK: m.moe.top_k, shared: m.moe.shared_experts,
        ffn: m.moe.expert_ffn, sharedFFN: m.moe.shared_ffn > 0 ? m.moe.shared_ffn : nil,
        routerBias: m.moe.router_bias)
      let setup = TrainingSetup(
        precision: TrainingPrecision(rawValue: c.precision)!,
        attention: AttentionKernel(rawValue: c.attention)!, method: .detailed)
      let a = try Planner.accounting(moeModel, setup)
      #expect(a.parameters == c.parameters, "\(c.name) parameters")
      let memory = try StageMemoryModel(
        accounting: a, layout: ParallelLayout(), stageLayers: [m.num_layers], setup: setup,
        sequencesPerReplica: nil)
      checked += 1
      var all = true
      for b in [1, 2]
      where try memory.activations(stage: 0, batch: b) != c.activation_bytes[String(b)] {
        all = false
        misses.append(
          "\(c.name) b=\(b): \(try memory.activations(stage: 0, batch: b)) vs \(c.activation_bytes[String(b)]!)"
        )
      }
      if all { exact += 1 }
    }
    print("[moe] \(exact) of \(checked) measured MoE cases exact")
    for miss in misses.prefix(8) { print("[moe] \(miss)") }
    #expect(checked > 30)
    #expect(exact == checked, "\(misses.prefix(4))")
  }
}
