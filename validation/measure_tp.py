#!/usr/bin/env python3
"""Measures one tensor-parallel rank of SPEC.md's reference implementation, hand-sharded the
way Megatron-LM shards its layers, with and without sequence parallelism (SP).

One CPU process simulates rank 0 of T tensor-parallel ranks. The model is measure.py's
reference implementation (its norms, RoPE, GQA, attention kernels, autocast and batch; imported
from measure.py, which is unchanged), with each layer replaced by its Megatron counterpart:

  * column-parallel linears (Q, K, V: n/T heads and kv/T KV heads; W1, W3: f/T columns; the LM
    head: v/T columns) keep their output shard. Without SP their input passes through
    CopyToTP (identity forward, all-reduce of the gradient backward; saves nothing) and the
    linear saves the full, replicated input. With SP, AllGatherLinear all-gathers the s/T-token
    input, multiplies, and saves only the s/T shard (and the weight), as Megatron's
    LinearWithGradAccumulationAndAsyncCommunication does (it re-all-gathers in backward);
  * row-parallel linears (Wo: h/T input features, W2: f/T) save their sharded input and produce
    a full partial sum, followed by AllReduce (without SP) or ReduceScatter to s/T tokens (with
    SP): identity-like autograd Functions that save nothing (on one rank they stand for adding
    the other ranks' partial sums, which does not change what is saved). A row-parallel bias is
    added after the reduction, as Megatron does;
  * the word embedding is vocab-parallel (v/T rows, Megatron's VocabParallelEmbedding: ids out
    of the rank's range masked to 0, their rows zeroed), then all-reduced (no SP) or
    reduce-scattered to s/T tokens (SP). Learned positions are a replicated s × h table; with
    them and SP, Megatron all-reduces the word embeddings, adds the positions over the full
    sequence, then scatters (a split, cloned) to s/T tokens;
  * the loss is VocabParallelCrossEntropy, a port of Megatron's _VocabParallelCrossEntropy
    (core/tensor_parallel/cross_entropy.py): logits cast to fp32 (no copy when already fp32, and
    then the logits are overwritten in place), max-subtracted, exponentiated and normalised in
    place, so it saves the softmax over the local vocabulary shard (fp32, s·v/T per sequence),
    the bool target mask (s) and the int64 masked targets (s);
  * with SP the residual stream, the norms and the residual adds work on s/T tokens; attention
    and the feed-forward inner width work on all s tokens and n/T heads, f/T columns.

For every case: parameters on the rank, activation bytes at micro-batch 1 and 2 (measure.py's
method: tensors packed for backward under saved_tensors_hooks, deduplicated by storage,
parameters excluded) and a per-tensor dump at micro-batch 1. Writes
validation/measurements_tp.json. Checkpointing is not simulated (always "none").

Run:  validation/.venv/bin/python validation/measure_tp.py
      validation/.venv/bin/python validation/measure_tp.py --dump CASE     (one case's tensors)
      validation/.venv/bin/python validation/measure_tp.py --table SHAPE PRECISION ATTENTION
          (each saved tensor's per-sequence elements at T = 1 and its ratio on one rank for every
           T, with and without SP: replicated 1, sharded 1/T)
"""

from __future__ import annotations

import argparse
import json
import math
import os
import re
import sys
import time
from collections import OrderedDict

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.overrides import TorchFunctionMode

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import measure  # noqa: E402  (the reference implementation and its measuring helpers)
from measure import (apply_rope, autocast_context, batch, config, make_norm,  # noqa: E402
                     parameter_storages, repeat_kv, rope_tables)

HERE = os.path.dirname(os.path.abspath(__file__))
OUTPUT = os.path.join(HERE, "measurements_tp.json")


# --------------------------------------------------------------------------------------------
# Labelling (which module and which op saved a tensor)
# --------------------------------------------------------------------------------------------


class Labels(TorchFunctionMode):
    """A stack of running torch functions (TorchFunctionMode) and of modules (forward hooks);
    custom autograd Functions are pushed by call()."""

    active = None

    def __init__(self):
        super().__init__()
        self.funcs = []
        self.modules = []

    def __torch_function__(self, func, types, args=(), kwargs=None):
        self.funcs.append(getattr(func, "__name__", str(func)))
        try:
            return func(*args, **(kwargs or {}))
        finally:
            self.funcs.pop()

    def op(self):
        return "/".join(self.funcs)

    def module(self):
        return self.modules[-1] if self.modules else ""


def call(fn, *args):
    """fn.apply(*args), labelled with the Function's name."""
    lab = Labels.active
    if lab is not None:
        lab.funcs.append(fn.__name__)
    try:
        return fn.apply(*args)
    finally:
        if lab is not None:
            lab.funcs.pop()


def install_module_hooks(model):
    for name, mod in model.named_modules():
        if not name:
            continue

        def pre(m, a, name=name):
            if Labels.active is not None:
                Labels.active.modules.append(name)

        def post(m, a, o):
            if Labels.active is not None and Labels.active.modules:
                Labels.active.modules.pop()

        mod.register_forward_pre_hook(pre)
        mod.register_forward_hook(post)


# --------------------------------------------------------------------------------------------
# Communication stand-ins (one rank of T; they save nothing for backward)
# --------------------------------------------------------------------------------------------


def compute_dtype(x):
    if torch.is_autocast_enabled("cpu"):
        return torch.get_autocast_dtype("cpu")
    return x.dtype


class CopyToTP(torch.autograd.Function):
    """Megatron's copy_to_tensor_model_parallel_region: identity; backward all-reduces."""

    @staticmethod
    def forward(ctx, x):
        return x.view_as(x)

    @staticmethod
    def backward(ctx, g):
        return g  # + the other ranks' gradients


class AllReduce(torch.autograd.Function):
    """reduce_from_tensor_model_parallel_region: sums the ranks' partial sums; backward is the
    identity. On one rank: the identity (a new tensor, as the collective writes one)."""

    @staticmethod
    def forward(ctx, x):
        return x.clone()

    @staticmethod
    def backward(ctx, g):
        return g


class ReduceScatter(torch.autograd.Function):
    """reduce_scatter_to_sequence_parallel_region along the sequence (dim 1 of b × s × h): keeps
    this rank's s/T tokens of the sum; backward all-gathers the gradient."""

    @staticmethod
    def forward(ctx, x, tp):
        ctx.tp = tp
        s = x.shape[1]
        return x[:, : s // tp].clone(memory_format=torch.contiguous_format)

    @staticmethod
    def backward(ctx, g):
        return g.repeat(1, ctx.tp, 1), None


class ScatterToSP(torch.autograd.Function):
    """scatter_to_sequence_parallel_region: this rank's s/T tokens (Megatron returns a view and
    the embedding clones it); backward all-gathers."""

    @staticmethod
    def forward(ctx, x, tp):
        ctx.tp = tp
        s = x.shape[1]
        return x[:, : s // tp].clone()

    @staticmethod
    def backward(ctx, g):
        return g.repeat(1, ctx.tp, 1), None


class AllGatherLinear(torch.autograd.Function):
    """Column-parallel linear with SP: all-gathers the s/T-token input over the TP group,
    multiplies by the weight shard, and saves only the local shard (in the compute dtype) and
    the weight (its autocast copy under bf16); backward all-gathers the input again for the
    weight gradient and reduce-scatters the input gradient. On one rank the other ranks'
    shards are stood in for by copies of this one."""

    @staticmethod
    def forward(ctx, x, weight, bias, tp):
        dtype = compute_dtype(x)
        with torch.autocast("cpu", enabled=False):
            xc = x.to(dtype)
            wc = weight.to(dtype)
            bc = bias.to(dtype) if bias is not None else None
            total = xc.repeat(1, tp, 1)  # the all-gather (not saved)
            out = F.linear(total, wc, bc)
        ctx.tp, ctx.has_bias, ctx.in_dtype = tp, bias is not None, x.dtype
        ctx.save_for_backward(wc, xc)  # the order F.linear saves them in
        return out

    @staticmethod
    def backward(ctx, g):
        wc, xc = ctx.saved_tensors
        total = xc.repeat(1, ctx.tp, 1)  # re-all-gather
        grad_total = g @ wc
        s = grad_total.shape[1]
        grad_x = grad_total[:, : s // ctx.tp].to(ctx.in_dtype)  # reduce-scatter
        grad_w = g.reshape(-1, g.shape[-1]).t() @ total.reshape(-1, total.shape[-1])
        grad_b = g.reshape(-1, g.shape[-1]).sum(0) if ctx.has_bias else None
        return grad_x, grad_w, grad_b, None


class VocabParallelCrossEntropy(torch.autograd.Function):
    """A port of Megatron's _VocabParallelCrossEntropy (core/tensor_parallel/cross_entropy.py)
    for rank 0 (vocabulary ids [0, v/T)); the all-reduces of the max, the predicted logit and
    the sum of exponentials are identities on one rank. Saves: the softmax over the local
    shard (fp32, written in place into the fp32 logits), the bool target mask and the int64
    masked targets."""

    @staticmethod
    def forward(ctx, logits, target, vocab_start):
        logits = logits.float()  # the same tensor when already fp32 (then modified in place)
        logits_max = torch.max(logits, dim=-1)[0]
        part = logits.shape[-1]
        vocab_end = vocab_start + part
        logits -= logits_max.unsqueeze(dim=-1)
        target_mask = (target < vocab_start) | (target >= vocab_end)
        masked_target = target.clone() - vocab_start
        masked_target[target_mask] = 0
        logits_2d = logits.view(-1, part)
        masked_target_1d = masked_target.view(-1)
        arange_1d = torch.arange(start=0, end=logits_2d.size()[0])
        predicted_logits_1d = logits_2d[arange_1d, masked_target_1d].clone().contiguous()
        predicted_logits = predicted_logits_1d.view_as(target)
        predicted_logits[target_mask] = 0.0
        exp_logits = logits
        torch.exp(logits, out=exp_logits)
        sum_exp_logits = exp_logits.sum(dim=-1)
        loss = torch.log(sum_exp_logits) - predicted_logits
        exp_logits.div_(sum_exp_logits.unsqueeze(dim=-1))
        ctx.save_for_backward(exp_logits, target_mask, masked_target_1d)
        return loss

    @staticmethod
    def backward(ctx, grad_output):
        softmax, target_mask, masked_target_1d = ctx.saved_tensors
        grad_input = softmax
        part = softmax.size()[-1]
        grad_2d = grad_input.view(-1, part)
        arange_1d = torch.arange(start=0, end=grad_2d.size()[0])
        softmax_update = 1.0 - target_mask.view(-1).float()
        grad_2d[arange_1d, masked_target_1d] -= softmax_update
        grad_input.mul_(grad_output.unsqueeze(dim=-1))
        return grad_input, None, None


# --------------------------------------------------------------------------------------------
# The sharded reference implementation (rank 0 of T)
# --------------------------------------------------------------------------------------------


class ColumnParallelLinear(nn.Module):
    """in_features → out_features/T (weight and bias sharded along the output)."""

    def __init__(self, in_f, out_f_local, bias, tp, sp):
        super().__init__()
        self.weight = nn.Parameter(torch.randn(out_f_local, in_f) / math.sqrt(in_f))
        self.bias = nn.Parameter(torch.zeros(out_f_local)) if bias else None
        self.tp, self.sp = tp, sp

    def forward(self, x):
        if self.sp and self.tp > 1:
            return call(AllGatherLinear, x, self.weight, self.bias, self.tp)
        return F.linear(call(CopyToTP, x), self.weight, self.bias)


class RowParallelLinear(nn.Module):
    """in_features/T → out_features (a partial sum), then all-reduce or reduce-scatter; the
    bias (full, replicated) is added after the reduction."""

    def __init__(self, in_f_local, out_f, bias, tp, sp):
        super().__init__()
        self.weight = nn.Parameter(torch.randn(out_f, in_f_local) / math.sqrt(in_f_local))
        self.bias = nn.Parameter(torch.zeros(out_f)) if bias else None
        self.tp, self.sp = tp, sp

    def forward(self, x):
        out = F.linear(x, self.weight)
        out = call(ReduceScatter, out, self.tp) if self.sp and self.tp > 1 else call(AllReduce, out)
        if self.bias is not None:
            out = out + self.bias.to(out.dtype)
        return out


class CoreAttention(nn.Module):
    """RoPE, GQA expansion and the attention kernel on this rank's heads (no parameters)."""

    def __init__(self, n_local, kv_local, d):
        super().__init__()
        self.n, self.kv, self.d = n_local, kv_local, d
        self.attention = "naive"

    def forward(self, q, k, v, cos, sin, mask):
        if cos is not None:
            q = apply_rope(q, cos, sin)
            k = apply_rope(k, cos, sin)
        k = repeat_kv(k, self.n // self.kv)
        v = repeat_kv(v, self.n // self.kv)
        if self.attention == "naive":
            scores = q @ k.transpose(-2, -1) / math.sqrt(self.d)
            scores = scores.masked_fill(mask, float("-inf"))
            probs = F.softmax(scores, dim=-1)
            return probs @ v
        return F.scaled_dot_product_attention(q, k, v, is_causal=True)


class TPBlock(nn.Module):
    def __init__(self, c, tp, sp):
        super().__init__()
        h, f, n, kv = c["d_model"], c["d_ff"], c["num_heads"], c["num_kv_heads"]
        self.d = h // n
        self.n_local, self.kv_local, self.f_local = n // tp, kv // tp, f // tp
        qkv_bias = c["bias"] in ("qkv", "all")
        all_bias = c["bias"] == "all"
        self.norm1 = make_norm(c["norm"], h)
        self.wq = ColumnParallelLinear(h, self.n_local * self.d, qkv_bias, tp, sp)
        self.wk = ColumnParallelLinear(h, self.kv_local * self.d, qkv_bias, tp, sp)
        self.wv = ColumnParallelLinear(h, self.kv_local * self.d, qkv_bias, tp, sp)
        self.core = CoreAttention(self.n_local, self.kv_local, self.d)
        self.wo = RowParallelLinear(self.n_local * self.d, h, all_bias, tp, sp)
        self.norm2 = make_norm(c["norm"], h)
        self.swiglu = c["ffn"] == "swiglu"
        self.w1 = ColumnParallelLinear(h, self.f_local, all_bias, tp, sp)
        if self.swiglu:
            self.w3 = ColumnParallelLinear(h, self.f_local, all_bias, tp, sp)
        self.w2 = RowParallelLinear(self.f_local, h, all_bias, tp, sp)

    def forward(self, x, cos, sin, mask):
        y = self.norm1(x)  # s/T tokens with SP, s without
        q = self.wq(y)  # b × s × (n/T)·d: all s tokens either way
        b, s, _ = q.shape
        q = q.view(b, s, self.n_local, self.d).transpose(1, 2)
        k = self.wk(y).view(b, s, self.kv_local, self.d).transpose(1, 2)
        v = self.wv(y).view(b, s, self.kv_local, self.d).transpose(1, 2)
        a = self.core(q, k, v, cos, sin, mask)
        a = a.transpose(1, 2).reshape(b, s, self.n_local * self.d)
        x = x + self.wo(a)
        y = self.norm2(x)
        if self.swiglu:
            z = self.w2(F.silu(self.w1(y)) * self.w3(y))
        else:
            z = self.w2(F.gelu(self.w1(y)))
        return x + z


def padded_vocab(v, tp):
    """Megatron's padding: a multiple of 128·T once the vocabulary is split (T > 1). trainplan's
    seed and detailed methods pad the same way at T > 1 and not at T = 1."""
    if tp == 1:
        return v
    return int(math.ceil(v / (128 * tp)) * 128 * tp)


class TPModel(nn.Module):
    def __init__(self, c, tp, sp):
        super().__init__()
        assert c["num_heads"] % tp == 0 and c["num_kv_heads"] % tp == 0 and c["d_ff"] % tp == 0
        assert not sp or c["context_length"] % tp == 0
        self.c, self.tp, self.sp = c, tp, sp and tp > 1
        h, s = c["d_model"], c["context_length"]
        self.padded_vocab = padded_vocab(c["vocab_size"], tp)
        self.v_local = self.padded_vocab // tp
        self.vocab_start = 0  # rank 0
        self.embed = nn.Embedding(self.v_local, h)  # vocab-parallel: rows [0, v/T)
        self.pos = nn.Embedding(s, h) if c["positional"] == "learned" else None  # replicated
        self.blocks = nn.ModuleList(TPBlock(c, tp, self.sp) for _ in range(c["num_layers"]))
        self.norm = make_norm(c["norm"], h)
        self.lm_head = (None if c["tied_embeddings"]
                        else ColumnParallelLinear(h, self.v_local, False, tp, self.sp))
        self.attention = "naive"

    def configure(self, attention):
        self.attention = attention
        for blk in self.blocks:
            blk.core.attention = attention

    def embedding(self, tokens):
        """Megatron's VocabParallelEmbedding + LanguageModelEmbedding (no dropout)."""
        if self.tp > 1:
            input_mask = (tokens < self.vocab_start) | (tokens >= self.vocab_start + self.v_local)
            masked_input = tokens.clone() - self.vocab_start
            masked_input[input_mask] = 0
        else:
            masked_input = tokens
        out = F.embedding(masked_input, self.embed.weight)
        if self.tp > 1:
            out[input_mask, :] = 0.0
        if self.sp and self.pos is None:
            return call(ReduceScatter, out, self.tp)  # reduce_scatter_embeddings
        out = call(AllReduce, out)
        if self.pos is not None:
            out = out + self.pos(torch.arange(tokens.shape[1]))
        if self.sp:
            out = call(ScatterToSP, out, self.tp)
        return out

    def forward(self, tokens, targets):
        b, s = tokens.shape
        x = self.embedding(tokens)
        cos = sin = None
        if self.c["positional"] == "rope":
            cos, sin = rope_tables(s, self.c["d_model"] // self.c["num_heads"])
            if torch.is_autocast_enabled("cpu"):
                dtype = torch.get_autocast_dtype("cpu")
                cos, sin = cos.to(dtype), sin.to(dtype)
        mask = None
        if self.attention == "naive":
            mask = torch.ones(s, s, dtype=torch.bool).triu(1)
        for blk in self.blocks:
            x = blk(x, cos, sin, mask)
        x = self.norm(x)
        if self.lm_head is not None:
            logits = self.lm_head(x)
        else:  # tied: the vocab-parallel embedding's shard is the head's shard
            if self.sp:
                logits = call(AllGatherLinear, x, self.embed.weight, None, self.tp)
            else:
                logits = F.linear(call(CopyToTP, x), self.embed.weight)
        losses = call(VocabParallelCrossEntropy, logits, targets, self.vocab_start)
        return losses.mean()


# --------------------------------------------------------------------------------------------
# Measurement
# --------------------------------------------------------------------------------------------


def saved_tensors(model, c, b, precision):
    """The distinct non-parameter storages autograd saved during one forward, in order, with
    the module and op that first saved each one and the grad_fn that created it."""
    params = parameter_storages(model)
    seen = OrderedDict()
    lab = Labels()

    def pack(t):
        st = t.untyped_storage()
        ptr = st.data_ptr()
        if ptr not in params and st.nbytes() > 0 and ptr not in seen:
            seen[ptr] = {
                "op": lab.op(),
                "module": lab.module(),
                "grad_fn": type(t.grad_fn).__name__ if t.grad_fn is not None else None,
                "shape": list(t.shape),
                "dtype": str(t.dtype).replace("torch.", ""),
                "bytes": st.nbytes(),
            }
        return t

    tokens, targets = batch(c, b)
    Labels.active = lab
    try:
        with torch.autograd.graph.saved_tensors_hooks(pack, lambda t: t):
            with lab, autocast_context(precision):
                loss = model(tokens, targets)
    finally:
        Labels.active = None
    del loss
    return list(seen.values())


def reference_bytes(c, precision, attention):
    """measure.py's figure for the same case (unsharded reference), for the T = 1 check."""
    torch.manual_seed(0)
    ref = measure.Model(c)
    ref.configure(attention, "none")
    return {str(b): measure.activation_bytes(ref, c, b, precision) for b in (1, 2)}


def shapes():
    return {
        # measure.py's seed "small" shape: SwiGLU, RMSNorm, RoPE, untied, no biases.
        "seed-small": config(1000, 128, 2, 128, 8),
        # measure.py's gpt2-like: GELU, LayerNorm, all biases, learned positions, tied.
        "gpt2-like": config(1000, 64, 2, 128, 4, ffn="gelu", tied=True, norm="layernorm",
                            bias="all", positional="learned"),
        # measure.py's llama-like: GQA (8 heads, 2 KV heads), SwiGLU d_ff 352, RMSNorm, RoPE.
        "llama-like": config(1000, 128, 2, 128, 8, kv=2, d_ff=352),
        # An odd vocabulary (padded to a multiple of 128·T at T > 1), Qwen2-like biases on Q/K/V, tied.
        "qwen2-like-v1001": config(1001, 64, 2, 128, 8, kv=4, d_ff=320, tied=True, bias="qkv"),
    }


def cases():
    out = []
    for shape, c in shapes().items():
        for tp in (1, 2, 4):
            if c["num_heads"] % tp or c["num_kv_heads"] % tp or c["d_ff"] % tp:
                continue
            for sp in ((False,) if tp == 1 else (False, True)):
                for precision in ("fp32", "bf16"):
                    for attention in ("naive", "flash"):
                        name = f"{shape}-t{tp}-{'sp' if sp else 'nosp'}-{precision}-{attention}"
                        out.append({"name": name, "shape": shape, "config": c, "tp": tp,
                                    "sp": sp, "precision": precision, "attention": attention})
    return out


def measure_case(case):
    torch.manual_seed(0)
    c, tp, sp = case["config"], case["tp"], case["sp"]
    model = TPModel(c, tp, sp)
    model.configure(case["attention"])
    install_module_hooks(model)
    parameters = sum(p.numel() for p in model.parameters())
    t1 = saved_tensors(model, c, 1, case["precision"])
    t2 = saved_tensors(model, c, 2, case["precision"])
    act = {"1": sum(t["bytes"] for t in t1), "2": sum(t["bytes"] for t in t2)}
    notes = []
    if model.padded_vocab != c["vocab_size"]:
        notes.append(f"vocabulary padded from {c['vocab_size']} to {model.padded_vocab} "
                     f"(a multiple of 128·T, as Megatron pads it); the token ids are drawn from the unpadded range")
    result = {
        "name": case["name"],
        "model": c,
        "tp": tp,
        "sp": sp,
        "precision": case["precision"],
        "attention": case["attention"],
        "checkpointing": "none",
        "padded_vocab": model.padded_vocab,
        "parameters_per_rank": parameters,
        "activation_bytes": act,
    }
    if tp == 1:
        ref = reference_bytes(c, case["precision"], case["attention"])
        result["reference_activation_bytes"] = ref
        notes.append(f"measure.py's unsharded reference saves {ref} bytes; the difference, "
                     f"b·s − 4 bytes, is the loss: Megatron's cross-entropy saves the fp32 "
                     f"softmax, a bool target mask (b·s bytes) and int64 masked targets where "
                     f"F.cross_entropy saves the fp32 log-softmax, the int64 targets and a "
                     f"4-byte total weight")
    result["tensors_b1"] = t1
    result["notes"] = "; ".join(notes)
    return result


def classify(shape, precision, attention):
    """Prints, for one shape, every saved tensor of the first block and outside the blocks:
    its per-sequence elements at T = 1 (micro-batch 2 less micro-batch 1) and the ratio of its
    per-sequence elements on one rank to that, for each T with and without SP; and its
    batch-shared elements (2·b1 − b2). Tensors are matched across cases by (module, op, n-th
    occurrence)."""
    c = shapes()[shape]
    per = {}
    cols = []
    for case in cases():
        if (case["shape"], case["precision"], case["attention"]) != (shape, precision, attention):
            continue
        torch.manual_seed(0)
        model = TPModel(c, case["tp"], case["sp"])
        model.configure(attention)
        install_module_hooks(model)
        col = f"t{case['tp']}{'-sp' if case['sp'] else ''}"
        cols.append(col)
        groups = {}
        for b in (1, 2):
            for t in saved_tensors(model, c, b, precision):
                if t["module"].startswith("blocks.") and not t["module"].startswith("blocks.0"):
                    continue
                op = t["op"].replace("AllGatherLinear", "linear")
                size = torch.tensor([], dtype=getattr(torch, t["dtype"])).element_size()
                groups.setdefault((t["module"], op), {}).setdefault(b, []).append(
                    (t["bytes"] // size, t["dtype"]))
        for (module, op), by_b in groups.items():
            seen = {}
            for (e1, dtype), (e2, _) in zip(by_b[1], by_b[2]):
                kind = "per-seq" if e2 != e1 else "shared"
                seen[kind] = seen.get(kind, -1) + 1
                key = (module, op, kind, seen[kind])
                per.setdefault(key, {})[col] = {1: (e1, dtype), 2: (e2, dtype)}
    print(f"{shape} {precision} {attention}: elements at T=1 (per sequence, shared by the batch);"
          f" ratio of the same on one rank (shared ratio for batch-shared rows; 'Ne': N elements,"
          f" absent at T=1)")
    print(f"{'module':<16} {'op':<28} {'dtype':<9} {'per-seq':>8} {'shared':>7} "
          + " ".join(f"{c_:>6}" for c_ in cols))
    for key, by in per.items():
        def split(x):  # (per-sequence, shared) elements
            return x[2][0] - x[1][0], 2 * x[1][0] - x[2][0]
        base = by.get("t1")
        ref = split(base) if base else None
        i = 0 if key[2] == "per-seq" else 1
        dtype = next(iter(by.values()))[1][1]
        ratios = []
        for col in cols:
            if col not in by:
                ratios.append("-")
            elif ref:
                ratios.append(f"{split(by[col])[i] / ref[i]:.3g}")
            else:  # absent at T = 1: the elements themselves
                ratios.append(f"{split(by[col])[i]}e")
        shown = ref if ref else ("-", "-")
        print(f"{key[0]:<16} {key[1][-28:]:<28} {dtype:<9} {str(shown[0]):>8} {str(shown[1]):>7} "
              + " ".join(f"{r:>6}" for r in ratios))


def smoke_backward():
    """Runs backward through every custom Function once (SP and not, tied and untied)."""
    for c, sp in ((shapes()["seed-small"], True), (shapes()["gpt2-like"], True),
                  (shapes()["llama-like"], False)):
        torch.manual_seed(0)
        m = TPModel(c, 2, sp)
        tokens, targets = batch(c, 2)
        with autocast_context("bf16"):
            loss = m(tokens, targets)
        loss.backward()
        assert all(p.grad is not None for p in m.parameters())


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--dump", metavar="CASE", help="print one case's saved tensors")
    parser.add_argument("--table", nargs=3, metavar=("SHAPE", "PRECISION", "ATTENTION"),
                        help="classify one shape's saved tensors across T and SP")
    parser.add_argument("--output", default=OUTPUT)
    args = parser.parse_args()
    torch.set_num_threads(min(2, torch.get_num_threads()))
    all_cases = cases()
    names = [c["name"] for c in all_cases]
    assert len(names) == len(set(names))
    if args.table:
        classify(*args.table)
        return
    if args.dump:
        match = [c for c in all_cases if c["name"] == args.dump]
        if not match:
            sys.exit(f"no case {args.dump!r}; cases: {', '.join(names)}")
        r = measure_case(match[0])
        for t in r["tensors_b1"]:
            print(f"  {t['bytes']:>9}  {t['dtype']:<9} {str(t['shape']):<18} "
                  f"{t['module']:<18} {t['op']:<40} {t['grad_fn']}")
        print(f"  total b1 {r['activation_bytes']['1']}  b2 {r['activation_bytes']['2']}  "
              f"params {r['parameters_per_rank']}")
        return
    start = time.time()
    smoke_backward()
    results = []
    for case in all_cases:
        r = measure_case(case)
        results.append(r)
        print(f"{r['name']:<36} P={r['parameters_per_rank']:>8} act={r['activation_bytes']}",
              flush=True)
    doc = {"torch_version": torch.__version__, "generated_by": "validation/measure_tp.py",
           "cases": results}
    text = json.dumps(doc, indent=1)
    # One line per saved tensor.
    text = re.sub(r'\{\n\s+"op": [^{}]*?\n\s+\}', lambda m: json.dumps(json.loads(m.group(0))),
                  text)
    with open(args.output, "w") as fh:
        fh.write(text + "\n")
    print(f"{len(results)} cases in {time.time() - start:.1f} s -> {os.path.relpath(args.output)}")


if __name__ == "__main__":
    main()
