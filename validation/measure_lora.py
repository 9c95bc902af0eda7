#!/usr/bin/env python3
"""Measures what autograd keeps during LoRA fine-tuning of SPEC.md's reference implementation.

The model is measure.py's reference implementation (separate wq, wk, wv, wo, w1, w2, w3
nn.Linears; measure.py is unchanged). It is wrapped by Hugging Face PEFT itself:
peft.get_peft_model(model, LoraConfig(r, lora_alpha = 2r, lora_dropout, target_modules)) with
the reference's own module names as targets, so each targeted nn.Linear becomes peft's
lora.Linear, whose forward is

    result = base_layer(x)                                   (frozen W x [+ b])
    x = x.to(lora_A.weight.dtype)                            (_cast_input_dtype; no-op if equal)
    result = result + lora_B(lora_A(dropout(x))) * scaling   (dropout: nn.Dropout(p) or Identity)
    result = result.to(result's original dtype)

and every parameter that is not an adapter is frozen (requires_grad False: the embedding, the
norms, the base linears, the LM head), as PEFT does by default (bias="none"). Adapters in fp32
(PEFT's default for an fp32 base) or cast to bf16 after wrapping (lora dtype "bf16").

For every case: total and trainable parameters, activation bytes at micro-batch 1 and 2 with
measure.py's method (tensors packed for backward under saved_tensors_hooks, deduplicated by
storage, parameters excluded; the frozen parameters are parameters too), and the per-tensor
dump at micro-batch 1 (op, module, grad_fn, shape, dtype, bytes; measure_tp.py's labelling).
Writes validation/measurements_lora.json.

Run:  validation/.venv/bin/python validation/measure_lora.py
      validation/.venv/bin/python validation/measure_lora.py --dump CASE   (one case's tensors)
      validation/.venv/bin/python validation/measure_lora.py --list
      validation/.venv/bin/python validation/measure_lora.py --table SHAPE PRECISION ATTENTION CKPT
          (blocks 0 and 1 and the rest, per tensor: full training vs each target set)
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import time
import warnings

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import measure  # noqa: E402  (the reference implementation)
from measure import config  # noqa: E402
from measure_tp import install_module_hooks, saved_tensors  # noqa: E402  (labelled dump)

HERE = os.path.dirname(os.path.abspath(__file__))
OUTPUT = os.path.join(HERE, "measurements_lora.json")

TARGET_SETS = {
    "q,v": ["wq", "wv"],
    "attention": ["wq", "wk", "wv", "wo"],
    # PEFT's "all-linear" on this model: every nn.Linear of the blocks, not the LM head. Written
    # out because the reference model has no HF config for PEFT to find the output layer by.
    "all-linear": ["wq", "wk", "wv", "wo", "w1", "w2", "w3"],
}


def shapes():
    return {
        # measure.py's llama-like: GQA (n 8, kv 2), SwiGLU d_ff 352, RMSNorm, RoPE, untied.
        "llama-like": config(1000, 128, 2, 128, 8, kv=2, d_ff=352),
        # measure.py's seed "small" shape: SwiGLU, RMSNorm, RoPE, untied, MHA.
        "seed-small": config(1000, 128, 2, 128, 8),
        # measure.py's gpt2-like: GELU, LayerNorm, all biases, learned positions, tied.
        "gpt2-like": config(1000, 64, 2, 128, 4, ffn="gelu", tied=True, norm="layernorm",
                            bias="all", positional="learned"),
    }


def cases():
    out = []

    def add(shape, precision, attention, ckpt, target_set, rank, dropout, dtype,
            weights="fp32"):
        c = shapes()[shape]
        targets = [t for t in TARGET_SETS[target_set] if t != "w3" or c["ffn"] == "swiglu"]
        name = (f"{shape}-{precision}-{attention}-{ckpt}-{target_set.replace(',', '')}-r{rank}"
                f"-d{dropout:g}-{dtype}" + ("-w16" if weights == "bf16" else ""))
        out.append({"name": name, "shape": shape, "config": c, "precision": precision,
                    "attention": attention, "checkpointing": ckpt, "target_set": target_set,
                    "weights": weights,
                    "lora": {"rank": rank, "targets": targets, "dropout": dropout,
                             "dtype": dtype, "alpha": 2 * rank}})

    grid = [(p, a, k) for p in ("fp32", "bf16") for a in ("naive", "flash")
            for k in ("none", "full")]
    for shape in ("llama-like", "gpt2-like"):
        for p, a, k in grid:
            for ts in TARGET_SETS:
                add(shape, p, a, k, ts, 8, 0.0, "fp32")           # the base grid
                add(shape, p, a, k, ts, 16, 0.0, "fp32")          # rank enters only rank-R rows
                if k == "none":
                    add(shape, p, a, k, ts, 8, 0.1, "fp32")       # dropout > 0
                if p == "bf16" or k == "none":
                    add(shape, p, a, k, ts, 8, 0.0, "bf16")       # bf16 adapters
                if p == "bf16" and k == "none":
                    add(shape, p, a, k, ts, 16, 0.1, "bf16")      # both
    # The frozen base stored in bf16 (model.to(bfloat16) before wrapping, as a model loaded
    # with torch_dtype=bfloat16), forward under bf16 autocast (HF Trainer's bf16=True).
    for shape in ("llama-like", "gpt2-like"):
        for a in ("naive", "flash"):
            for k in ("none", "full"):
                for ts in TARGET_SETS:
                    add(shape, "bf16", a, k, ts, 8, 0.0, "fp32", weights="bf16")
                    if k == "none":
                        add(shape, "bf16", a, k, ts, 8, 0.0, "bf16", weights="bf16")
    # The seed shape (MHA) on a smaller grid.
    for p, a, k in grid:
        for ts in TARGET_SETS:
            add("seed-small", p, a, k, ts, 8, 0.0, "fp32")
    return out


def build(case):
    from peft import LoraConfig, get_peft_model

    torch.manual_seed(0)
    c = case["config"]
    model = measure.Model(c)
    model.configure(case["attention"], case["checkpointing"])
    if case.get("weights") == "bf16":
        model.to(torch.bfloat16)
    lora = case["lora"]
    lcfg = LoraConfig(r=lora["rank"], lora_alpha=lora["alpha"], lora_dropout=lora["dropout"],
                      target_modules=lora["targets"], bias="none")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        peft_model = get_peft_model(model, lcfg)
    inner = peft_model.get_base_model()  # measure.Model with lora.Linear layers injected
    # PEFT creates the adapters in fp32 (autocast_adapter_dtype=True upcasts them for a bf16
    # base); "bf16" adapters are cast afterwards.
    want = torch.bfloat16 if lora["dtype"] == "bf16" else torch.float32
    for name, p in inner.named_parameters():
        if "lora_" in name:
            p.data = p.data.to(want)
    # Adapters' B is zero at PEFT's init; give it values so nothing is special-cased by zeros.
    with torch.no_grad():
        for name, p in inner.named_parameters():
            if "lora_B" in name:
                p.normal_(0, 0.02)
    inner.train()
    return peft_model, inner


def check(case, peft_model, inner):
    trainable = sum(p.numel() for p in inner.parameters() if p.requires_grad)
    total = sum(p.numel() for p in inner.parameters())
    t_peft, all_peft = peft_model.get_nb_trainable_parameters()
    assert (trainable, total) == (t_peft, all_peft), (case["name"], trainable, t_peft)
    for name, p in inner.named_parameters():
        assert p.requires_grad == ("lora_" in name), name
    return total, trainable


def measure_case(case):
    peft_model, inner = build(case)
    total, trainable = check(case, peft_model, inner)
    install_module_hooks(inner)
    c = case["config"]
    t1 = saved_tensors(inner, c, 1, case["precision"])
    t2 = saved_tensors(inner, c, 2, case["precision"])
    act = {"1": sum(t["bytes"] for t in t1), "2": sum(t["bytes"] for t in t2)}
    # The same figure through measure.py's own function (unlabelled), as a cross-check.
    ref1 = measure.activation_bytes(inner, c, 1, case["precision"])
    assert ref1 == act["1"], (case["name"], ref1, act["1"])
    return {
        "name": case["name"],
        "shape": case["shape"],
        "config": c,
        "precision": case["precision"],
        "attention": case["attention"],
        "checkpointing": case["checkpointing"],
        "target_set": case["target_set"],
        "weights": case.get("weights", "fp32"),
        "lora": case["lora"],
        "parameters": total,
        "trainable_parameters": trainable,
        "activation_bytes": act,
        "tensors_b1": t1,
    }


def symbolic(e, c, rank):
    """Per-sequence elements e as a combination of s·h, s·f, n·s², s·R, s (one term if any)."""
    s_, h, f, n = c["context_length"], c["d_model"], c["d_ff"], c["num_heads"]
    units = [("s·v", s_ * c["vocab_size"]), ("n·s²", n * s_ * s_), ("s·h", s_ * h),
             ("s·f", s_ * f), ("s·R", s_ * rank), ("n·s", n * s_), ("s", s_)]
    for name, u in units:
        if e % u == 0 and e // u <= 8:
            k = e // u
            return name if k == 1 else f"{k}·{name}"
    for (n1, u1) in units:  # two terms, e.g. s·h + s
        for (n2, u2) in units:
            if u2 < u1 and (e - u1) > 0 and (e - u1) % u2 == 0 and (e - u1) // u2 <= 4:
                k = (e - u1) // u2
                return f"{n1} + {n2 if k == 1 else f'{k}·{n2}'}"
    return str(e)


def table(shape, precision, attention, ckpt):
    """For one shape and setup: each saved tensor of block 0, block 1 and after the blocks,
    with its per-sequence elements (micro-batch 2 less 1) and batch-shared elements
    (2·b1 − b2), under full training (measure.Model, everything trainable) and LoRA on each
    target set (rank 8, dropout 0, fp32 adapters)."""
    c = shapes()[shape]
    setups = [("full training", None)] + [(ts, ts) for ts in TARGET_SETS]
    for title, ts in setups:
        if ts is None:
            torch.manual_seed(0)
            model = measure.Model(c)
            model.configure(attention, ckpt)
            rank = 8
        else:
            case = [k for k in cases() if k["shape"] == shape and k["precision"] == precision
                    and k["attention"] == attention and k["checkpointing"] == ckpt
                    and k["target_set"] == ts and k["lora"]["rank"] == 8
                    and k["lora"]["dropout"] == 0 and k["lora"]["dtype"] == "fp32"
                    and k["weights"] == "fp32"][0]
            _, model = build(case)
            rank = 8
        install_module_hooks(model)
        t1 = saved_tensors(model, c, 1, precision)
        t2 = saved_tensors(model, c, 2, precision)
        print(f"== {shape} {precision} {attention} ckpt={ckpt}: {title} "
              f"(b1 {sum(t['bytes'] for t in t1)}, b2 {sum(t['bytes'] for t in t2)})")
        assert len(t1) == len(t2)
        for a, b in zip(t1, t2):
            if a["module"].startswith("blocks.") and not re.match(r"blocks\.[01](\.|$)", a["module"]):
                continue
            size = torch.tensor([], dtype=getattr(torch, a["dtype"])).element_size()
            e1, e2 = a["bytes"] // size, b["bytes"] // size
            per, shared = e2 - e1, 2 * e1 - e2
            print(f"  {a['module']:<26} {a['op'][-28:]:<28} {a['dtype']:<9} "
                  f"{symbolic(per, c, rank) if per else '-':<14} "
                  f"{shared if shared else '':>7}  {a['grad_fn']}")


def smoke_backward():
    """One backward per setup: only the adapters get gradients."""
    for case in cases()[:6]:
        _, inner = build(case)
        tokens, targets = measure.batch(case["config"], 2)
        with measure.autocast_context(case["precision"]):
            loss = inner(tokens, targets)
        loss.backward()
        for name, p in inner.named_parameters():
            assert (p.grad is not None) == ("lora_" in name), name


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--dump", metavar="CASE", help="print one case's saved tensors")
    parser.add_argument("--list", action="store_true", help="list the case names")
    parser.add_argument("--table", nargs=4, metavar=("SHAPE", "PRECISION", "ATTENTION", "CKPT"),
                        help="per-tensor elements of blocks 0 and 1 and after the blocks, full "
                             "training vs LoRA on each target set")
    parser.add_argument("--only", metavar="REGEX",
                        help="measure only the matching cases and merge them into --output "
                             "(the other cases are kept as they are)")
    parser.add_argument("--output", default=OUTPUT)
    args = parser.parse_args()
    torch.set_num_threads(min(2, torch.get_num_threads()))
    all_cases = cases()
    names = [c["name"] for c in all_cases]
    assert len(names) == len(set(names))
    if args.list:
        print("\n".join(names))
        return
    if args.table:
        table(*args.table)
        return
    if args.dump:
        match = [c for c in all_cases if c["name"] == args.dump]
        if not match:
            sys.exit(f"no case {args.dump!r}; see --list")
        r = measure_case(match[0])
        for t in r["tensors_b1"]:
            print(f"  {t['bytes']:>9}  {t['dtype']:<9} {str(t['shape']):<18} "
                  f"{t['module']:<26} {t['op'][-40:]:<40} {t['grad_fn']}")
        print(f"  total b1 {r['activation_bytes']['1']}  b2 {r['activation_bytes']['2']}  "
              f"params {r['parameters']} trainable {r['trainable_parameters']}")
        return
    import peft

    start = time.time()
    smoke_backward()
    results = []
    kept = {}
    if args.only:
        with open(args.output) as fh:
            kept = {r["name"]: r for r in json.load(fh)["cases"]}
        for name, r in kept.items():  # files written before "weights" existed
            if "weights" not in r:
                kept[name] = {k2: v for k, v in r.items()
                              for k2, v in ([(k, v), ("weights", "fp32")]
                                            if k == "target_set" else [(k, v)])}
    for case in all_cases:
        if args.only and not re.search(args.only, case["name"]):
            if case["name"] in kept:
                results.append(kept[case["name"]])
            continue
        r = measure_case(case)
        results.append(r)
        print(f"{r['name']:<58} P={r['parameters']:>8} T={r['trainable_parameters']:>6} "
              f"act={r['activation_bytes']}", flush=True)
    doc = {"torch_version": torch.__version__, "peft_version": peft.__version__,
           "generated_by": "validation/measure_lora.py", "cases": results}
    text = json.dumps(doc, indent=1)
    # One line per saved tensor, per config, per lora block.
    text = re.sub(r'\{\n\s+"op": [^{}]*?\n\s+\}', lambda m: json.dumps(json.loads(m.group(0))),
                  text)
    text = re.sub(r'("(?:config|lora)": )(\{[^{}]*\})',
                  lambda m: m.group(1) + json.dumps(json.loads(m.group(2))), text)
    with open(args.output, "w") as fh:
        fh.write(text + "\n")
    print(f"{len(results)} cases in {time.time() - start:.1f} s -> {os.path.relpath(args.output)}")


if __name__ == "__main__":
    main()
