#!/usr/bin/env python3
"""Measures SPEC.md's PyTorch reference implementation on the CPU.

For every case below it builds the decoder-only LM of SPEC.md ("Real architectures and the
detailed method") op for op in plain PyTorch and records

  * parameters: the sum of numel over model.parameters();
  * activation bytes: the bytes autograd holds for backward at the end of the forward pass
    (loss computed, before backward), deduplicated by storage, parameters excluded, measured
    with torch.autograd.graph.saved_tensors_hooks at micro-batch 1 and 2;
  * FLOPs: torch.utils.flop_counter.FlopCounterMode over the forward and, separately, over the
    backward (micro-batch 1, i.e. one sequence);
  * AdamW state bytes: exp_avg + exp_avg_sq after one optimizer.step().

and writes validation/measurements.json, the fixture that Tests/PlannerTests/
DetailedMethodTests.swift checks the Swift detailed method against.

Run:  bash validation/setup.sh && validation/.venv/bin/python validation/measure.py
Debug one case (which op saved which tensor):
      validation/.venv/bin/python validation/measure.py --dump CASE_NAME
"""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
import time
from collections import OrderedDict

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.overrides import TorchFunctionMode
from torch.utils.checkpoint import checkpoint
from torch.utils import flop_counter
from torch.utils.flop_counter import FlopCounterMode, sdpa_backward_flop_count, sdpa_flop_count

HERE = os.path.dirname(os.path.abspath(__file__))
OUTPUT = os.path.join(HERE, "measurements.json")
EPS = 1e-5
ROPE_BASE = 10000.0


# --------------------------------------------------------------------------------------------
# The reference implementation
# --------------------------------------------------------------------------------------------


class RMSNorm(nn.Module):
    """y = x * rsqrt(mean(x², -1) + eps) * g, written out (a gain of h)."""

    def __init__(self, h: int):
        super().__init__()
        self.g = nn.Parameter(torch.ones(h))

    def forward(self, x):
        return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + EPS) * self.g


class LayerNorm(nn.Module):
    """y = (x - mean) * rsqrt(var + eps) * g + b, written out (a gain and a bias of h)."""

    def __init__(self, h: int):
        super().__init__()
        self.g = nn.Parameter(torch.ones(h))
        self.b = nn.Parameter(torch.zeros(h))

    def forward(self, x):
        xc = x - x.mean(-1, keepdim=True)
        return xc * torch.rsqrt(xc.pow(2).mean(-1, keepdim=True) + EPS) * self.g + self.b


def make_norm(kind: str, h: int) -> nn.Module:
    return RMSNorm(h) if kind == "rmsnorm" else LayerNorm(h)


def rope_tables(s: int, d: int):
    """cos and sin, each s × d (the rotate-half layout of GPT-NeoX and Llama); no parameters."""
    inv_freq = 1.0 / (ROPE_BASE ** (torch.arange(0, d, 2, dtype=torch.float32) / d))
    angles = torch.outer(torch.arange(s, dtype=torch.float32), inv_freq)  # s × d/2
    emb = torch.cat((angles, angles), dim=-1)  # s × d
    return emb.cos(), emb.sin()


def rotate_half(x):
    x1, x2 = x.chunk(2, dim=-1)
    return torch.cat((-x2, x1), dim=-1)


def apply_rope(x, cos, sin):
    """x: (b, heads, s, d); cos, sin: (s, d), broadcast over batch and heads."""
    return x * cos + rotate_half(x) * sin


def repeat_kv(x, groups: int):
    """GQA: (b, kv, s, d) -> (b, kv·groups, s, d), K/V head j serving query heads
    j·groups … j·groups + groups − 1 (torch.repeat_interleave along the head dimension, as
    Hugging Face's repeat_kv). repeat_interleave always materialises a new contiguous tensor,
    so autograd keeps an s × h copy for K and one for V whatever the batch; an expand +
    reshape would instead stay a view of the kv-wide tensor when b = 1 and kv = 1, and the
    bytes would not grow linearly with the batch. With groups == 1 the tensor is returned as is."""
    if groups == 1:
        return x
    return torch.repeat_interleave(x, groups, dim=1)


class Block(nn.Module):
    def __init__(self, c: dict):
        super().__init__()
        h, f, n, kv = c["d_model"], c["d_ff"], c["num_heads"], c["num_kv_heads"]
        self.n, self.kv, self.d = n, kv, h // n
        kv_width = self.d * kv
        qkv_bias = c["bias"] in ("qkv", "all")
        all_bias = c["bias"] == "all"
        self.norm1 = make_norm(c["norm"], h)
        self.wq = nn.Linear(h, h, bias=qkv_bias)
        self.wk = nn.Linear(h, kv_width, bias=qkv_bias)
        self.wv = nn.Linear(h, kv_width, bias=qkv_bias)
        self.wo = nn.Linear(h, h, bias=all_bias)
        self.norm2 = make_norm(c["norm"], h)
        self.swiglu = c["ffn"] == "swiglu"
        self.w1 = nn.Linear(h, f, bias=all_bias)
        if self.swiglu:
            self.w3 = nn.Linear(h, f, bias=all_bias)
        self.w2 = nn.Linear(f, h, bias=all_bias)
        self.attention = "naive"

    def forward(self, x, cos, sin, mask):
        b, s, h = x.shape
        n, kv, d = self.n, self.kv, self.d
        y = self.norm1(x)
        q = self.wq(y).view(b, s, n, d).transpose(1, 2)
        k = self.wk(y).view(b, s, kv, d).transpose(1, 2)
        v = self.wv(y).view(b, s, kv, d).transpose(1, 2)
        if cos is not None:
            q = apply_rope(q, cos, sin)
            k = apply_rope(k, cos, sin)
        k = repeat_kv(k, n // kv)
        v = repeat_kv(v, n // kv)
        if self.attention == "naive":
            scores = q @ k.transpose(-2, -1) / math.sqrt(d)
            scores = scores.masked_fill(mask, float("-inf"))
            probs = F.softmax(scores, dim=-1)
            a = probs @ v
        else:
            a = F.scaled_dot_product_attention(q, k, v, is_causal=True)
        a = a.transpose(1, 2).reshape(b, s, h)
        x = x + self.wo(a)
        y = self.norm2(x)
        if self.swiglu:
            z = self.w2(F.silu(self.w1(y)) * self.w3(y))
        else:
            z = self.w2(F.gelu(self.w1(y)))
        return x + z


class Model(nn.Module):
    def __init__(self, c: dict):
        super().__init__()
        self.c = c
        v, s, h = c["vocab_size"], c["context_length"], c["d_model"]
        self.embed = nn.Embedding(v, h)
        self.pos = nn.Embedding(s, h) if c["positional"] == "learned" else None
        self.blocks = nn.ModuleList(Block(c) for _ in range(c["num_layers"]))
        self.norm = make_norm(c["norm"], h)
        self.lm_head = None if c["tied_embeddings"] else nn.Linear(h, v, bias=False)
        self.attention = "naive"
        self.checkpointing = "none"

    def configure(self, attention: str, checkpointing: str):
        self.attention, self.checkpointing = attention, checkpointing
        for blk in self.blocks:
            blk.attention = attention

    def forward(self, tokens, targets):
        b, s = tokens.shape
        x = self.embed(tokens)
        if self.pos is not None:
            x = x + self.pos(torch.arange(s))
        cos = sin = None
        if self.c["positional"] == "rope":
            cos, sin = rope_tables(s, self.c["d_model"] // self.c["num_heads"])
            if torch.is_autocast_enabled("cpu"):
                # One cast of the tables per forward, so q·cos stays in the autocast dtype.
                dtype = torch.get_autocast_dtype("cpu")
                cos, sin = cos.to(dtype), sin.to(dtype)
        mask = None
        if self.attention == "naive":
            mask = torch.ones(s, s, dtype=torch.bool).triu(1)  # True above the diagonal
        for blk in self.blocks:
            if self.checkpointing == "full":
                x = checkpoint(blk, x, cos, sin, mask, use_reentrant=False)
            else:
                x = blk(x, cos, sin, mask)
        x = self.norm(x)
        if self.lm_head is not None:
            logits = self.lm_head(x)
        else:
            logits = F.linear(x, self.embed.weight)
        return F.cross_entropy(logits.view(-1, logits.shape[-1]), targets.view(-1))


# --------------------------------------------------------------------------------------------
# Measurement
# --------------------------------------------------------------------------------------------


def autocast_context(precision: str):
    if precision == "bf16":
        return torch.autocast("cpu", dtype=torch.bfloat16)
    return torch.autocast("cpu", enabled=False)


def batch(c: dict, b: int, seed: int = 0):
    g = torch.Generator().manual_seed(seed)
    v, s = c["vocab_size"], c["context_length"]
    # Inputs and targets are two separate int64 tensors (not two slices of one s+1 tensor).
    tokens = torch.randint(0, v, (b, s), generator=g)
    targets = torch.randint(0, v, (b, s), generator=g)
    return tokens, targets


def parameter_storages(model: nn.Module) -> set:
    return {p.untyped_storage().data_ptr() for p in model.parameters()}


class Labeller(TorchFunctionMode):
    """For --dump: remembers which torch function is running when a tensor is saved."""

    def __init__(self):
        super().__init__()
        self.stack = []

    def __torch_function__(self, func, types, args=(), kwargs=None):
        self.stack.append(getattr(func, "__name__", str(func)))
        try:
            return func(*args, **(kwargs or {}))
        finally:
            self.stack.pop()


def activation_bytes(model, c, b, precision, dump=False):
    """Bytes of the distinct non-parameter storages autograd saved during one forward."""
    params = parameter_storages(model)
    seen = OrderedDict()
    labeller = Labeller() if dump else None

    def pack(t):
        st = t.untyped_storage()
        ptr = st.data_ptr()
        if ptr not in params and st.nbytes() > 0:
            if ptr not in seen:
                label = "/".join(labeller.stack) if labeller else ""
                seen[ptr] = (st.nbytes(), tuple(t.shape), str(t.dtype).replace("torch.", ""), label)
        return t

    tokens, targets = batch(c, b)
    with torch.autograd.graph.saved_tensors_hooks(pack, lambda t: t):
        if labeller:
            with labeller, autocast_context(precision):
                loss = model(tokens, targets)
        else:
            with autocast_context(precision):
                loss = model(tokens, targets)
    total = sum(v[0] for v in seen.values())
    if dump:
        for nbytes, shape, dtype, label in seen.values():
            print(f"  {nbytes:>10}  {dtype:<9} {str(shape):<22} {label}")
        print(f"  total {total}")
    del loss
    return total


def _sdpa_cpu_mapping():
    """FlopCounterMode counts the CPU SDPA kernel (_scaled_dot_product_flash_attention_for_cpu)
    itself since torch 2.3 or so. In a version whose registry lacks it, register the kernel and
    its backward with the formulas of the GPU flash kernel (sdpa_flop_count: 2 products of
    2·b·n·s²·d forward; sdpa_backward_flop_count: 5 backward, the scores recomputed), so the
    count does not silently drop to the linears alone. Formulas receive shapes."""
    aten = torch.ops.aten
    registry = getattr(flop_counter, "flop_registry", {})
    mapping = {}
    fwd = getattr(aten, "_scaled_dot_product_flash_attention_for_cpu", None)
    bwd = getattr(aten, "_scaled_dot_product_flash_attention_for_cpu_backward", None)
    if fwd is not None and fwd not in registry:

        def fwd_formula(query, key, value, *args, out_shape=None, **kwargs):
            return sdpa_flop_count(query, key, value)

        mapping[fwd] = fwd_formula
    if bwd is not None and bwd not in registry:

        def bwd_formula(grad_out, query, key, value, *args, out_shape=None, **kwargs):
            return sdpa_backward_flop_count(grad_out, query, key, value)

        mapping[bwd] = bwd_formula
    return mapping


SDPA_CUSTOM = _sdpa_cpu_mapping()


def flops(model, c, precision):
    """(forward, backward) FLOPs of one sequence."""
    tokens, targets = batch(c, 1)
    with FlopCounterMode(display=False, custom_mapping=SDPA_CUSTOM) as fc:
        with autocast_context(precision):
            loss = model(tokens, targets)
    forward = fc.get_total_flops()
    with FlopCounterMode(display=False, custom_mapping=SDPA_CUSTOM) as fc:
        loss.backward()
    backward = fc.get_total_flops()
    model.zero_grad(set_to_none=True)
    return forward, backward


def adamw_state_bytes(model, c, precision):
    opt = torch.optim.AdamW(model.parameters(), lr=1e-3)
    tokens, targets = batch(c, 1)
    with autocast_context(precision):
        loss = model(tokens, targets)
    loss.backward()
    opt.step()
    total = 0
    for state in opt.state.values():
        for key in ("exp_avg", "exp_avg_sq"):
            total += state[key].untyped_storage().nbytes()
    model.zero_grad(set_to_none=True)
    return total


# --------------------------------------------------------------------------------------------
# Cases
# --------------------------------------------------------------------------------------------


def config(vocab, ctx, layers, width, heads, kv=None, d_ff=None, ffn="swiglu", tied=False,
           norm="rmsnorm", bias="none", positional="rope"):
    return {
        "vocab_size": vocab,
        "context_length": ctx,
        "num_layers": layers,
        "d_model": width,
        "num_heads": heads,
        "num_kv_heads": kv if kv is not None else heads,
        "d_ff": d_ff if d_ff is not None else 4 * width,
        "ffn": ffn,
        "tied_embeddings": tied,
        "norm": norm,
        "bias": bias,
        "positional": positional,
    }


def cases():
    out = []

    def add(name, c, precision="fp32", attention="naive", checkpointing="none"):
        out.append({"name": name, "config": c, "precision": precision, "attention": attention,
                    "checkpointing": checkpointing})

    # The seed architecture on three shapes, under every precision × attention × checkpointing.
    shapes = {
        "tiny": config(256, 32, 2, 64, 4),
        "small": config(1000, 128, 2, 128, 8),
        "deep": config(512, 64, 4, 256, 8),
    }
    for shape, c in shapes.items():
        for precision in ("fp32", "bf16"):
            for attention in ("naive", "flash"):
                for ckpt in ("none", "full"):
                    add(f"{shape}-{precision}-{attention}-{ckpt}", c, precision, attention, ckpt)

    # The smallest shape, and an odd feed-forward width.
    add("min-fp32-naive-none", config(64, 16, 1, 32, 2))
    add("min-bf16-flash-full", config(64, 16, 1, 32, 2), "bf16", "flash", "full")
    add("odd-dff-fp32-naive-none", config(100, 48, 3, 96, 6, d_ff=200))

    # Each architecture option alone on the small shape (fp32, naive, no checkpointing).
    base = dict(vocab=1000, ctx=128, layers=2, width=128, heads=8)
    variants = {
        "gqa4": dict(kv=4),
        "gqa2": dict(kv=2),
        "mqa": dict(kv=1),
        "gelu": dict(ffn="gelu"),
        "tied": dict(tied=True),
        "layernorm": dict(norm="layernorm"),
        "bias-qkv": dict(bias="qkv"),
        "bias-all": dict(bias="all"),
        "learned-pos": dict(positional="learned"),
    }
    for name, edit in variants.items():
        add(f"{name}-fp32-naive-none", config(**base, **edit))
    # A few of them under bf16, flash and checkpointing too.
    add("gqa2-bf16-naive-none", config(**base, kv=2), "bf16")
    add("gqa2-fp32-flash-full", config(**base, kv=2), "fp32", "flash", "full")
    add("gelu-bf16-flash-none", config(**base, ffn="gelu"), "bf16", "flash")
    add("tied-bf16-naive-none", config(**base, tied=True), "bf16")
    add("layernorm-bf16-naive-full", config(**base, norm="layernorm"), "bf16", "naive", "full")
    add("bias-all-bf16-naive-none", config(**base, bias="all"), "bf16")
    add("learned-pos-fp32-naive-full", config(**base, positional="learned"), "fp32", "naive",
        "full")
    add("learned-pos-bf16-flash-none", config(**base, positional="learned"), "bf16", "flash")

    # Real architectures, shrunk.
    gpt2 = config(1000, 64, 2, 128, 4, ffn="gelu", tied=True, norm="layernorm", bias="all",
                  positional="learned")
    llama = config(1000, 128, 2, 128, 8, kv=2, d_ff=352)
    qwen2 = config(1000, 64, 3, 128, 8, kv=2, d_ff=320, tied=True, bias="qkv")
    for name, c in (("gpt2-like", gpt2), ("llama-like", llama), ("qwen2-like", qwen2)):
        add(f"{name}-fp32-naive-none", c)
        add(f"{name}-bf16-flash-none", c, "bf16", "flash")
        add(f"{name}-bf16-naive-full", c, "bf16", "naive", "full")
        add(f"{name}-fp32-flash-full", c, "fp32", "flash", "full")
    return out


def measure(case, dump=False):
    torch.manual_seed(0)
    c = case["config"]
    model = Model(c)
    model.configure(case["attention"], case["checkpointing"])
    parameters = sum(p.numel() for p in model.parameters())
    if dump:
        print(case["name"], c, case["precision"], case["attention"], case["checkpointing"])
        for b in (1, 2):
            print(f" b={b}")
            activation_bytes(model, c, b, case["precision"], dump=True)
        return None
    act = {str(b): activation_bytes(model, c, b, case["precision"]) for b in (1, 2)}
    forward, backward = flops(model, c, case["precision"])
    state = adamw_state_bytes(model, c, case["precision"])
    return {
        "name": case["name"],
        "config": c,
        "precision": case["precision"],
        "attention": case["attention"],
        "checkpointing": case["checkpointing"],
        "parameters": parameters,
        "activation_bytes": act,
        "forward_flops": int(forward),
        "backward_flops": int(backward),
        "adamw_state_bytes": state,
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--dump", metavar="CASE", help="print what each op saved for one case")
    parser.add_argument("--output", default=OUTPUT)
    args = parser.parse_args()
    torch.set_num_threads(min(2, torch.get_num_threads()))
    all_cases = cases()
    names = [c["name"] for c in all_cases]
    assert len(names) == len(set(names)), "case names must be unique"
    if args.dump:
        match = [c for c in all_cases if c["name"] == args.dump]
        if not match:
            sys.exit(f"no case {args.dump!r}; cases: {', '.join(names)}")
        measure(match[0], dump=True)
        return
    start = time.time()
    results = []
    for case in all_cases:
        results.append(measure(case))
        r = results[-1]
        print(f"{r['name']:<32} P={r['parameters']:>9} act={r['activation_bytes']} "
              f"fwd={r['forward_flops']:.4g} bwd={r['backward_flops']:.4g}", flush=True)
    doc = {
        "torch_version": torch.__version__,
        "generated_by": "validation/measure.py",
        "cases": results,
    }
    with open(args.output, "w") as fh:
        json.dump(doc, fh, indent=1)
        fh.write("\n")
    print(f"{len(results)} cases in {time.time() - start:.1f} s -> {os.path.relpath(args.output)}")


if __name__ == "__main__":
    main()
