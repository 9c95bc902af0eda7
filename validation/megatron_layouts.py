#!/usr/bin/env python3
"""Evaluates the Megatron-LM memory oracle (megatron_memory.py) over a set of layouts and
writes validation/megatron_oracle.json.

Pure Python (no torch): python3 validation/megatron_layouts.py

Every figure is what Megatron's theoretical_memory_usage.py gives for the layout, including
layouts Megatron itself would refuse or normalise (L not divisible by p; see the notes). The
vocabulary is padded as Megatron pads it (a multiple of 128·tp) and the padded size is what
the formulas use (model.padded_vocab_size). V = 1 (no interleaving) is vp = null, as
Megatron's arguments.py sets it.
"""

from __future__ import annotations

import json
import os

from megatron_memory import MegatronArgs, report_theoretical_memory, vocab_size_with_padding

HERE = os.path.dirname(os.path.abspath(__file__))
OUTPUT = os.path.join(HERE, "megatron_oracle.json")
MAKE_VOCAB_SIZE_DIVISIBLE_BY = 128


def model(vocab, seq, layers, hidden, heads, kv=None, ffn=None, swiglu=False, untie=False,
          norm="LayerNorm"):
    return {
        "vocab_size": vocab,
        "seq_length": seq,
        "num_layers": layers,
        "hidden_size": hidden,
        "num_attention_heads": heads,
        "num_query_groups": kv if kv is not None else heads,
        "ffn_hidden_size": ffn if ffn is not None else 4 * hidden,
        "swiglu": swiglu,
        "untie_embeddings": untie,
        "normalization": norm,
    }


def layout(tp=1, pp=1, vp=None, sp=False, cp=1, dp=1, b=1, m=1, recompute=None,
           dist_opt=False):
    assert not (sp and tp == 1), "Megatron turns sequence parallelism off when tp == 1"
    return {
        "tp": tp, "pp": pp, "vp": vp, "sp": sp, "cp": cp, "dp": dp,
        "micro_batch_size": b, "num_microbatches": m,
        "recompute_granularity": recompute,
        "use_distributed_optimizer": dist_opt,
    }


# Shapes.
K22B = model(51200, 2048, 48, 6144, 64)
K175B = model(51200, 2048, 96, 12288, 96)
K530B = model(51200, 2048, 105, 20480, 128)
K1T = model(51200, 2048, 128, 25600, 160)
LLAMA2_7B = model(32000, 4096, 32, 4096, 32, ffn=11008, swiglu=True, untie=True, norm="RMSNorm")
LLAMA2_70B = model(32000, 4096, 80, 8192, 64, kv=8, ffn=28672, swiglu=True, untie=True,
                   norm="RMSNorm")
GPT_1B = model(50257, 2048, 24, 2048, 16)  # GPT-2-vocab 1.3B-like, tied, GELU, LayerNorm
GQA_SWIGLU = model(50257, 2048, 24, 2048, 16, kv=4, ffn=5632, swiglu=True, untie=True,
                   norm="RMSNorm")


def cases():
    out = []

    def add(name, m, lay, note=""):
        out.append((name, m, lay, note))

    # Korthikanti et al. 2022, Table 3 configurations (s 2048, V 51200, t 8, no DP).
    for tag, m_, pp, b, mb, vp in (("22b", K22B, 1, 4, 1, None), ("175b", K175B, 8, 1, 64, 3),
                                   ("530b", K530B, 35, 1, 280, 3), ("1t", K1T, 64, 1, 512, None)):
        add(f"korthikanti-{tag}-sp-selective", m_,
            layout(tp=8, pp=pp, vp=vp, sp=True, b=b, m=mb, recompute="selective"),
            "Korthikanti Table 3 configuration, SP + selective recompute (the paper's run)")
        add(f"korthikanti-{tag}-tp-only", m_,
            layout(tp=8, pp=pp, vp=vp, sp=False, b=b, m=mb),
            "Korthikanti Table 3 configuration, TP without SP or recompute")
    add("korthikanti-175b-sp-selective-novp", K175B,
        layout(tp=8, pp=8, sp=True, m=64, recompute="selective"), "175B, 1F1B not interleaved")
    add("korthikanti-530b-sp-selective-novp", K530B,
        layout(tp=8, pp=35, sp=True, m=280, recompute="selective"), "530B, 1F1B not interleaved")
    add("korthikanti-22b-sp-only", K22B, layout(tp=8, sp=True, b=4),
        "SP without selective recompute: upstream takes the no-SP path")
    add("korthikanti-22b-selective-only", K22B, layout(tp=8, b=4, recompute="selective"),
        "selective without SP: upstream takes the no-SP path")

    # T × P grid on a 1.3B GPT-like shape (tied, GELU, LayerNorm), b 2, m 8.
    for tp in (1, 2, 4, 8):
        for pp in (1, 2, 4, 8):
            sp = tp > 1
            add(f"gpt1b-t{tp}-p{pp}-{'sp-selective' if sp else 'selective'}", GPT_1B,
                layout(tp=tp, pp=pp, sp=sp, b=2, m=8, recompute="selective"))
    for tp in (2, 4, 8):
        add(f"gpt1b-t{tp}-p2-nosp-norecompute", GPT_1B, layout(tp=tp, pp=2, b=2, m=8))

    # Interleaving V ∈ {1, 2, 3} (V = 1 is vp null), with and without SP.
    g24 = dict(GPT_1B)
    for vp in (None, 2, 3):
        for sp in (True, False):
            add(f"gpt1b-t4-p4-v{vp or 1}-{'sp-selective' if sp else 'nosp'}", g24,
                layout(tp=4, pp=4, vp=vp, sp=sp, b=1, m=16,
                       recompute="selective" if sp else None))

    # m < P (non-interleaved discount min(1, m/p)).
    add("gpt1b-t2-p8-m4-sp-selective", GPT_1B,
        layout(tp=2, pp=8, sp=True, b=1, m=4, recompute="selective"), "m < p")
    add("gpt1b-t2-p8-m2-nosp", GPT_1B, layout(tp=2, pp=8, b=1, m=2), "m < p")
    add("gpt1b-t1-p4-m1", GPT_1B, layout(tp=1, pp=4, b=1, m=1), "m < p")

    # L not divisible by P (Megatron asserts; the formula divides anyway).
    odd = model(50257, 2048, 30, 2048, 16)
    add("gpt30l-t2-p4-sp-selective", odd,
        layout(tp=2, pp=4, sp=True, b=1, m=8, recompute="selective"),
        "L = 30 not divisible by p = 4: fractional layers per stage in the weight figure")
    add("gpt30l-t4-p8-nosp", odd, layout(tp=4, pp=8, b=1, m=8),
        "L = 30 not divisible by p = 8")
    add("korthikanti-530b-p8-uneven", K530B,
        layout(tp=8, pp=8, sp=True, m=64, recompute="selective"), "L = 105 over p = 8")

    # Data parallelism, distributed optimizer, context parallelism.
    for dp in (1, 8, 64):
        add(f"gpt1b-t2-p2-d{dp}-distopt", GPT_1B,
            layout(tp=2, pp=2, sp=True, dp=dp, b=2, m=8, recompute="selective", dist_opt=True),
            "6 + 12/dp bytes per parameter")
    add("gpt1b-t2-p1-d8-cp2-distopt", GPT_1B,
        layout(tp=2, sp=True, cp=2, dp=8, b=1, m=4, recompute="selective", dist_opt=True),
        "cp is ignored by the formulas (activations not ÷ cp; optimizer sharded over dp only)")

    # GQA, SwiGLU, tied/untied.
    for tp in (1, 2, 4):
        for untie in (False, True):
            m_ = dict(GQA_SWIGLU, untie_embeddings=untie)
            add(f"gqa-swiglu-t{tp}-p1-{'untied' if untie else 'tied'}", m_,
                layout(tp=tp, sp=tp > 1, b=1, m=4, recompute="selective" if tp > 1 else None))
    add("gqa-swiglu-t4-p2-untied", GQA_SWIGLU,
        layout(tp=4, pp=2, sp=True, b=1, m=8, recompute="selective"),
        "untied with p > 1: no second embedding on the most loaded shard")

    # Llama-2-like shapes.
    add("llama2-7b-t1-p1-d8-distopt", LLAMA2_7B, layout(dp=8, b=1, m=4, dist_opt=True))
    add("llama2-7b-t2-p1-sp-selective", LLAMA2_7B,
        layout(tp=2, sp=True, dp=4, b=1, m=4, recompute="selective", dist_opt=True))
    add("llama2-7b-t4-p2-nosp", LLAMA2_7B, layout(tp=4, pp=2, b=1, m=8))
    add("llama2-70b-t8-p4-sp-selective", LLAMA2_70B,
        layout(tp=8, pp=4, sp=True, dp=4, b=1, m=16, recompute="selective", dist_opt=True))
    add("llama2-70b-t8-p4-v2-sp-selective", LLAMA2_70B,
        layout(tp=8, pp=4, vp=2, sp=True, dp=4, b=1, m=16, recompute="selective",
               dist_opt=True))
    add("llama2-70b-t8-p8-nosp", LLAMA2_70B, layout(tp=8, pp=8, dp=2, b=1, m=32))
    return out


def evaluate(name, m, lay, note):
    padded = vocab_size_with_padding(m["vocab_size"], MAKE_VOCAB_SIZE_DIVISIBLE_BY, lay["tp"])
    args = MegatronArgs(
        num_layers=m["num_layers"],
        hidden_size=m["hidden_size"],
        num_attention_heads=m["num_attention_heads"],
        ffn_hidden_size=m["ffn_hidden_size"],
        seq_length=m["seq_length"],
        padded_vocab_size=padded,
        group_query_attention=m["num_query_groups"] != m["num_attention_heads"],
        num_query_groups=m["num_query_groups"],
        swiglu=m["swiglu"],
        normalization=m["normalization"],
        untie_embeddings_and_output_weights=m["untie_embeddings"],
        tensor_model_parallel_size=lay["tp"],
        pipeline_model_parallel_size=lay["pp"],
        virtual_pipeline_model_parallel_size=lay["vp"],
        context_parallel_size=lay["cp"],
        data_parallel_size=lay["dp"],
        micro_batch_size=lay["micro_batch_size"],
        sequence_parallel=lay["sp"],
        recompute_granularity=lay["recompute_granularity"],
        use_distributed_optimizer=lay["use_distributed_optimizer"],
    )
    r = report_theoretical_memory(args, num_microbatches=lay["num_microbatches"])
    oracle = {
        "weight_and_optimizer_bytes": r["weight_and_optimizer_bytes"],
        "activation_bytes": r["activation_bytes"],
        "total_bytes": r["total_bytes"],
        "weight_and_optimizer_mb": r["weight_and_optimizer_mb"],
        "activation_mb": r["activation_mb"],
        "total_mb": r["total_mb"],
        "activation_path": r["activations"]["path"],
        "weights": r["weights"],
        "activations": r["activations"],
    }
    return {
        "name": name,
        "model": dict(m, padded_vocab_size=padded,
                      make_vocab_size_divisible_by=MAKE_VOCAB_SIZE_DIVISIBLE_BY,
                      kv_channels=args.kv_channels),
        "layout": lay,
        "oracle": oracle,
        "notes": note,
    }


def main():
    results = [evaluate(*c) for c in cases()]
    names = [r["name"] for r in results]
    assert len(names) == len(set(names)), "case names must be unique"
    with open(OUTPUT, "w") as fh:
        json.dump(results, fh, indent=1)
        fh.write("\n")
    for r in results:
        o = r["oracle"]
        print(f"{r['name']:<40} W+O {o['weight_and_optimizer_mb']:>12.1f} MiB  "
              f"act {o['activation_mb']:>11.1f} MiB  ({o['activation_path']})")
    print(f"{len(results)} cases -> {os.path.relpath(OUTPUT)}")


if __name__ == "__main__":
    main()
