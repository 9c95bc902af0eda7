#!/usr/bin/env python3
"""Optimizer state bytes per trainable parameter, read from each library's own state after one
step on a small model.

The model: an embedding-like 1000 × 256 matrix, a 256 × 1024 matrix with a 1-D bias of 1024,
a 1024 × 256 matrix, and three small matrices that sit on bitsandbytes' thresholds and block
boundaries (64 × 64 = 4,096 elements, exactly min_8bit_size; 60 × 64 = 3,840 < 4,096; 257 × 100
= 25,700, not a multiple of the 256-element block). All fp32 (the master weights of mixed
precision). One forward, loss.backward(), optimizer.step(); then every tensor in
optimizer.state[p] is recorded (name, dtype, shape, bytes of its storage), storages shared
between parameters (bitsandbytes' quantisation maps) counted once in state_bytes, and the total
is checked against the formula written next to each optimizer below.

Optimizers: torch AdamW; bitsandbytes AdamW8bit and PagedAdamW8bit (CPU path; paged buffers
fall back to ordinary tensors on the CPU, the sizes are the same); transformers' Adafactor
without and with a first moment (beta1); torch.optim.Adafactor; Lion (lion-pytorch);
torch SGD with momentum; torch SGD. Writes validation/optimizer_state.json.

Run:  validation/.venv/bin/python validation/measure_optimizers.py
      (setup: validation/.venv/bin/pip install transformers bitsandbytes lion-pytorch)
"""

from __future__ import annotations

import argparse
import json
import math
import os
import re
import warnings

import torch
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
OUTPUT = os.path.join(HERE, "optimizer_state.json")

SHAPES = {
    "embed": (1000, 256),
    "w_up": (256, 1024),
    "b_up": (1024,),
    "w_down": (1024, 256),
    "w_sq64": (64, 64),
    "w_small": (60, 64),
    "w_odd": (257, 100),
}

BNB_BLOCK = 256          # bitsandbytes >= 0.44 (PR #1365); 2048 before
BNB_MIN_8BIT = 4096      # min_8bit_size default: smaller tensors keep 32-bit state
BNB_QMAP_BYTES = 2 * 256 * 4  # the signed and unsigned dynamic maps, 256 fp32 each, shared


def make_params():
    g = torch.Generator().manual_seed(0)
    return {k: torch.nn.Parameter(torch.randn(*s, generator=g) * 0.02) for k, s in SHAPES.items()}


def loss_fn(p):
    g = torch.Generator().manual_seed(1)
    tokens = torch.randint(0, 1000, (8,), generator=g)
    x = p["embed"][tokens]                                # 8 × 256
    h = F.gelu(x @ p["w_up"] + p["b_up"])                 # 8 × 1024
    y = h @ p["w_down"]                                   # 8 × 256
    z = (y[:, :64] @ p["w_sq64"]).pow(2).mean()
    u = (y[:, :60] @ p["w_small"]).pow(2).mean()
    w = (torch.randn(8, 257, generator=g) @ p["w_odd"]).pow(2).mean()
    return y.pow(2).mean() + z + u + w


# Formulas: bytes of state for one fp32 parameter tensor of shape s (n elements), and bytes
# shared by the whole optimizer.
def numel(s):
    return math.prod(s)


def f_adamw(s):
    return 8 * numel(s) + 4  # exp_avg, exp_avg_sq fp32; step: a 0-d fp32 tensor


def f_bnb8(s):
    n = numel(s)
    if n < BNB_MIN_8BIT:
        return 8 * n  # state1, state2 fp32
    return 2 * n + 2 * 4 * math.ceil(n / BNB_BLOCK)  # state1, state2 uint8; absmax1, absmax2 fp32


def f_adafactor(s, beta1):
    n = numel(s)
    second = 4 * (numel(s[:-1]) + numel(s[:-2] + s[-1:])) if len(s) >= 2 else 4 * n
    return second + (4 * n if beta1 else 0) + 4  # RMS: a 0-d fp32 tensor; step: python int


def f_torch_adafactor(s):
    n = numel(s)
    second = 4 * (n // s[-1] + n // s[-2]) if len(s) >= 2 else 4 * n
    return second + 4  # row_var (…, r, 1), col_var (…, 1, c) or variance; step 0-d fp32


def f_one_moment(s):
    return 4 * numel(s)


def f_none(s):
    return 0


def optimizers():
    out = []

    def add(name, make, formula, shared=0, source="", notes=""):
        out.append({"optimizer": name, "make": make, "formula": formula, "shared": shared,
                    "source": source, "notes": notes})

    add("adamw", lambda ps: torch.optim.AdamW(ps, lr=1e-3), f_adamw,
        source="torch.optim.AdamW: exp_avg, exp_avg_sq = zeros_like(p) (p's dtype); "
               "step a 0-d fp32 tensor",
        notes="8 bytes per parameter + 4 per tensor")
    try:
        import bitsandbytes as bnb
    except Exception:  # noqa: BLE001
        bnb = None
    if bnb is not None:
        src = ("bitsandbytes/optim/optimizer.py Optimizer2State.init_state (bnb "
               f"{bnb.__version__}): p.numel() < min_8bit_size (4096) -> state1, state2 fp32; "
               "else state1, state2 uint8 (zeros_like p), qmap1/qmap2 the shared 256-entry fp32 "
               "dynamic maps, absmax1, absmax2 fp32 of ceil(n / 256) blocks (blocksize 256 since "
               "bnb 0.44.0, PR #1365; 2048 before); step a python int")
        add("adamw-8bit", lambda ps: bnb.optim.AdamW8bit(ps, lr=1e-3), f_bnb8, BNB_QMAP_BYTES,
            source=src, notes="2 bytes per parameter + 8 per 256-element block")
        add("paged-adamw-8bit", lambda ps: bnb.optim.PagedAdamW8bit(ps, lr=1e-3), f_bnb8,
            BNB_QMAP_BYTES, source=src + "; paged: get_state_buffer allocates state1/state2 in "
            "CUDA unified (paged) memory when numel >= 1e5 on a GPU; on the CPU it falls back to "
            "ordinary tensors of the same size",
            notes="same bytes as adamw-8bit; paging moves them, does not shrink them")
    from transformers.optimization import Adafactor as HFAdafactor

    hf_src = ("transformers.optimization.Adafactor.step: factored = len(shape) >= 2: "
              "exp_avg_sq_row = zeros(shape[:-1]), exp_avg_sq_col = zeros(shape[:-2] + shape[-1:]); "
              "else exp_avg_sq = zeros_like(grad); exp_avg = zeros_like(grad) iff beta1 is not "
              "None; the grad's dtype after .float() (fp32); RMS = p's RMS, a 0-d tensor; step int")
    add("adafactor", lambda ps: HFAdafactor(ps, lr=None, relative_step=True, scale_parameter=True,
                                            warmup_init=False, beta1=None),
        lambda s: f_adafactor(s, False), source=hf_src,
        notes="HF defaults (beta1=None): 4·(rows + cols) + 4 per matrix, 4·n + 4 per vector")
    add("adafactor-beta1", lambda ps: HFAdafactor(ps, lr=1e-3, relative_step=False,
                                                  scale_parameter=False, beta1=0.9),
        lambda s: f_adafactor(s, True), source=hf_src,
        notes="with a first moment: + 4·n")
    if hasattr(torch.optim, "Adafactor"):
        add("torch-adafactor", lambda ps: torch.optim.Adafactor(ps, lr=1e-2), f_torch_adafactor,
            source="torch.optim.Adafactor (torch/optim/_adafactor.py): row_var shape[..., -1] = 1, "
                   "col_var shape[..., -2] = 1 for ≥ 2-D, else variance = zeros_like; no first "
                   "moment; step a 0-d fp32 tensor",
            notes="4·(rows + cols) + 4 per matrix, 4·n + 4 per vector")
    try:
        from lion_pytorch import Lion
    except Exception:  # noqa: BLE001
        Lion = None
    if Lion is not None:
        add("lion", lambda ps: Lion(ps, lr=1e-4), f_one_moment,
            source="lion-pytorch Lion: exp_avg = zeros_like(p)", notes="4 bytes per parameter")
    add("sgd-momentum", lambda ps: torch.optim.SGD(ps, lr=1e-2, momentum=0.9), f_one_moment,
        source="torch.optim.SGD(momentum=0.9): momentum_buffer = clone of the first grad",
        notes="4 bytes per parameter")
    add("sgd", lambda ps: torch.optim.SGD(ps, lr=1e-2), f_none,
        source="torch.optim.SGD(momentum=0): no state", notes="0")
    return out


def dtype_name(t):
    return str(t.dtype).replace("torch.", "")


def run(spec):
    params = make_params()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        opt = spec["make"](list(params.values()))
        loss = loss_fn(params)
        loss.backward()
        opt.step()
    seen = set()
    total = 0
    rows = []
    for name, p in params.items():
        st = opt.state.get(p, {})
        state, scalars, own = [], [], 0
        for key, v in st.items():
            if torch.is_tensor(v):
                nbytes = v.untyped_storage().nbytes()
                ptr = v.untyped_storage().data_ptr()
                shared = ptr in seen
                seen.add(ptr)
                if not shared:
                    total += nbytes
                is_map = key.startswith("qmap")
                if not is_map:
                    own += nbytes
                entry = {"name": key, "dtype": dtype_name(v), "shape": list(v.shape),
                         "bytes": nbytes}
                if is_map:
                    entry["shared"] = True  # one tensor for every parameter of the optimizer
                state.append(entry)
            else:
                scalars.append({"name": key, "type": type(v).__name__})
        expected = spec["formula"](SHAPES[name])
        assert own == expected, (spec["optimizer"], name, own, expected, state)
        rows.append({"name": name, "shape": list(p.shape), "numel": p.numel(), "state": state,
                     "scalars": scalars, "state_bytes": own})
    n = sum(p.numel() for p in params.values())
    assert total == sum(r["state_bytes"] for r in rows) + spec["shared"], (spec["optimizer"], total)
    return {
        "optimizer": spec["optimizer"],
        "class": type(opt).__module__ + "." + type(opt).__name__,
        "params": rows,
        "state_bytes": total,
        "shared_state_bytes": spec["shared"],
        "trainable_parameters": n,
        "bytes_per_parameter": total / n,
        "source": spec["source"],
        "formula": spec["notes"],
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--output", default=OUTPUT)
    args = parser.parse_args()
    torch.set_num_threads(1)
    try:
        import bitsandbytes as bnb
        bnb_version = bnb.__version__
    except Exception:  # noqa: BLE001
        bnb_version = None
    cases = []
    for spec in optimizers():
        r = run(spec)
        cases.append(r)
        print(f"{r['optimizer']:<18} state={r['state_bytes']:>9} B  "
              f"{r['bytes_per_parameter']:.4f} B/param  ({r['trainable_parameters']} params)")
    import transformers

    versions = {"transformers": transformers.__version__}
    try:
        import importlib.metadata as md
        versions["lion-pytorch"] = md.version("lion-pytorch")
    except Exception:  # noqa: BLE001
        pass
    doc = {
        "torch_version": torch.__version__,
        "bitsandbytes": bnb_version,
        "other_versions": versions,
        "generated_by": "validation/measure_optimizers.py",
        "cases": cases,
        "notes": [
            "All parameters fp32. State tensors follow the parameter's dtype in torch AdamW, "
            "Lion and SGD (bf16 parameters would get bf16 moments); transformers' Adafactor "
            "keeps fp32 state for 16-bit parameters (grad.float()); bitsandbytes keeps uint8 "
            "moments with fp32 absmax for any parameter dtype.",
            "state_bytes counts every distinct tensor storage in optimizer.state once: "
            "bitsandbytes' qmap1/qmap2 (256 fp32 each) are the same two tensors for every "
            "parameter (flagged shared, not in a parameter's state_bytes, counted once in "
            "shared_state_bytes).",
            f"bitsandbytes 8-bit: a tensor with numel < {BNB_MIN_8BIT} (min_8bit_size) keeps "
            "two fp32 moments (8 bytes per element); otherwise 1 + 1 bytes per element plus "
            f"2 fp32 absmax per {BNB_BLOCK}-element block, ceil(n/{BNB_BLOCK}) blocks per tensor "
            "(= 2 + 8/256 = 2.03125 bytes per element for n a multiple of 256). Before "
            "bitsandbytes 0.44.0 the block was 2048 elements (PR "
            "bitsandbytes-foundation/bitsandbytes#1365: 'Change 8bit optimizer blocksize "
            "2048->256'), i.e. 2 + 8/2048 = 2.0039 bytes per element.",
            "Scalars (step counters as python ints) are listed under "
            "'scalars' and take no tensor memory; torch's step counters and transformers' Adafactor "
            "RMS are 0-d fp32 tensors (4 bytes per parameter tensor) and are counted.",
            "Paged optimizers: on a GPU, state buffers of >= 1e5 elements live in CUDA "
            "unified memory and can be evicted to the host under pressure; the byte count is "
            "unchanged.",
        ],
    }
    text = json.dumps(doc, indent=1)
    text = re.sub(r'\{\n\s+"name": "[^"]*",\n\s+"dtype"[^{}]*?\n\s+\}',
                  lambda m: json.dumps(json.loads(m.group(0))), text)
    text = re.sub(r'\{\n\s+"name": "[^"]*",\n\s+"type"[^{}]*?\n\s+\}',
                  lambda m: json.dumps(json.loads(m.group(0))), text)
    text = re.sub(r'("shape": )(\[[^\[\]]*\])', lambda m: m.group(1) + json.dumps(json.loads(m.group(2))), text)
    with open(args.output, "w") as fh:
        fh.write(text + "\n")
    print(f"{len(cases)} optimizers -> {os.path.relpath(args.output)}")


if __name__ == "__main__":
    main()
