import Foundation
import Testing

@testable import Planner

/// LoRA's trainable parameters against PEFT (`validation/peft_counts.json`: PEFT's own
/// `get_nb_trainable_parameters()` on the meta device) and optimizer state against the
/// libraries' state after one step (`validation/optimizer_state.json`).
@Suite struct FineTuningTests {
  struct PEFT: Decodable {
    struct Case: Decodable {
      var name, family, model_type, target_set: String
      var config: [String: LossyValue]
      var rank, trainable, base_total: Int
    }
    var cases: [Case]
  }
  struct LossyValue: Decodable {
    var int: Int?
    var double: Double?
    var bool: Bool?
    var string: String?
    init(from decoder: Decoder) throws {
      let c = try decoder.singleValueContainer()
      bool = try? c.decode(Bool.self)
      int = bool == nil ? try? c.decode(Int.self) : nil
      double = bool == nil ? try? c.decode(Double.self) : nil
      string = try? c.decode(String.self)
    }
  }

  /// A PEFT case's architecture as trainplan's import reads it (only the fields that count).
  static func model(_ c: PEFT.Case) throws -> ModelConfig {
    func int(_ k: String) -> Int? { c.config[k]?.int }
    func bool(_ k: String) -> Bool? { c.config[k]?.bool }
    switch c.model_type {
    case "gpt2":
      return ModelConfig(
        vocabSize: int("vocab_size")!, contextLength: int("n_positions")!,
        numLayers: int("n_layer")!, dModel: int("n_embd")!, numHeads: int("n_head")!,
        dFF: int("n_inner"), ffn: .gelu, tiedEmbeddings: bool("tie_word_embeddings") ?? true,
        norm: .layernorm, bias: .all, positional: .learned, fusedQKV: true)
    default:
      let neox = c.model_type == "gpt_neox"
      let heads = int("num_attention_heads")!
      return ModelConfig(
        vocabSize: int("vocab_size")!, contextLength: int("max_position_embeddings")!,
        numLayers: int("num_hidden_layers")!, dModel: int("hidden_size")!, numHeads: heads,
        numKVHeads: int("num_key_value_heads") ?? heads, dFF: int("intermediate_size")!,
        ffn: neox ? .gelu : .swiglu, tiedEmbeddings: bool("tie_word_embeddings") ?? false,
        norm: neox ? .layernorm : .rmsnorm,
        bias: c.model_type == "qwen2" ? .qkv : neox ? .all : .none, positional: .rope,
        fusedQKV: neox)
    }
  }

  static func targets(_ c: PEFT.Case) -> [String] {
    switch (c.target_set, c.model_type) {
    case ("all-linear", _): return ["all-linear"]
    case ("attention", _): return ["attention"]
    case (_, "gpt2"), (_, "gpt_neox"): return ["qkv"]
    default: return ["q", "v"]
    }
  }

  @Test func loraTrainableParametersEqualPEFTs() throws {
    let url = DetailedMethodTests.repoRoot.appendingPathComponent("validation/peft_counts.json")
    let fixture = try JSONDecoder().decode(PEFT.self, from: try Data(contentsOf: url))
    #expect(fixture.cases.count >= 100)
    for c in fixture.cases {
      let model = try Self.model(c)
      let setup = TrainingSetup(
        precision: .bf16, method: .detailed,
        training: Training(fineTuning: .lora, lora: LoRA(rank: c.rank, targets: Self.targets(c))))
      let a = try Planner.accounting(model, setup)
      #expect(a.parameters == c.base_total, "\(c.name) base")
      #expect(a.trainableParameters == c.trainable, "\(c.name) trainable")
    }
  }

  struct OptimizerFixture: Decodable {
    struct Case: Decodable {
      struct Param: Decodable { var shape: [Int] }
      var optimizer: String
      var params: [Param]
      var state_bytes: Int
      var shared_state_bytes: Int?
    }
    var cases: [Case]
  }

  @Test func optimizerStateEqualsTheLibraries() throws {
    let url = DetailedMethodTests.repoRoot.appendingPathComponent("validation/optimizer_state.json")
    let fixture = try JSONDecoder().decode(OptimizerFixture.self, from: try Data(contentsOf: url))
    var checked = 0
    for c in fixture.cases {
      guard let optimizer = Optimizer(rawValue: c.optimizer) else { continue }
      let ours = c.params.reduce(0) { sum, p in
        sum + optimizer.stateBytes(rows: p.shape[0], cols: p.shape.count > 1 ? p.shape[1] : 1)
      }
      // torch's per-tensor step count (AdamW) and bitsandbytes' shared tables are the only
      // bytes left out.
      let steps = optimizer == .adamw ? 4 * c.params.count : 0
      #expect(ours + steps + (c.shared_state_bytes ?? 0) == c.state_bytes, "\(c.optimizer)")
      checked += 1
    }
    #expect(checked == 7)
  }

  /// Dettmers et al. 2023: QLoRA fine-tunes a 65B model on one 48 GB GPU. LLaMA-65B (80
  /// layers, h 8192, 64 heads, f 22,016, v 32,000), NF4 base, LoRA r 64 on every linear,
  /// paged 8-bit AdamW, bf16, full checkpointing, micro-batch 1 at 512 tokens.
  @Test func qloraOf65BFitsIn48GB() throws {
    let llama65 = ModelConfig(
      name: "llama-65b", vocabSize: 32_000, contextLength: 2_048, numLayers: 80, dModel: 8_192,
      numHeads: 64, dFF: 22_016)
    let gpu = HardwareProfile(
      name: "a6000", memoryBytes: 48 * 1_000_000_000 / (1 << 20) * (1 << 20),
      peak: PeakThroughput(fp32: 38.7e12, bf16: 154.8e12))
    let setup = TrainingSetup(
      microBatchSize: 1, precision: .bf16, attention: .flash, checkpointing: .full,
      method: .detailed, sequenceLength: 512,
      training: Training(
        fineTuning: .qlora, lora: LoRA(rank: 64, targets: ["all-linear"]),
        optimizer: .pagedAdamw8bit))
    let plan = try Planner.plan(model: llama65, hardware: gpu, setup: setup)
    #expect(plan.fits, "\(Double(plan.memory.totalBytes) / 1e9) GB")
    // The linears at 4.127 bits (about 33.4 GB for their 64.7B parameters), the embedding,
    // head and norms in bf16 (1.05 GB) and 0.8B bf16 adapter weights (1.6 GB).
    #expect(plan.memory.parametersBytes < 37_000_000_000)
    #expect(plan.trainableParameters > 790_000_000 && plan.trainableParameters < 810_000_000)
    // Full fine-tuning of a 7B model with mixed-precision AdamW: 16 bytes a parameter.
    let llama7 = ModelConfig(
      name: "llama-2-7b", vocabSize: 32_000, contextLength: 4_096, numLayers: 32, dModel: 4_096,
      numHeads: 32, dFF: 11_008)
    let full = try Planner.plan(
      model: llama7, hardware: gpu,
      setup: TrainingSetup(microBatchSize: 1, precision: .bf16, method: .detailed))
    #expect(full.memory.constantBytes == 16 * full.parameters)
  }

  @Test func badTargetsAndRanksAreRefused() throws {
    let gpt2 = ModelConfig(
      name: "gpt2", vocabSize: 50_257, contextLength: 1_024, numLayers: 12, dModel: 768,
      numHeads: 12, ffn: .gelu, tiedEmbeddings: true, norm: .layernorm, bias: .all,
      positional: .learned, fusedQKV: true)
    func message(_ targets: [String], rank: Int = 8) -> String {
      let setup = TrainingSetup(
        precision: .bf16,
        training: Training(fineTuning: .lora, lora: LoRA(rank: rank, targets: targets)))
      do { _ = try Planner.accounting(gpt2, setup) } catch let e as PlannerError {
        return e.message()
      } catch {}
      return ""
    }
    #expect(message(["q", "v"]).contains("did you mean qkv"))
    #expect(message(["gate"]).contains("did you mean up"))
    #expect(message(["c_atn"]).contains("not a projection"))
    #expect(message(["c_attn"], rank: 0).contains("positive"))
    #expect(message(["c_attn"], rank: 769).contains("at most"))
    #expect(message(["c_attn", "c_proj"]).isEmpty)
  }

  /// `--offload` with `--cluster`: the gradients go down and the 16-bit weights come back over
  /// the host link once a step, for the GPU's ZeRO shard.
  @Test func offloadTimeIsTheShardOverTheHostLink() throws {
    let model = ModelConfig(
      name: "7b", vocabSize: 32_000, contextLength: 2_048, numLayers: 32, dModel: 4_096,
      numHeads: 32, dFF: 11_008)
    var gpu = StepTimeValidationTests.a100
    gpu.hostLinkBandwidth = 32e9
    var cluster = StepTimeValidationTests.selene
    cluster.gpu = gpu
    var setup = TrainingSetup(
      microBatchSize: 1, globalBatchSize: 8, runLength: .steps(1), numGPUs: 8, precision: .bf16,
      attention: .flash, zeroStage: 2, method: .detailed, cluster: cluster,
      training: Training(offload: .optimizer))
    let plan = try Planner.plan(model: model, hardware: gpu, setup: setup)
    let shard = Double(plan.parameters) / 8
    #expect(abs(plan.time.offloadSeconds - shard * (2 + 2) / 32e9) < 1e-9)
    #expect(plan.hostBytes == Int((Double(plan.parameters) * 12 / 8).rounded(.up)))
    #expect(plan.memory.optimizerStateBytes == 0)
    setup.training.offload = .none
    let onGPU = try Planner.plan(model: model, hardware: gpu, setup: setup)
    #expect(onGPU.time.offloadSeconds == 0 && onGPU.hostBytes == 0)
    #expect(plan.time.stepSeconds > onGPU.time.stepSeconds - onGPU.time.optimizerSeconds)
  }
}
