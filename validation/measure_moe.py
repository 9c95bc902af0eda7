#!/usr/bin/env python3
"""Measures a mixture-of-experts version of SPEC.md's reference implementation on the CPU.

The model is measure.py's (same embedding, attention, norms, LM head and loss, same harness),
with each block's SwiGLU FFN replaced by a mixture-of-experts FFN:

  router     logits = W_r y                      (nn.Linear h -> E, bias optional)
             probs  = softmax(logits, fp32)      (over all E experts, in fp32 as HF does)
             top-k  w, i = topk(probs, k)        ("topk" routing) -- or, in the "balanced"
                                                 variant, i[t, j] = (t*k + j) mod E (round robin)
                                                 and w = probs.gather(1, i)
             renormalise w = w / sum(w)          (Mixtral, Qwen3-MoE norm_topk_prob=True)
  dispatch   ("permute", the default: Megatron's permute/unpermute, dropless)
             order = argsort(i.flatten(), stable)          T*k int64
             tok   = order // k                            T*k int64
             xs    = y_flat.index_select(0, tok)           T*k x h, grouped by expert
             per expert e: its contiguous rows xs[a_e:b_e] (n_e tokens, a view)
                 z_e = W2_e( silu(W1_e x) * (W3_e x) )      SwiGLU of width f_e
             ys    = cat(z_e)                               T*k x h
             out   = zeros(T, h).scatter_add(0, tok expanded over h, ys * w[order])
                                                    (combine: weighted, scattered back)
             ("loop": Hugging Face Mixtral's loop -- per expert e, rows where i == e,
             y_flat[tok_e] gathered, expert, times w[tok_e, slot_e], index_add)
  shared     optional shared expert(s): one SwiGLU of width f_s on every token, added
             (DeepSeek style; no sigmoid gate)

No capacity factor (dropless), no auxiliary load-balancing loss, no router z-loss, no jitter.
Token counts per expert depend on the data under topk routing, so the router is initialised
deterministically (torch.manual_seed(0), like every weight) and the counts are recorded per
layer; the "balanced" variant forces n_e = T*k/E so that the bytes have a closed form.

Writes validation/measurements_moe.json (schema as measurements.json plus `moe`, `routing`,
`tokens_per_expert` and a per-tensor `dump`).

Run:  validation/.venv/bin/python validation/measure_moe.py          (about a minute, 2 cores)
      validation/.venv/bin/python validation/measure_moe.py --dump CASE   (print one case)
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

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import measure as M  # noqa: E402  (the dense reference implementation and harness)

HERE = os.path.dirname(os.path.abspath(__file__))
OUTPUT = os.path.join(HERE, "measurements_moe.json")


class SwiGLU(nn.Module):
    """W2(silu(W1 x) * (W3 x)), no biases (one expert, or the shared expert)."""

    def __init__(self, h: int, f: int):
        super().__init__()
        self.w1 = nn.Linear(h, f, bias=False)
        self.w3 = nn.Linear(h, f, bias=False)
        self.w2 = nn.Linear(f, h, bias=False)

    def forward(self, x):
        return self.w2(F.silu(self.w1(x)) * self.w3(x))


class MoE(nn.Module):
    def __init__(self, h: int, m: dict):
        super().__init__()
        self.E, self.k = m["experts"], m["top_k"]
        self.routing, self.dispatch = m["routing"], m["dispatch"]
        self.router = nn.Linear(h, self.E, bias=m["router_bias"])
        self.experts = nn.ModuleList(SwiGLU(h, m["expert_ffn"]) for _ in range(self.E))
        self.shared = SwiGLU(h, m["shared_ffn"]) if m["shared_experts"] else None
        self.last_counts = None

    def route(self, x):
        """(weights T x k in x's dtype, indices T x k int64)."""
        T = x.shape[0]
        logits = self.router(x)
        probs = F.softmax(logits, dim=-1, dtype=torch.float32)
        if self.routing == "topk":
            w, idx = torch.topk(probs, self.k, dim=-1)
        else:  # balanced: round robin, every expert gets T*k/E tokens
            idx = (torch.arange(T * self.k) % self.E).view(T, self.k)
            w = probs.gather(1, idx)
        w = w / w.sum(dim=-1, keepdim=True)
        return w.to(x.dtype), idx

    def forward(self, y):
        b, s, h = y.shape
        x = y.reshape(b * s, h)
        T = x.shape[0]
        w, idx = self.route(x)
        counts = torch.bincount(idx.reshape(-1), minlength=self.E)
        self.last_counts = counts.tolist()
        if self.dispatch == "permute":
            flat = idx.reshape(-1)
            order = torch.argsort(flat, stable=True)
            tok = torch.div(order, self.k, rounding_mode="floor")
            xs = x.index_select(0, tok)
            outs = []
            start = 0
            for e, n in enumerate(self.last_counts):
                if n:
                    outs.append(self.experts[e](xs[start:start + n]))
                start += n
            ys = torch.cat(outs, dim=0)
            ws = w.reshape(-1).index_select(0, order)
            # Megatron's unpermute: weight, then scatter_add rows back to their tokens with the
            # gather's index expanded over h (a view: the index's storage is tok's).
            out = x.new_zeros(T, h).scatter_add(0, tok.unsqueeze(1).expand(-1, h),
                                                ys * ws.unsqueeze(-1))
        else:  # loop, as Hugging Face's Mixtral
            out = x.new_zeros(T, h)
            for e in range(self.E):
                tok_e, slot_e = torch.where(idx == e)
                if tok_e.numel() == 0:
                    continue
                z = self.experts[e](x[tok_e]) * w[tok_e, slot_e].unsqueeze(-1)
                out = out.index_add(0, tok_e, z.to(out.dtype))
        if self.shared is not None:
            out = out + self.shared(x)
        return out.view(b, s, h)


class MoEBlock(M.Block):
    def __init__(self, c: dict):
        super().__init__(c)
        del self.w1, self.w2
        if self.swiglu:
            del self.w3
        self.moe = MoE(c["d_model"], c["moe"])

    def forward(self, x, cos, sin, mask):  # measure.Block.forward with the FFN replaced
        b, s, h = x.shape
        n, kv, d = self.n, self.kv, self.d
        y = self.norm1(x)
        q = self.wq(y).view(b, s, n, d).transpose(1, 2)
        k = self.wk(y).view(b, s, kv, d).transpose(1, 2)
        v = self.wv(y).view(b, s, kv, d).transpose(1, 2)
        if cos is not None:
            q = M.apply_rope(q, cos, sin)
            k = M.apply_rope(k, cos, sin)
        k = M.repeat_kv(k, n // kv)
        v = M.repeat_kv(v, n // kv)
        if self.attention == "naive":
            scores = q @ k.transpose(-2, -1) / math.sqrt(d)
            scores = scores.masked_fill(mask, float("-inf"))
            probs = F.softmax(scores, dim=-1)
            a = probs @ v
        else:
            a = F.scaled_dot_product_attention(q, k, v, is_causal=True)
        a = a.transpose(1, 2).reshape(b, s, h)
        x = x + self.wo(a)
        return x + self.moe(self.norm2(x))


class MoEModel(M.Model):
    def __init__(self, c: dict):
        super().__init__(c)
        self.blocks = nn.ModuleList(MoEBlock(c) for _ in range(c["num_layers"]))

    def counts(self):
        return [blk.moe.last_counts for blk in self.blocks]


def activation_dump(model, c, b, precision):
    """measure.activation_bytes, returning the distinct saved storages as records
    [bytes, dtype, shape, op] in the order autograd saved them."""
    params = M.parameter_storages(model)
    seen = OrderedDict()
    labeller = M.Labeller()

    def pack(t):
        st = t.untyped_storage()
        ptr = st.data_ptr()
        if ptr not in params and st.nbytes() > 0 and ptr not in seen:
            seen[ptr] = [st.nbytes(), str(t.dtype).replace("torch.", ""), list(t.shape),
                         "/".join(labeller.stack)]
        return t

    tokens, targets = M.batch(c, b)
    with torch.autograd.graph.saved_tensors_hooks(pack, lambda t: t):
        with labeller, M.autocast_context(precision):
            loss = model(tokens, targets)
    del loss
    records = list(seen.values())
    return sum(r[0] for r in records), records


def moe_config(vocab=256, ctx=32, layers=2, width=64, heads=4, experts=4, top_k=2,
               expert_ffn=96, shared=0, shared_ffn=None, router_bias=False, routing="topk",
               dispatch="permute"):
    c = M.config(vocab, ctx, layers, width, heads)
    c["d_ff"] = 0  # no dense FFN: every block's FFN is the MoE below
    c["moe"] = {
        "experts": experts,
        "top_k": top_k,
        "expert_ffn": expert_ffn,
        "shared_experts": shared,
        "shared_ffn": (shared_ffn or expert_ffn) if shared else 0,
        "router_bias": router_bias,
        "routing": routing,
        "dispatch": dispatch,
        "norm_topk_prob": True,
        "router_softmax_dtype": "float32",
        "capacity_factor": None,
    }
    return c


def cases():
    out = []

    def add(name, c, precision="fp32", attention="naive", checkpointing="none"):
        out.append({"name": name, "config": c, "precision": precision, "attention": attention,
                    "checkpointing": checkpointing})

    for routing in ("topk", "balanced"):
        for E in (4, 8):
            for k in (1, 2):
                for shared in (0, 1):
                    for precision in ("fp32", "bf16"):
                        for attention in ("naive", "flash"):
                            name = (f"moe-e{E}-k{k}-s{shared}-{routing}-{precision}-{attention}")
                            add(name, moe_config(experts=E, top_k=k, shared=shared,
                                                 routing=routing), precision, attention)
    # Router bias (gpt-oss), a wider shared expert (Qwen-style 4 f_e), the HF loop dispatch,
    # and full checkpointing.
    add("moe-e8-k2-s0-topk-fp32-naive-rbias", moe_config(experts=8, router_bias=True))
    add("moe-e4-k2-s1w-topk-bf16-flash", moe_config(shared=1, shared_ffn=384), "bf16", "flash")
    for precision in ("fp32", "bf16"):
        add(f"moe-e8-k2-s0-topk-{precision}-naive-loop", moe_config(experts=8, dispatch="loop"),
            precision)
        add(f"moe-e8-k2-s0-balanced-{precision}-naive-loop",
            moe_config(experts=8, dispatch="loop", routing="balanced"), precision)
    add("moe-e8-k2-s1-topk-bf16-flash-full", moe_config(experts=8, shared=1), "bf16", "flash",
        "full")
    return out


def measure(case, dump=False):
    torch.manual_seed(0)
    c = case["config"]
    model = MoEModel(c)
    model.configure(case["attention"], case["checkpointing"])
    parameters = sum(p.numel() for p in model.parameters())
    act, counts, dumps = {}, {}, {}
    for b in (1, 2):
        total, records = activation_dump(model, c, b, case["precision"])
        act[str(b)] = total
        counts[str(b)] = model.counts()
        dumps[str(b)] = records
        if dump:
            print(f" b={b} tokens_per_expert={counts[str(b)]}")
            for nbytes, dtype, shape, op in records:
                print(f"  {nbytes:>10}  {dtype:<9} {str(shape):<18} {op}")
            print(f"  total {total}")
    if dump:
        return None
    forward, backward = M.flops(model, c, case["precision"])
    state = M.adamw_state_bytes(model, c, case["precision"])
    m = c["moe"]
    return OrderedDict(
        name=case["name"],
        config=c,
        precision=case["precision"],
        attention=case["attention"],
        checkpointing=case["checkpointing"],
        moe=OrderedDict(experts=m["experts"], top_k=m["top_k"],
                        shared_experts=m["shared_experts"], expert_ffn=m["expert_ffn"],
                        shared_ffn=m["shared_ffn"], router_bias=m["router_bias"],
                        routing=m["routing"], dispatch=m["dispatch"],
                        tokens_per_expert=counts),
        parameters=parameters,
        activation_bytes=act,
        forward_flops=int(forward),
        backward_flops=int(backward),
        adamw_state_bytes=state,
        dump=dumps,
    )


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
        print(match[0]["name"], match[0]["config"]["moe"], match[0]["precision"],
              match[0]["attention"], match[0]["checkpointing"])
        measure(match[0], dump=True)
        return
    start = time.time()
    results = []
    for case in all_cases:
        r = measure(case)
        results.append(r)
        print(f"{r['name']:<40} P={r['parameters']:>7} act={r['activation_bytes']} "
              f"n_e(b=1, layer 0)={r['moe']['tokens_per_expert']['1'][0]}", flush=True)
    doc = OrderedDict(
        torch_version=torch.__version__,
        generated_by="validation/measure_moe.py",
        dump_format="per case and micro-batch: [bytes, dtype, shape, op] for every distinct "
                    "non-parameter storage autograd saved, in save order",
        cases=results,
    )
    with open(args.output, "w") as fh:
        json.dump(doc, fh, indent=None, separators=(",", ":"))
        fh.write("\n")
    print(f"{len(results)} cases in {time.time() - start:.1f} s -> {os.path.relpath(args.output)}")


if __name__ == "__main__":
    main()
