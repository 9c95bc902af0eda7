#!/usr/bin/env python3
"""Evaluates the MoE part of the Megatron-LM memory oracle (megatron_memory.py's port of
compute_weight_and_optimizer_memory, which splits the parameters into TP-sharded, replicated
and expert-sharded ones and shards the experts' optimizer state over the expert data-parallel
group world // (ETP · EP · PP)) over expert-parallel layouts of published MoE configs, and
writes validation/megatron_moe_oracle.json.

Pure Python (no torch): python3 validation/megatron_moe_layouts.py

Configs (copies in validation/configs/, sources in configs/SOURCES.md): Mixtral-8x7B-v0.1,
Qwen3-30B-A3B and DeepSeek-V3. Expert tensor parallel = TP, Megatron's default (arguments.py sets
expert_tensor_parallel_size = tensor_model_parallel_size when it is not given). Only the
weights and optimizer state are compared: the estimator's activations have no MoE term.
"""

from __future__ import annotations

import json
import os

from megatron_memory import MegatronArgs, compute_weight_and_optimizer_memory, \
    vocab_size_with_padding

HERE = os.path.dirname(os.path.abspath(__file__))
OUTPUT = os.path.join(HERE, "megatron_moe_oracle.json")
MAKE_VOCAB_SIZE_DIVISIBLE_BY = 128


def moe_model(config_file, vocab, seq, layers, hidden, heads, kv, kv_channels, experts, topk,
              moe_ffn, qk_norm, ffn=None, first_dense=0, shared_ffn=None, mla=None):
    return {
        "config_file": config_file, "vocab_size": vocab, "seq_length": seq,
        "num_layers": layers, "hidden_size": hidden, "num_attention_heads": heads,
        "num_query_groups": kv, "kv_channels": kv_channels, "num_experts": experts,
        "moe_router_topk": topk, "moe_ffn_hidden_size": moe_ffn, "qk_layernorm": qk_norm,
        "ffn_hidden_size": ffn if ffn is not None else moe_ffn, "first_dense_layers": first_dense,
        "shared_expert_ffn": shared_ffn, "mla": mla,
    }


# From the committed config.json copies.
MIXTRAL = moe_model("configs/mixtral-8x7b-v0.1.json", 32000, 32768, 32, 4096, 32, 8, 128, 8, 2,
                    14336, False)
QWEN3 = moe_model("configs/qwen3-30b-a3b.json", 151936, 40960, 48, 2048, 32, 4, 128, 128, 8,
                  768, True)

# DeepSeek-V3: MLA, 3 dense layers (width 18,432) then MoE, one shared expert; the MTP layer is
# not counted (trainplan does not; Megatron's mtp_num_layers left unset).
DEEPSEEK_V3 = moe_model("configs/deepseek-v3.json", 129280, 4096, 61, 7168, 128, 128, 128, 256,
                        8, 2048, False, ffn=18432, first_dense=3, shared_ffn=2048,
                        mla={"q_lora_rank": 1536, "kv_lora_rank": 512, "qk_head_dim": 128,
                             "qk_pos_emb_head_dim": 64, "v_head_dim": 128})


def layout(tp=1, pp=1, ep=1, dp=1, dist_opt=True):
    return {"tp": tp, "pp": pp, "ep": ep, "etp": tp, "dp": dp, "cp": 1,
            "use_distributed_optimizer": dist_opt}


def cases():
    return [
        ("mixtral-t1-p1-e8-d8", MIXTRAL, layout(ep=8, dp=8)),
        ("mixtral-t1-p1-e4-d8", MIXTRAL, layout(ep=4, dp=8)),
        ("mixtral-t1-p1-e2-d16", MIXTRAL, layout(ep=2, dp=16)),
        ("mixtral-t2-p1-e4-d8", MIXTRAL, layout(tp=2, ep=4, dp=8)),
        ("mixtral-t2-p2-e2-d4", MIXTRAL, layout(tp=2, pp=2, ep=2, dp=4)),
        ("mixtral-t1-p4-e8-d8", MIXTRAL, layout(pp=4, ep=8, dp=8)),
        ("mixtral-t1-p1-e8-d32", MIXTRAL, layout(ep=8, dp=32)),
        ("mixtral-t1-p1-e8-d8-no-distopt", MIXTRAL, layout(ep=8, dp=8, dist_opt=False)),
        ("qwen3-30b-t1-p1-e8-d8", QWEN3, layout(ep=8, dp=8)),
        ("qwen3-30b-t1-p1-e32-d32", QWEN3, layout(ep=32, dp=32)),
        ("qwen3-30b-t2-p1-e16-d16", QWEN3, layout(tp=2, ep=16, dp=16)),
        ("qwen3-30b-t1-p1-e8-d64", QWEN3, layout(ep=8, dp=64)),
        ("qwen3-30b-t2-p1-e16-d32", QWEN3, layout(tp=2, ep=16, dp=32)),
        ("qwen3-30b-t1-p2-e64-d64", QWEN3, layout(pp=2, ep=64, dp=64)),
        ("qwen3-30b-t4-p4-e8-d8", QWEN3, layout(tp=4, pp=4, ep=8, dp=8)),
        ("qwen3-30b-t1-p1-e128-d128", QWEN3, layout(ep=128, dp=128)),
        ("deepseek-v3-t1-p1-e64-d64", DEEPSEEK_V3, layout(ep=64, dp=64)),
        ("deepseek-v3-t1-p1-e256-d256", DEEPSEEK_V3, layout(ep=256, dp=256)),
        ("deepseek-v3-t1-p1-e32-d128", DEEPSEEK_V3, layout(ep=32, dp=128)),
        ("deepseek-v3-t2-p1-e64-d128", DEEPSEEK_V3, layout(tp=2, ep=64, dp=128)),
    ]


def evaluate(name, m, lay):
    padded = vocab_size_with_padding(m["vocab_size"], MAKE_VOCAB_SIZE_DIVISIBLE_BY, lay["tp"])
    extra = {}
    if m["mla"] is not None:
        extra = dict(m["mla"], multi_latent_attention=True)
    pattern = [0] * m["first_dense_layers"] + [1] * (m["num_layers"] - m["first_dense_layers"])
    args = MegatronArgs(
        num_layers=m["num_layers"], hidden_size=m["hidden_size"],
        num_attention_heads=m["num_attention_heads"], ffn_hidden_size=m["ffn_hidden_size"],
        seq_length=m["seq_length"], padded_vocab_size=padded, kv_channels=m["kv_channels"],
        group_query_attention=m["num_query_groups"] != m["num_attention_heads"],
        moe_layer_freq=pattern, moe_shared_expert_intermediate_size=m["shared_expert_ffn"],
        num_query_groups=m["num_query_groups"], swiglu=True, normalization="RMSNorm",
        untie_embeddings_and_output_weights=True, add_bias_linear=False,
        num_experts=m["num_experts"], moe_ffn_hidden_size=m["moe_ffn_hidden_size"],
        moe_router_topk=m["moe_router_topk"],
        tensor_model_parallel_size=lay["tp"], pipeline_model_parallel_size=lay["pp"],
        data_parallel_size=lay["dp"], expert_model_parallel_size=lay["ep"],
        expert_tensor_parallel_size=lay["etp"],
        use_distributed_optimizer=lay["use_distributed_optimizer"], **extra)
    w = compute_weight_and_optimizer_memory(args)
    keys = ("tp_sharded_params_on_most_loaded_shard", "replicated_params_on_most_loaded_shard",
            "expert_sharded_params_on_most_loaded_shard", "expert_data_parallel_size",
            "num_total_parameters", "num_active_parameters", "weight_and_optimizer_bytes")
    return {"name": name, "model": dict(m, padded_vocab_size=padded), "layout": lay,
            "oracle": {k: w[k] for k in keys}}


def main():
    results = [evaluate(*c) for c in cases()]
    with open(OUTPUT, "w") as fh:
        json.dump(results, fh, indent=1)
        fh.write("\n")
    for r in results:
        o = r["oracle"]
        print(f"{r['name']:<34} W+O {o['weight_and_optimizer_bytes'] / 2**30:>10.3f} GiB  "
              f"experts/rank {o['expert_sharded_params_on_most_loaded_shard']:>14.0f}  "
              f"EDP {o['expert_data_parallel_size']}")
    print(f"{len(results)} cases -> {os.path.relpath(OUTPUT)}")


if __name__ == "__main__":
    main()
