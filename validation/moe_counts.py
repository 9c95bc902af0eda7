#!/usr/bin/env python3
"""Exact parameter counts of published mixture-of-experts configs, from transformers.

For every config.json under validation/configs/ (verbatim copies of the published files, sources
in configs/SOURCES.md) this instantiates the architecture with Hugging Face transformers on the
META device (no memory, no weights, no network):

    cfg = AutoConfig.for_model(**config_without_quantization_config)
    with torch.device("meta"):
        model = AutoModelForCausalLM.from_config(cfg)

and records

  * total: sum(p.numel() for p in model.parameters()) -- parameters() yields a tied weight once;
  * a breakdown of that total by role (embedding, LM head, attention, dense MLPs, routed experts,
    shared experts, routers, norms), classified by parameter name, which must add up to total;
  * the layer pattern (which layers are MoE) read off the instantiated modules;
  * active = total - sum over MoE layers of (E - k)/E x that layer's routed-expert parameters;
  * the published "active" figure where a model card or paper states one, with its source.

`quantization_config` (fp8 block scales, mxfp4) is dropped before instantiation: the count is
the model's parameters, not the checkpoint's stored tensors. DeepSeek-V3's multi-token-prediction
layer (num_nextn_predict_layers) is not instantiated by transformers and is not counted; its size
is reported separately as an estimate.

Writes validation/moe_counts.json. Run (about 30 s, CPU only, offline):
    validation/.venv/bin/python validation/moe_counts.py
(the venv needs `pip install transformers`; see README.md).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import warnings
from collections import OrderedDict, defaultdict

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
CONFIGS = os.path.join(HERE, "configs")
OUTPUT = os.path.join(HERE, "moe_counts.json")

# One case per config file: the model it is, and the active-parameter figure its publisher states.
CASES = [
    {
        "name": "Mixtral-8x7B-v0.1",
        "config_file": "configs/mixtral-8x7b-v0.1.json",
        "published_active": 12.9e9,
        "published_total": 46.7e9,
        "published_source": "Mistral AI, 'Mixtral of experts' (mistral.ai/news/mixtral-of-experts, "
                            "2023-12-11) and the model card: '46.7B total parameters but only uses "
                            "12.9B parameters per token'",
        "published_counts_embedding": None,
    },
    {
        "name": "Qwen2-57B-A14B",
        "config_file": "configs/qwen2-57b-a14b.json",
        "published_active": 14e9,
        "published_total": 57e9,
        "published_source": "huggingface.co/Qwen/Qwen2-57B-A14B model card and the Qwen2 technical "
                            "report (arXiv:2407.10671), Table 1: 57B parameters in total, 14B "
                            "activated (the name says 57B-A14B). NOT a verbatim config.json: "
                            "re-serialised from a Python dict, see configs/SOURCES.md",
        "published_counts_embedding": None,
    },
    {
        "name": "Qwen3-30B-A3B",
        "config_file": "configs/qwen3-30b-a3b.json",
        "published_active": 3.3e9,
        "published_total": 30.5e9,
        "published_source": "huggingface.co/Qwen/Qwen3-30B-A3B model card: 'Number of Parameters: "
                            "30.5B in total and 3.3B activated; Number of Parameters "
                            "(Non-Embedding): 29.9B'",
        "published_counts_embedding": None,
    },
    {
        "name": "DeepSeek-V2-Lite-Chat",
        "config_file": "configs/deepseek-v2-lite-chat.json",
        "published_active": 2.4e9,
        "published_total": 15.7e9,
        "published_source": "huggingface.co/deepseek-ai/DeepSeek-V2-Lite-Chat model card (the "
                            "DeepSeek-V2-Lite card's): table 'DeepSeek-V2-Lite-Chat (SFT) 16B total, "
                            "2.4B activated'; architecture section: '15.7B total parameters, of "
                            "which 2.4B are activated for each token'",
        "published_counts_embedding": None,
    },
    {
        "name": "DeepSeek-V3",
        "config_file": "configs/deepseek-v3.json",
        "published_active": 37e9,
        "published_total": 671e9,
        "published_source": "DeepSeek-V3 technical report (arXiv:2412.19437): '671B total parameters "
                            "with 37B activated for each token'; README_WEIGHTS.md of "
                            "deepseek-ai/DeepSeek-V3, main model: 'Total parameters: 671B, "
                            "Activation parameters: 36.7B (including 0.9B for Embedding and 0.9B "
                            "for the output Head)' (an earlier revision said '36.6B (including 0.9B "
                            "for the output Head)', i.e. without the input embedding); MTP module: "
                            "'11.5B unique parameters'",
        "published_counts_embedding": "both revisions exist: 36.6B without, 36.7B with",
    },
    {
        "name": "OLMoE-1B-7B-0125-Instruct",
        "config_file": "configs/olmoe-1b-7b-0125-instruct.json",
        "published_active": 1.3e9,
        "published_total": 6.9e9,
        "published_source": "Muennighoff et al., 'OLMoE: Open Mixture-of-Experts Language Models' "
                            "(arXiv:2409.02060): '1.3B active / 6.9B total parameters' "
                            "(the name says 1B-7B); the 0125 release keeps the 0924 architecture "
                            "(16 layers, h 2048, 64 experts of 1024, top-8)",
        "published_counts_embedding": None,
    },
    {
        "name": "gpt-oss-20b",
        "config_file": "configs/gpt-oss-20b.json",
        "published_active": 3.61e9,
        "published_total": 20.91e9,
        "published_source": "OpenAI, 'gpt-oss-120b & gpt-oss-20b Model Card' (2025-08-05), Table 1: "
                            "gpt-oss-20b total 20.91B, active parameters per token 3.61B; the "
                            "huggingface.co/openai/gpt-oss-20b card says '21B parameters with 3.6B "
                            "active'. The card's active count leaves the input embedding out",
        "published_counts_embedding": False,
    },
]


def load_config(path: str) -> dict:
    with open(path) as fh:
        return json.load(fh)


def instantiate(raw: dict):
    from transformers import AutoConfig, AutoModelForCausalLM

    d = dict(raw)
    dropped = [k for k in ("quantization_config",) if k in d]
    for k in dropped:
        d.pop(k)
    cfg = AutoConfig.for_model(**d)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with torch.device("meta"):
            model = AutoModelForCausalLM.from_config(cfg)
    return cfg, model, dropped


LAYER_RE = re.compile(r"^model\.layers\.(\d+)\.(.*)$")

ROUTED = ("mlp.experts.", "block_sparse_moe.experts.", "block_sparse_moe.input_linear.",
          "block_sparse_moe.output_linear.")
SHARED = ("mlp.shared_expert.", "mlp.shared_experts.", "shared_mlp.")
ROUTER = ("mlp.gate.", "mlp.router.", "block_sparse_moe.gate.", "block_sparse_moe.router.")
SHARED_GATE = ("mlp.shared_expert_gate.",)
DENSE_MLP = ("mlp.gate_proj.", "mlp.up_proj.", "mlp.down_proj.", "mlp.fc1.", "mlp.fc2.")
LAYER_NORMS = ("input_layernorm.", "post_attention_layernorm.", "pre_feedforward_layernorm.",
               "post_feedforward_layernorm.")


def classify(name: str):
    """(layer index or None, role) of one parameter name."""
    if name.startswith("model.embed_tokens."):
        return None, "embedding"
    if name.startswith("lm_head."):
        return None, "lm_head"
    if name.startswith("model.norm."):
        return None, "final_norm"
    m = LAYER_RE.match(name)
    if not m:
        return None, "other"
    layer, rest = int(m.group(1)), m.group(2)
    if rest.startswith("self_attn."):
        return layer, "attention"
    for prefixes, role in ((ROUTED, "routed_experts"), (SHARED, "shared_experts"),
                           (SHARED_GATE, "shared_expert_gate"), (ROUTER, "router"),
                           (DENSE_MLP, "dense_mlp"), (LAYER_NORMS, "layer_norms")):
        if rest.startswith(prefixes):
            return layer, role
    return layer, "other"


def uniform_or_list(values):
    vals = list(values)
    if not vals:
        return 0
    return vals[0] if all(v == vals[0] for v in vals) else vals


def experts_and_topk(cfg):
    e = (getattr(cfg, "num_local_experts", None) or getattr(cfg, "n_routed_experts", None)
         or getattr(cfg, "num_experts", None))
    k = getattr(cfg, "num_experts_per_tok", None) or getattr(cfg, "experts_per_token", None)
    return int(e), int(k)


def router_details(model, cfg):
    """Whether the router has a bias, and whether DeepSeek-V3's e_score_correction_bias is a
    parameter or a buffer (it is a persistent buffer in transformers 5: stored in the
    checkpoint, not trained by the optimizer, not in parameters())."""
    out = {"router_weight_shape": None, "router_bias_parameter": False,
           "e_score_correction_bias": None}
    for n, p in model.named_parameters():
        layer, role = classify(n)
        if role == "router":
            if n.endswith("weight") and out["router_weight_shape"] is None:
                out["router_weight_shape"] = list(p.shape)
            if n.endswith("bias"):
                out["router_bias_parameter"] = True
    params = dict(model.named_parameters())
    buffers = dict(model.named_buffers())
    persistent = set()
    for mod_name, mod in model.named_modules():
        for b in mod._buffers:
            if b not in mod._non_persistent_buffers_set:
                persistent.add(f"{mod_name}.{b}" if mod_name else b)
    for n in list(params) + list(buffers):
        if n.endswith("e_score_correction_bias"):
            is_param = n in params
            count = sum(1 for x in list(params) + list(buffers)
                        if x.endswith("e_score_correction_bias"))
            t = params[n] if is_param else buffers[n]
            out["e_score_correction_bias"] = {
                "is_parameter": is_param,
                "is_buffer": not is_param,
                "persistent_buffer": (n in persistent) if not is_param else None,
                "per_layer_shape": list(t.shape),
                "dtype": str(t.dtype).replace("torch.", ""),
                "layers": count,
                "elements_total": count * t.numel(),
                "counted_in_total": is_param,
            }
            break
    return out


def count(case: dict) -> dict:
    raw = load_config(os.path.join(HERE, case["config_file"]))
    cfg, model, dropped = instantiate(raw)
    n_layers = cfg.num_hidden_layers
    total = sum(p.numel() for p in model.parameters())

    role_total = defaultdict(int)
    per_layer = defaultdict(lambda: defaultdict(int))
    others = []
    for n, p in model.named_parameters():  # named_parameters() also dedups tied weights
        layer, role = classify(n)
        role_total[role] += p.numel()
        if layer is not None:
            per_layer[layer][role] += p.numel()
        if role == "other":
            others.append(n)
    assert sum(role_total.values()) == total, (case["name"], dict(role_total), total)

    moe_layers = [i for i in range(n_layers) if per_layer[i]["routed_experts"] > 0]
    dense_layers = [i for i in range(n_layers) if per_layer[i]["routed_experts"] == 0]
    E, k = experts_and_topk(cfg)
    idle = sum((E - k) * per_layer[i]["routed_experts"] // E for i in moe_layers)
    assert all(per_layer[i]["routed_experts"] % E == 0 for i in moe_layers)
    active = total - idle

    emb = role_total["embedding"]
    tied = bool(getattr(cfg, "tie_word_embeddings", False))
    lm_head = role_total["lm_head"]
    if tied:
        assert lm_head == 0

    # Layer pattern.
    first_k_dense = 0
    while first_k_dense < n_layers and first_k_dense not in moe_layers:
        first_k_dense += 1
    moe_every_n = (getattr(cfg, "decoder_sparse_step", None) or getattr(cfg, "moe_layer_freq", None)
                   or 1)
    layer_pattern = {
        "num_layers": n_layers,
        "first_k_dense": first_k_dense,
        "moe_every_n": int(moe_every_n),
        "num_moe_layers": len(moe_layers),
        "dense_layers": dense_layers,
        "config_keys": {key: raw[key] for key in ("first_k_dense_replace", "moe_layer_freq",
                                                   "decoder_sparse_step", "mlp_only_layers")
                        if key in raw},
    }

    routed_per_layer = uniform_or_list(per_layer[i]["routed_experts"] for i in moe_layers)
    breakdown = OrderedDict(
        embedding=emb,
        lm_head=lm_head,
        tied_embeddings=tied,
        attention_per_layer=uniform_or_list(per_layer[i]["attention"] for i in range(n_layers)),
        attention_total=role_total["attention"],
        dense_mlp_per_dense_layer=uniform_or_list(per_layer[i]["dense_mlp"] for i in dense_layers),
        dense_mlp_total=role_total["dense_mlp"],
        routed_experts_per_moe_layer=routed_per_layer,
        routed_expert_each=(routed_per_layer // E if isinstance(routed_per_layer, int) else None),
        routed_experts_total=role_total["routed_experts"],
        shared_experts_per_moe_layer=uniform_or_list(per_layer[i]["shared_experts"]
                                                     for i in moe_layers),
        shared_experts_total=role_total["shared_experts"],
        shared_expert_gate_total=role_total["shared_expert_gate"],
        router_per_moe_layer=uniform_or_list(per_layer[i]["router"] for i in moe_layers),
        router_total=role_total["router"],
        layer_norms_per_layer=uniform_or_list(per_layer[i]["layer_norms"] for i in range(n_layers)),
        layer_norms_total=role_total["layer_norms"],
        final_norm=role_total["final_norm"],
        other=role_total["other"],
    )
    moe = OrderedDict(
        experts=E,
        top_k=k,
        expert_ffn=getattr(cfg, "moe_intermediate_size", None) or cfg.intermediate_size,
        shared_experts=(getattr(cfg, "n_shared_experts", None)
                        or (1 if role_total["shared_experts"] else 0)),
        shared_expert_ffn=(getattr(cfg, "shared_expert_intermediate_size", None)
                           or ((getattr(cfg, "n_shared_experts", 0) or 0)
                               * (getattr(cfg, "moe_intermediate_size", 0) or 0)) or None),
        **router_details(model, cfg),
    )

    notes = []
    if dropped:
        notes.append(f"dropped before instantiation: {', '.join(dropped)} "
                     f"({raw['quantization_config'].get('quant_method')}); the count is the "
                     "model's parameters, not the checkpoint's stored tensors")
    if tied:
        notes.append("tied embeddings: the LM head is the embedding matrix, counted once")
    nextn = raw.get("num_nextn_predict_layers")
    mtp = None
    if nextn:
        # One extra decoder layer per MTP module (the same as a MoE layer here), plus eh_proj
        # (2h -> h), enorm, hnorm and the shared head's norm; embedding and output head shared.
        h = cfg.hidden_size
        last = moe_layers[-1]
        layer_params = sum(per_layer[last].values())
        mtp = nextn * (layer_params + 2 * h * h + 3 * h)
        notes.append(f"num_nextn_predict_layers={nextn}: transformers does not instantiate the "
                     f"multi-token-prediction module, so it is not counted. Estimated size "
                     f"{mtp:,} (one MoE decoder layer {layer_params:,} + eh_proj 2h*h + 3 norms "
                     f"of h); DeepSeek's README_WEIGHTS says 11.5B unique parameters")
    if others:
        names = sorted(set(re.sub(r"[.]\d+[.]", ".#.", o) for o in others))
        notes.append(f"unclassified parameters: {names}")
    if role_total["shared_expert_gate"]:
        notes.append("shared_expert_gate (h -> 1, sigmoid) scales the shared expert; counted "
                     "separately, always active")
    if case["name"] == "gpt-oss-20b":
        notes.append("attention sinks (one learned logit per head, self_attn.sinks) are "
                     "parameters and counted in attention; experts carry biases "
                     "(gate_up_proj_bias, down_proj_bias) counted with the routed experts")
    if raw["model_type"] == "olmoe":
        q = dict(model.named_parameters())["model.layers.0.self_attn.q_norm.weight"].numel()
        k = dict(model.named_parameters())["model.layers.0.self_attn.k_norm.weight"].numel()
        notes.append(f"q_norm and k_norm span the whole projections ({q} and {k} per layer: "
                     "hidden_size and hidden_size / heads x kv heads), not one head as Qwen3's; "
                     "counted in attention")
    if raw["model_type"] in ("deepseek_v2", "deepseek_v3"):
        notes.append("transformers makes every layer from first_k_dense_replace on an MoE layer "
                     "(moe_layer_freq is not read); this config's moe_layer_freq is "
                     f"{raw.get('moe_layer_freq', 1)}")
    if moe["e_score_correction_bias"]:
        notes.append("e_score_correction_bias (aux-loss-free balancing) is a buffer in this "
                     "transformers, not a parameter: not in the total")

    pub = case["published_active"]
    act_no_emb = active - emb
    result = OrderedDict(
        name=case["name"],
        model_type=raw["model_type"],
        config_file=case["config_file"],
        total=total,
        active=active,
        active_without_input_embedding=act_no_emb,
        published_active=pub,
        published_total=case["published_total"],
        published_source=case["published_source"],
        active_vs_published=round(active / pub - 1, 4),
        active_without_input_embedding_vs_published=round(act_no_emb / pub - 1, 4),
        total_vs_published=round(total / case["published_total"] - 1, 4),
        mtp_parameters_not_counted=mtp,
        breakdown=breakdown,
        moe=moe,
        layer_pattern=layer_pattern,
        notes=notes,
    )
    return result


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--output", default=OUTPUT)
    args = parser.parse_args()
    import transformers

    torch.set_num_threads(1)
    results = []
    for case in CASES:
        path = os.path.join(HERE, case["config_file"])
        if not os.path.exists(path):
            print(f"skip {case['name']}: {case['config_file']} missing", file=sys.stderr)
            continue
        r = count(case)
        results.append(r)
        print(f"{r['name']:<20} {r['model_type']:<12} total={r['total']:>16,} "
              f"active={r['active']:>15,} ({r['active_vs_published']:+.1%} vs "
              f"{r['published_active'] / 1e9:g}B; w/o emb {r['active_without_input_embedding_vs_published']:+.1%})",
              flush=True)
    doc = OrderedDict(
        transformers_version=transformers.__version__,
        torch_version=torch.__version__,
        generated_by="validation/moe_counts.py",
        active_definition="total - sum over MoE layers of (E - k)/E x that layer's routed-expert "
                          "parameters (input embedding and LM head included); "
                          "active_without_input_embedding subtracts the input embedding",
        cases=results,
    )
    with open(args.output, "w") as fh:
        json.dump(doc, fh, indent=1)
        fh.write("\n")
    print(f"{len(results)} cases -> {os.path.relpath(args.output)}")


if __name__ == "__main__":
    main()
