#!/usr/bin/env python3
"""LoRA trainable-parameter counts exactly as Hugging Face PEFT computes them.

For every case: build the model with transformers' AutoModelForCausalLM.from_config(config) on
the META device (no weights are allocated, no hub access), count its parameters (base_total),
wrap it with peft.get_peft_model(model, LoraConfig(r=rank, lora_alpha=2·rank,
target_modules=targets, lora_dropout=0.0)) and record model.get_nb_trainable_parameters() ->
(trainable, total). Families: Llama, Qwen2, Mistral (separate q/k/v/o, gate/up/down
projections), GPT-2 (Conv1D; c_attn is the fused h -> 3h QKV matrix, c_proj matches both
attn.c_proj and mlp.c_proj, c_fc) and GPT-NeoX (query_key_value fused, dense, dense_h_to_4h,
dense_4h_to_h); target sets "q,v", "attention", "all-linear"; ranks 8, 16, 64; a small but
structurally faithful config and at least one real size per family. The real configs are
written inline from the published config.json values (sources cited next to each; the hub is not
contacted).

Writes validation/peft_counts.json. Takes a few seconds (meta tensors).

Run:  validation/.venv/bin/python validation/peft_counts.py
      (setup: bash validation/setup.sh; validation/.venv/bin/pip install transformers peft)
"""

from __future__ import annotations

import argparse
import json
import os
import re
import time
import warnings

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
OUTPUT = os.path.join(HERE, "peft_counts.json")
RANKS = (8, 16, 64)

# --------------------------------------------------------------------------------------------
# Configs (HF config.json dicts). Only the keys that matter for the module shapes, plus the
# published ones that identify the model; everything else takes the transformers default.
# --------------------------------------------------------------------------------------------

CONFIGS = {
    # Shrunk Llama with GQA (n 8, kv 2), SwiGLU with Llama-2's f/h = 11008/4096, untied.
    "llama-small": {
        "model_type": "llama", "architectures": ["LlamaForCausalLM"],
        "vocab_size": 1000, "hidden_size": 512, "intermediate_size": 1376,
        "num_hidden_layers": 2, "num_attention_heads": 8, "num_key_value_heads": 2,
        "max_position_embeddings": 256, "rms_norm_eps": 1e-5, "hidden_act": "silu",
        "tie_word_embeddings": False, "attention_bias": False, "mlp_bias": False,
    },
    # meta-llama/Llama-2-7b-hf config.json (published; 6,738,415,616 parameters).
    "llama-2-7b": {
        "model_type": "llama", "architectures": ["LlamaForCausalLM"],
        "vocab_size": 32000, "hidden_size": 4096, "intermediate_size": 11008,
        "num_hidden_layers": 32, "num_attention_heads": 32, "num_key_value_heads": 32,
        "max_position_embeddings": 4096, "rms_norm_eps": 1e-5, "hidden_act": "silu",
        "tie_word_embeddings": False, "rope_theta": 10000.0,
        "bos_token_id": 1, "eos_token_id": 2,
    },
    # meta-llama/Meta-Llama-3-8B config.json (published; GQA 32/8, vocab 128256; 8,030,261,248).
    "llama-3-8b": {
        "model_type": "llama", "architectures": ["LlamaForCausalLM"],
        "vocab_size": 128256, "hidden_size": 4096, "intermediate_size": 14336,
        "num_hidden_layers": 32, "num_attention_heads": 32, "num_key_value_heads": 8,
        "max_position_embeddings": 8192, "rms_norm_eps": 1e-5, "hidden_act": "silu",
        "tie_word_embeddings": False, "rope_theta": 500000.0,
        "bos_token_id": 128000, "eos_token_id": 128001,
    },
    # Shrunk Qwen2: GQA (n 14, kv 2 as Qwen2-0.5B, head 64), Q/K/V biases (hard-wired in
    # transformers' Qwen2Attention), tied embeddings, f/h = 4864/896.
    "qwen2-small": {
        "model_type": "qwen2", "architectures": ["Qwen2ForCausalLM"],
        "vocab_size": 1000, "hidden_size": 896, "intermediate_size": 4864,
        "num_hidden_layers": 2, "num_attention_heads": 14, "num_key_value_heads": 2,
        "max_position_embeddings": 256, "rms_norm_eps": 1e-6, "hidden_act": "silu",
        "tie_word_embeddings": True, "rope_theta": 1000000.0, "use_sliding_window": False,
    },
    # Qwen/Qwen2-0.5B config.json (published; 494,032,768 parameters, tied).
    "qwen2-0.5b": {
        "model_type": "qwen2", "architectures": ["Qwen2ForCausalLM"],
        "vocab_size": 151936, "hidden_size": 896, "intermediate_size": 4864,
        "num_hidden_layers": 24, "num_attention_heads": 14, "num_key_value_heads": 2,
        "max_position_embeddings": 131072, "max_window_layers": 24, "rms_norm_eps": 1e-6,
        "hidden_act": "silu", "tie_word_embeddings": True, "rope_theta": 1000000.0,
        "sliding_window": 131072, "use_sliding_window": False,
        "bos_token_id": 151643, "eos_token_id": 151643,
    },
    # Shrunk Mistral: GQA 32/8 → 8/2, f/h = 14336/4096 = 3.5, untied.
    "mistral-small": {
        "model_type": "mistral", "architectures": ["MistralForCausalLM"],
        "vocab_size": 1000, "hidden_size": 512, "intermediate_size": 1792,
        "num_hidden_layers": 2, "num_attention_heads": 8, "num_key_value_heads": 2,
        "max_position_embeddings": 256, "rms_norm_eps": 1e-5, "hidden_act": "silu",
        "tie_word_embeddings": False, "sliding_window": 128,
    },
    # mistralai/Mistral-7B-v0.1 config.json (published; 7,241,732,096 parameters).
    "mistral-7b": {
        "model_type": "mistral", "architectures": ["MistralForCausalLM"],
        "vocab_size": 32000, "hidden_size": 4096, "intermediate_size": 14336,
        "num_hidden_layers": 32, "num_attention_heads": 32, "num_key_value_heads": 8,
        "max_position_embeddings": 32768, "rms_norm_eps": 1e-5, "hidden_act": "silu",
        "tie_word_embeddings": False, "rope_theta": 10000.0, "sliding_window": 4096,
        "bos_token_id": 1, "eos_token_id": 2,
    },
    # Shrunk GPT-2: Conv1D, f = 4h (n_inner null), LayerNorm, biases, learned positions, tied.
    "gpt2-small-shape": {
        "model_type": "gpt2", "architectures": ["GPT2LMHeadModel"],
        "vocab_size": 1000, "n_embd": 256, "n_layer": 2, "n_head": 4, "n_positions": 128,
        "n_inner": None, "activation_function": "gelu_new", "tie_word_embeddings": True,
    },
    # openai-community/gpt2 config.json (published; 124,439,808 parameters, tied).
    "gpt2": {
        "model_type": "gpt2", "architectures": ["GPT2LMHeadModel"],
        "vocab_size": 50257, "n_embd": 768, "n_layer": 12, "n_head": 12, "n_positions": 1024,
        "n_ctx": 1024, "n_inner": None, "activation_function": "gelu_new",
        "layer_norm_epsilon": 1e-5, "bos_token_id": 50256, "eos_token_id": 50256,
    },
    # openai-community/gpt2-medium config.json (published; 354,823,168 parameters).
    "gpt2-medium": {
        "model_type": "gpt2", "architectures": ["GPT2LMHeadModel"],
        "vocab_size": 50257, "n_embd": 1024, "n_layer": 24, "n_head": 16, "n_positions": 1024,
        "n_ctx": 1024, "n_inner": None, "activation_function": "gelu_new",
        "layer_norm_epsilon": 1e-5, "bos_token_id": 50256, "eos_token_id": 50256,
    },
    # Shrunk GPT-NeoX: fused query_key_value, biases everywhere, f = 4h, partial rotary,
    # parallel residual, untied embed_out.
    "gpt-neox-small": {
        "model_type": "gpt_neox", "architectures": ["GPTNeoXForCausalLM"],
        "vocab_size": 1000, "hidden_size": 256, "intermediate_size": 1024,
        "num_hidden_layers": 2, "num_attention_heads": 4, "max_position_embeddings": 128,
        "rotary_pct": 0.25, "use_parallel_residual": True, "hidden_act": "gelu",
        "tie_word_embeddings": False,
    },
    # EleutherAI/pythia-160m config.json (published; 162,322,944 parameters, untied).
    "pythia-160m": {
        "model_type": "gpt_neox", "architectures": ["GPTNeoXForCausalLM"],
        "vocab_size": 50304, "hidden_size": 768, "intermediate_size": 3072,
        "num_hidden_layers": 12, "num_attention_heads": 12, "max_position_embeddings": 2048,
        "rotary_pct": 0.25, "rotary_emb_base": 10000, "use_parallel_residual": True,
        "hidden_act": "gelu", "layer_norm_eps": 1e-5, "tie_word_embeddings": False,
        "bos_token_id": 0, "eos_token_id": 0,
    },
    # EleutherAI/pythia-1b config.json (published; 1,011,781,632 parameters, n 8 heads of 256).
    "pythia-1b": {
        "model_type": "gpt_neox", "architectures": ["GPTNeoXForCausalLM"],
        "vocab_size": 50304, "hidden_size": 2048, "intermediate_size": 8192,
        "num_hidden_layers": 16, "num_attention_heads": 8, "max_position_embeddings": 2048,
        "rotary_pct": 0.25, "rotary_emb_base": 10000, "use_parallel_residual": True,
        "hidden_act": "gelu", "layer_norm_eps": 1e-5, "tie_word_embeddings": False,
        "bos_token_id": 0, "eos_token_id": 0,
    },
}

# Published parameter counts of the real configs (a check that the configs are transcribed
# right; the small ones have none).
PUBLISHED_TOTAL = {
    "llama-2-7b": 6_738_415_616,
    "llama-3-8b": 8_030_261_248,
    "qwen2-0.5b": 494_032_768,
    "mistral-7b": 7_241_732_096,
    "gpt2": 124_439_808,
    "gpt2-medium": 354_823_168,
    "pythia-160m": 162_322_944,
    "pythia-1b": 1_011_781_632,
}

FAMILY = {"llama": "llama", "qwen2": "qwen2", "mistral": "mistral", "gpt2": "gpt2",
          "gpt_neox": "gpt-neox"}

# The module names given to PEFT, per family and target set (matched by PEFT as the full
# module name or a "."-suffix of it).
TARGETS = {
    "llama": {"q,v": ["q_proj", "v_proj"],
              "attention": ["q_proj", "k_proj", "v_proj", "o_proj"],
              "all-linear": "all-linear"},
    "gpt2": {"q,v": ["c_attn"],  # fused QKV: one adapter on the h -> 3h matrix
             "attention": ["c_attn", "attn.c_proj"],  # "c_proj" alone would also hit mlp.c_proj
             "all-linear": "all-linear"},
    "gpt_neox": {"q,v": ["query_key_value"],  # fused QKV
                 "attention": ["query_key_value", "dense"],  # ".dense" is attention.dense only
                 "all-linear": "all-linear"},
}
TARGETS["qwen2"] = TARGETS["mistral"] = TARGETS["llama"]

# Further module-name lists, reported under "extra_cases" (same structure, target_set "names").
EXTRA_TARGETS = {
    "gpt2": [["c_proj"], ["c_attn", "c_proj"], ["c_attn", "c_proj", "c_fc"], ["c_fc"]],
    "gpt_neox": [["dense_h_to_4h", "dense_4h_to_h"]],
    "llama": [["gate_proj", "up_proj", "down_proj"], ["k_proj"]],
}


def build(config_dict):
    from transformers import AutoConfig, AutoModelForCausalLM

    d = dict(config_dict)
    model_type = d.pop("model_type")
    config = AutoConfig.for_model(model_type, **d)
    with torch.device("meta"):
        model = AutoModelForCausalLM.from_config(config)
    return model


def count(name, config_dict, rank, targets, target_set):
    from peft import LoraConfig, get_peft_model

    model = build(config_dict)
    base_total = sum(p.numel() for p in model.parameters())
    lcfg = LoraConfig(r=rank, lora_alpha=2 * rank, lora_dropout=0.0, bias="none",
                      target_modules=targets, task_type="CAUSAL_LM")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # GPT-2: "fan_in_fan_out is set to True" (Conv1D)
        with torch.device("meta"):
            peft_model = get_peft_model(model, lcfg)
    trainable, total = peft_model.get_nb_trainable_parameters()
    # Which modules PEFT wrapped (full names) and their base shapes (d_in, d_out).
    wrapped = []
    for mname, mod in peft_model.named_modules():
        if hasattr(mod, "lora_A") and "default" in getattr(mod, "lora_A", {}):
            a = mod.lora_A["default"].weight  # R × d_in
            b = mod.lora_B["default"].weight  # d_out × R
            short = re.sub(r"^base_model\.model\.", "", mname)
            wrapped.append((short, int(a.shape[1]), int(b.shape[0])))
    suffixes = sorted({re.sub(r"^.*\.(\d+)\.", "", w[0]) for w in wrapped})
    per_layer = {}
    for short, d_in, d_out in wrapped:
        key = re.sub(r"^.*\.(\d+)\.", "", short)
        per_layer.setdefault(key, [d_in, d_out])
    check = sum(rank * (d_in + d_out) for _, d_in, d_out in wrapped)
    assert check == trainable, (name, check, trainable)
    assert total == base_total + trainable, (name, total, base_total, trainable)
    model_type = config_dict["model_type"]
    return {
        "name": name,
        "family": FAMILY[model_type],
        "model_type": model_type,
        "config": config_dict,
        "rank": rank,
        "targets": targets if isinstance(targets, list) else [targets],
        "target_set": target_set,
        "trainable": int(trainable),
        "total": int(total),
        "base_total": int(base_total),
        "adapted_modules": len(wrapped),
        "adapted_names": suffixes,
        "adapted_shapes": {k: {"d_in": v[0], "d_out": v[1]} for k, v in sorted(per_layer.items())},
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--output", default=OUTPUT)
    args = parser.parse_args()
    torch.set_num_threads(1)
    import peft
    import transformers

    start = time.time()
    cases, extra = [], []
    for cname, cdict in CONFIGS.items():
        mt = cdict["model_type"]
        base = sum(p.numel() for p in build(cdict).parameters())
        if cname in PUBLISHED_TOTAL:
            assert base == PUBLISHED_TOTAL[cname], (cname, base, PUBLISHED_TOTAL[cname])
        for target_set in ("q,v", "attention", "all-linear"):
            for rank in RANKS:
                r = count(f"{cname}-{target_set.replace(',', '')}-r{rank}", cdict, rank,
                          TARGETS[mt][target_set], target_set)
                cases.append(r)
                print(f"{r['name']:<36} trainable={r['trainable']:>11} total={r['total']:>13} "
                      f"{r['adapted_names']}", flush=True)
        for names in EXTRA_TARGETS.get(mt, []):
            if "small" not in cname and cname not in ("gpt2", "pythia-160m"):
                continue
            r = count(f"{cname}-{'+'.join(names)}-r16", cdict, 16, names, "names")
            extra.append(r)
            print(f"{r['name']:<36} trainable={r['trainable']:>11} {r['adapted_names']}")
    doc = {
        "peft_version": peft.__version__,
        "transformers_version": transformers.__version__,
        "torch_version": torch.__version__,
        "generated_by": "validation/peft_counts.py",
        "lora_config": "LoraConfig(r=rank, lora_alpha=2*rank, lora_dropout=0.0, bias='none', "
                       "target_modules=targets, task_type='CAUSAL_LM'); counts from "
                       "PeftModel.get_nb_trainable_parameters() on the meta device",
        "cases": cases,
        "extra_cases": extra,
    }
    text = json.dumps(doc, indent=1)
    # Keep each config dict and each small list on one line.
    text = re.sub(r'("config": )(\{[^{}]*\})', lambda m: m.group(1) + json.dumps(json.loads(m.group(2))), text)
    text = re.sub(r'("(?:targets|adapted_names)": )(\[[^\[\]]*\])',
                  lambda m: m.group(1) + json.dumps(json.loads(m.group(2))), text)
    text = re.sub(r'("adapted_shapes": )(\{(?:[^{}]|\{[^{}]*\})*\})',
                  lambda m: m.group(1) + json.dumps(json.loads(m.group(2))), text)
    with open(args.output, "w") as fh:
        fh.write(text + "\n")
    print(f"{len(cases)} cases + {len(extra)} extra in {time.time() - start:.1f} s -> "
          f"{os.path.relpath(args.output)}")


if __name__ == "__main__":
    main()
