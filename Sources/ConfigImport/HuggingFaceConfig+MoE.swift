import Planner

// The mixture-of-experts families, each as transformers 5 builds it (validation/moe_counts.py
// instantiates the committed configs on the meta device). `quantization_config` is ignored: the
// count is the model's parameters, not the checkpoint's stored tensors; DeepSeek-V3's
// multi-token-prediction layer is not instantiated by transformers and not counted.
extension HuggingFaceConfig {
  func moe(_ type: String) throws -> ModelConfig {
    let heads = try int("num_attention_heads")
    var config = ModelConfig(
      vocabSize: try int("vocab_size"), contextLength: try int("max_position_embeddings"),
      numLayers: try int("num_hidden_layers"), dModel: try int("hidden_size"), numHeads: heads,
      numKVHeads: try optionalInt("num_key_value_heads") ?? heads,
      dFF: try int("intermediate_size"), ffn: .swiglu,
      tiedEmbeddings: try optionalBool("tie_word_embeddings") ?? false, norm: .rmsnorm,
      bias: try optionalBool("attention_bias") ?? false ? .all : .none, positional: .rope)
    switch type {
    case "mixtral":
      config.experts = Experts(
        count: try int("num_local_experts"), topK: try int("num_experts_per_tok"),
        ffn: try int("intermediate_size"))
    case "qwen2_moe": try qwen2MoE(&config)
    case "qwen3_moe":
      try requireEveryQwenLayerSparse()
      config.headDim = try optionalInt("head_dim")
      config.qkNorm = true
      config.experts = Experts(
        count: try int("num_experts"), topK: try int("num_experts_per_tok"),
        ffn: try int("moe_intermediate_size"))
    case "deepseek_v2", "deepseek_v3": try deepSeek(&config, type: type)
    case "olmoe": try olmoe(&config)
    default:  // gpt_oss
      config.headDim = try optionalInt("head_dim")
      config.attentionSinks = true
      config.experts = Experts(
        count: try int("num_local_experts"),
        topK: try optionalInt("num_experts_per_tok") ?? int("experts_per_token"),
        ffn: try int("intermediate_size"), routerBias: true, expertBias: true)
    }
    return config
  }

  /// Qwen1.5-MoE / Qwen2-MoE: Q, K and V biases (`qkv_bias`, default true), one shared expert
  /// of `shared_expert_intermediate_size` scaled by a sigmoid gate h → 1.
  func qwen2MoE(_ config: inout ModelConfig) throws {
    try requireEveryQwenLayerSparse()
    config.bias = try optionalBool("qkv_bias") ?? true ? .qkv : .none
    config.headDim = try optionalInt("head_dim")
    let shared = try int("shared_expert_intermediate_size")
    if shared <= 0 {
      throw ConfigImportError(
        file: file, key: "shared_expert_intermediate_size",
        "key 'shared_expert_intermediate_size' must be positive (got \(shared))")
    }
    config.experts = Experts(
      count: try int("num_experts"), topK: try int("num_experts_per_tok"), shared: 1,
      ffn: try int("moe_intermediate_size"), sharedFFN: shared, sharedExpertGate: true)
  }

  /// Qwen's MoE layers are those whose index + 1 is a multiple of `decoder_sparse_step`, less
  /// `mlp_only_layers`: trainplan's pattern (the first k dense, then every n-th counted from 0)
  /// describes only the step of 1 with no listed layers, the published configs' pattern.
  func requireEveryQwenLayerSparse() throws {
    if case .array(let dense)? = json["mlp_only_layers"], !dense.isEmpty {
      throw ConfigImportError(
        file: file, key: "mlp_only_layers",
        "key 'mlp_only_layers' lists dense layers; trainplan models only a leading run of dense layers"
      )
    }
    if let step = try optionalInt("decoder_sparse_step"), step != 1 {
      throw ConfigImportError(
        file: file, key: "decoder_sparse_step",
        "key 'decoder_sparse_step' must be 1 (got \(step)): Qwen's MoE layers at i + 1 a multiple of the step are not a pattern trainplan models"
      )
    }
  }

  /// DeepSeek-V2 and V3: multi-head latent attention (`q_lora_rank: null` a plain q
  /// projection), `n_shared_experts` shared experts, the first `first_k_dense_replace` layers
  /// dense and every later one MoE (transformers does not read `moe_layer_freq`, so only 1 is
  /// taken). V3's `e_score_correction_bias` is a buffer in transformers, not a parameter.
  func deepSeek(_ config: inout ModelConfig, type: String) throws {
    // MLA's projections and the MLPs carry no biases unless these keys say so.
    for key in ["attention_bias", "mlp_bias"] where try optionalBool(key) ?? false {
      throw ConfigImportError(
        file: file, key: key, "key '\(key)' true is not a \(type) layout trainplan models")
    }
    if let every = try optionalInt("moe_layer_freq"), every != 1 {
      throw ConfigImportError(
        file: file, key: "moe_layer_freq",
        "key 'moe_layer_freq' must be 1 (got \(every)): transformers makes every layer after first_k_dense_replace MoE"
      )
    }
    config.bias = .none
    config.latentAttention = LatentAttention(
      qLoraRank: try optionalInt("q_lora_rank"), kvLoraRank: try int("kv_lora_rank"),
      qkNopeHeadDim: try int("qk_nope_head_dim"), qkRopeHeadDim: try int("qk_rope_head_dim"),
      vHeadDim: try int("v_head_dim"))
    config.numKVHeads = config.numHeads
    // transformers builds the shared experts as one MLP n × moe_intermediate_size wide: the
    // same parameters and FLOPs as n experts of the routed width.
    config.experts = Experts(
      count: try int("n_routed_experts"), topK: try int("num_experts_per_tok"),
      shared: try optionalInt("n_shared_experts") ?? 0, ffn: try int("moe_intermediate_size"),
      firstDenseLayers: try optionalInt("first_k_dense_replace") ?? 0)
  }

  /// OLMoE: every layer MoE, experts `intermediate_size` wide, no shared experts, and Q/K
  /// RMSNorms over the whole projections (q_norm over h, k_norm over h/n × KV heads).
  func olmoe(_ config: inout ModelConfig) throws {
    let (h, heads) = (config.dModel, config.numHeads)
    // transformers sizes q_norm from hidden_size, so a head_dim other than h/n is a shape
    // whose norms do not fit its projections.
    if let d = try optionalInt("head_dim"), heads > 0, d != h / heads {
      throw ConfigImportError(
        file: file, key: "head_dim",
        "key 'head_dim' must be hidden_size / num_attention_heads for olmoe (got \(d))")
    }
    config.qkNorm = true
    config.qkNormWholeProjection = true
    config.experts = Experts(
      count: try int("num_experts"), topK: try int("num_experts_per_tok"),
      ffn: try int("intermediate_size"))
  }
}
