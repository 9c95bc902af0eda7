#!/usr/bin/env python3
"""A standalone port of Megatron-LM's theoretical memory estimator.

Upstream: NVIDIA/Megatron-LM, megatron/training/theoretical_memory_usage.py
  repository snapshot d98e8a64ddf34856e74b24714e3bedb2f5a39553 (2026-08-22); the file was last
  changed in 1bcb3b9e0b029c6109d8d32872645bd540052963 (2026-06-15).
  Copyright (c) 2023, NVIDIA CORPORATION. All rights reserved. (Megatron-LM's license applies
  to the ported logic.)

This is a faithful port of compute_weight_and_optimizer_memory, compute_activation_memory,
compute_activation_memory_without_sp and report_theoretical_memory: the same arithmetic in the
same order (Python floats, true division where upstream divides), with two differences that do
not change any figure:

  * it does not import Megatron; `args` is any object with the attributes upstream reads
    (MegatronArgs below gives upstream's defaults), and the port does not mutate it
    (upstream overwrites args.num_query_groups when group_query_attention is off);
  * every function also returns the intermediate figures it computes (a dict), and the report
    returns bytes as well as upstream's MiB (upstream divides by NUM_BYTES_IN_MEGABYTE = 2**20
    and prints). Hybrid Mamba models, which upstream refuses, are not modelled.

padded_vocab_size follows megatron/core/tokenizers/utils/build_tokenizer.py::
vocab_size_with_padding: ceil(vocab / (make_vocab_size_divisible_by · tp)) · that multiple.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import List, Optional, Union

NUM_BYTES_IN_MEGABYTE = 1024 * 1024


def vocab_size_with_padding(orig_vocab_size: int, make_vocab_size_divisible_by: int,
                            tensor_model_parallel_size: int) -> int:
    multiple = make_vocab_size_divisible_by * tensor_model_parallel_size
    return int(math.ceil(orig_vocab_size / multiple) * multiple)


@dataclass
class MegatronArgs:
    """The attributes theoretical_memory_usage.py reads, with Megatron's defaults."""

    # Model.
    num_layers: int
    hidden_size: int
    num_attention_heads: int
    ffn_hidden_size: int
    seq_length: int
    padded_vocab_size: int
    kv_channels: Optional[int] = None  # Megatron: hidden_size // num_attention_heads
    group_query_attention: bool = False
    num_query_groups: Optional[int] = None
    swiglu: bool = False
    normalization: str = "LayerNorm"  # upstream default; "RMSNorm" has no bias
    untie_embeddings_and_output_weights: bool = False
    add_bias_linear: bool = True
    # MoE / MTP / MLA (off by default, ported for completeness).
    num_experts: Optional[int] = None
    moe_layer_freq: Union[int, List[int]] = 1
    moe_ffn_hidden_size: Optional[int] = None
    moe_shared_expert_intermediate_size: Optional[int] = None
    moe_shared_expert_gate: bool = False
    moe_latent_size: Optional[int] = None
    moe_router_topk: int = 2
    mtp_num_layers: Optional[int] = None
    multi_latent_attention: bool = False
    q_lora_rank: Optional[int] = None
    kv_lora_rank: int = 32
    qk_head_dim: int = 128
    qk_pos_emb_head_dim: int = 64
    v_head_dim: int = 128
    # Parallelism and training.
    tensor_model_parallel_size: int = 1
    pipeline_model_parallel_size: int = 1
    virtual_pipeline_model_parallel_size: Optional[int] = None
    context_parallel_size: int = 1
    data_parallel_size: int = 1
    expert_tensor_parallel_size: int = 1
    expert_model_parallel_size: int = 1
    world_size: Optional[int] = None  # Megatron: tp · pp · cp · dp
    micro_batch_size: int = 1
    sequence_parallel: bool = False
    recompute_granularity: Optional[str] = None
    use_distributed_optimizer: bool = False

    def __post_init__(self):
        if self.kv_channels is None:
            self.kv_channels = self.hidden_size // self.num_attention_heads
        if self.num_query_groups is None:
            self.num_query_groups = self.num_attention_heads
        if self.world_size is None:
            self.world_size = (self.tensor_model_parallel_size * self.pipeline_model_parallel_size
                               * self.context_parallel_size * self.data_parallel_size)


def compute_weight_and_optimizer_memory(args) -> dict:
    """Bytes of weights + gradients + optimizer state on the most loaded model shard."""
    out = {}
    query_projection_size = args.kv_channels * args.num_attention_heads
    query_projection_to_hidden_size_ratio = query_projection_size / args.hidden_size
    # Upstream sets args.num_query_groups = num_attention_heads when GQA is off.
    num_query_groups = (args.num_query_groups if args.group_query_attention
                        else args.num_attention_heads)
    num_experts = 1 if args.num_experts is None else args.num_experts
    gated_linear_multiplier = 3 / 2 if args.swiglu else 1
    shared_expert_ffn_hidden_size = (0 if args.moe_shared_expert_intermediate_size is None
                                     else args.moe_shared_expert_intermediate_size)

    if args.num_experts is not None:
        if isinstance(args.moe_layer_freq, int):
            moe_layer_pattern = [1 if (i % args.moe_layer_freq == 0) else 0
                                 for i in range(args.num_layers)]
        else:
            moe_layer_pattern = list(args.moe_layer_freq)
            assert len(moe_layer_pattern) == args.num_layers
        num_dense_layers = args.num_layers - sum(moe_layer_pattern)
        num_moe_layers = sum(moe_layer_pattern)
        moe_ffn_hidden_size = args.moe_ffn_hidden_size
    else:
        moe_layer_pattern = [0] * args.num_layers
        num_dense_layers = args.num_layers
        num_moe_layers = 0
        moe_ffn_hidden_size = 0
    if args.mtp_num_layers is not None:
        mtp_layer_is_moe = moe_layer_pattern[-1]
        mtp_num_moe_layers = mtp_layer_is_moe * args.mtp_num_layers
        mtp_num_dense_layers = (1 - mtp_layer_is_moe) * args.mtp_num_layers
    else:
        mtp_num_moe_layers = 0
        mtp_num_dense_layers = 0

    norm_size = 1 if args.normalization == "RMSNorm" else 2

    if args.multi_latent_attention:
        assert not args.group_query_attention
        if args.q_lora_rank is None:
            q_term = (args.hidden_size * args.num_attention_heads
                      * (args.qk_head_dim + args.qk_pos_emb_head_dim))
        else:
            q_term = args.q_lora_rank * (
                args.hidden_size
                + args.num_attention_heads * (args.qk_head_dim + args.qk_pos_emb_head_dim)
                + norm_size)
        self_attn_term = (
            q_term
            + args.kv_lora_rank * (args.hidden_size
                                   + args.num_attention_heads * (args.qk_head_dim + args.v_head_dim)
                                   + norm_size)
            + args.hidden_size * args.qk_pos_emb_head_dim
            + (args.num_attention_heads * args.v_head_dim) * args.hidden_size)
    else:
        self_attn_term = (2 * args.hidden_size * args.hidden_size
                          * ((1 + (num_query_groups / args.num_attention_heads))
                             * query_projection_to_hidden_size_ratio))

    embedding_size = args.hidden_size * args.padded_vocab_size
    final_layernorm = norm_size * args.hidden_size
    if args.untie_embeddings_and_output_weights:
        num_parameters_in_embedding_layers = 2 * embedding_size
    else:
        num_parameters_in_embedding_layers = embedding_size

    attention_params = self_attn_term
    dense_mlp_params = 2 * args.hidden_size * args.ffn_hidden_size * gated_linear_multiplier
    shared_expert_params = (2 * args.hidden_size * shared_expert_ffn_hidden_size
                            * gated_linear_multiplier)
    routed_expert_hidden_size = (args.moe_latent_size if args.moe_latent_size is not None
                                 else args.hidden_size)
    routed_expert_params = (2 * routed_expert_hidden_size * moe_ffn_hidden_size * num_experts
                            * gated_linear_multiplier)
    active_routed_expert_params = (
        2 * routed_expert_hidden_size * moe_ffn_hidden_size * args.moe_router_topk
        * gated_linear_multiplier if args.num_experts is not None else 0)
    latent_projection_params = (
        2 * args.hidden_size * args.moe_latent_size
        if args.num_experts is not None and args.moe_latent_size is not None else 0)
    layernorm_params = 2 * args.hidden_size * norm_size
    router_params = ((args.hidden_size * num_experts) + (num_experts if args.add_bias_linear else 0)
                     if args.num_experts is not None else 0)
    shared_expert_gate_params = (args.hidden_size if shared_expert_ffn_hidden_size > 0
                                 and args.moe_shared_expert_gate else 0)

    num_parameters_in_transformer_layer_dense = (attention_params + dense_mlp_params
                                                 + layernorm_params)
    num_parameters_in_transformer_layer_moe = (
        attention_params + shared_expert_params + routed_expert_params + latent_projection_params
        + layernorm_params + router_params + shared_expert_gate_params)
    num_active_parameters_in_transformer_layer_moe = (
        attention_params + shared_expert_params + active_routed_expert_params
        + latent_projection_params + layernorm_params + router_params + shared_expert_gate_params)
    num_parameters_in_transformer_block = (
        num_parameters_in_transformer_layer_dense * num_dense_layers
        + num_parameters_in_transformer_layer_moe * num_moe_layers + final_layernorm)
    num_active_parameters_in_transformer_block = (
        num_parameters_in_transformer_layer_dense * num_dense_layers
        + num_active_parameters_in_transformer_layer_moe * num_moe_layers + final_layernorm)
    num_parameters_in_mtp_block = (
        num_parameters_in_transformer_layer_dense * mtp_num_dense_layers
        + num_parameters_in_transformer_layer_moe * mtp_num_moe_layers)
    num_total_parameters = (num_parameters_in_transformer_block + num_parameters_in_mtp_block
                            + num_parameters_in_embedding_layers)
    num_active_parameters = (num_active_parameters_in_transformer_block
                             + num_parameters_in_mtp_block + num_parameters_in_embedding_layers)

    expert_tensor_parallel_size = args.expert_tensor_parallel_size
    expert_model_parallel_size = args.expert_model_parallel_size
    expert_tensor_model_pipeline_parallel_size = (
        expert_tensor_parallel_size * expert_model_parallel_size * args.pipeline_model_parallel_size)
    expert_data_parallel_size = args.world_size // expert_tensor_model_pipeline_parallel_size

    tp_sharded_params_in_transformer_block = (
        (attention_params + dense_mlp_params) * num_dense_layers
        + (attention_params + shared_expert_params) * num_moe_layers)
    replicated_params_in_transformer_block = (
        layernorm_params * num_dense_layers
        + (layernorm_params + latent_projection_params + router_params
           + shared_expert_gate_params) * num_moe_layers
        + final_layernorm)
    expert_sharded_params_in_transformer_block = routed_expert_params * num_moe_layers
    tp_sharded_params_in_mtp_block = (
        (attention_params + dense_mlp_params) * mtp_num_dense_layers
        + (attention_params + shared_expert_params) * mtp_num_moe_layers)
    replicated_params_in_mtp_block = (
        layernorm_params * mtp_num_dense_layers
        + (layernorm_params + latent_projection_params + router_params
           + shared_expert_gate_params) * mtp_num_moe_layers)
    expert_sharded_params_in_mtp_block = routed_expert_params * mtp_num_moe_layers

    # Most loaded model shard: 1/pp of the layers, the MTP block and one embedding.
    tp_sharded_params_on_most_loaded_shard = (
        (tp_sharded_params_in_transformer_block / args.pipeline_model_parallel_size)
        + tp_sharded_params_in_mtp_block + embedding_size) / args.tensor_model_parallel_size
    replicated_params_on_most_loaded_shard = (
        replicated_params_in_transformer_block / args.pipeline_model_parallel_size
    ) + replicated_params_in_mtp_block
    expert_sharded_params_on_most_loaded_shard = (
        (expert_sharded_params_in_transformer_block / args.pipeline_model_parallel_size)
        + expert_sharded_params_in_mtp_block
    ) / (expert_tensor_parallel_size * expert_model_parallel_size)
    num_parameters_on_most_loaded_model_shard = (
        tp_sharded_params_on_most_loaded_shard + replicated_params_on_most_loaded_shard
        + expert_sharded_params_on_most_loaded_shard)
    if args.untie_embeddings_and_output_weights and args.pipeline_model_parallel_size == 1:
        tp_sharded_params_on_most_loaded_shard += embedding_size / args.tensor_model_parallel_size
        num_parameters_on_most_loaded_model_shard += (embedding_size
                                                      / args.tensor_model_parallel_size)

    num_parameters_on_other_model_shards = None
    if args.pipeline_model_parallel_size > 1:
        num_parameters_on_other_model_shards = (
            tp_sharded_params_in_transformer_block
            / (args.pipeline_model_parallel_size * args.tensor_model_parallel_size)
            + replicated_params_in_transformer_block / args.pipeline_model_parallel_size
            + expert_sharded_params_in_transformer_block
            / (args.pipeline_model_parallel_size * expert_tensor_parallel_size
               * expert_model_parallel_size))

    def num_bytes_per_parameter(data_parallel_size):
        # bf16 params, fp32 main grads, fp32 main params, fp32 Adam states.
        return 18 if not args.use_distributed_optimizer else 6 + (12 / data_parallel_size)

    weight_and_optimizer_memory = (
        (tp_sharded_params_on_most_loaded_shard + replicated_params_on_most_loaded_shard)
        * num_bytes_per_parameter(args.data_parallel_size)
        + expert_sharded_params_on_most_loaded_shard
        * num_bytes_per_parameter(expert_data_parallel_size))

    out.update(
        query_projection_size=query_projection_size,
        num_query_groups=num_query_groups,
        norm_size=norm_size,
        gated_linear_multiplier=gated_linear_multiplier,
        attention_params_per_layer=attention_params,
        dense_mlp_params_per_layer=dense_mlp_params,
        layernorm_params_per_layer=layernorm_params,
        final_layernorm_params=final_layernorm,
        num_parameters_in_transformer_layer=num_parameters_in_transformer_layer_dense,
        num_parameters_in_transformer_layers=(num_parameters_in_transformer_layer_dense
                                              * num_dense_layers
                                              + num_parameters_in_transformer_layer_moe
                                              * num_moe_layers),
        num_parameters_in_transformer_block=num_parameters_in_transformer_block,
        embedding_size=embedding_size,
        num_parameters_in_embedding_layers=num_parameters_in_embedding_layers,
        num_total_parameters=num_total_parameters,
        num_active_parameters=num_active_parameters,
        tp_sharded_params_in_transformer_block=tp_sharded_params_in_transformer_block,
        replicated_params_in_transformer_block=replicated_params_in_transformer_block,
        tp_sharded_params_on_most_loaded_shard=tp_sharded_params_on_most_loaded_shard,
        replicated_params_on_most_loaded_shard=replicated_params_on_most_loaded_shard,
        expert_sharded_params_on_most_loaded_shard=expert_sharded_params_on_most_loaded_shard,
        num_parameters_on_most_loaded_model_shard=num_parameters_on_most_loaded_model_shard,
        num_parameters_on_other_model_shards=num_parameters_on_other_model_shards,
        bytes_per_parameter=num_bytes_per_parameter(args.data_parallel_size),
        expert_data_parallel_size=expert_data_parallel_size,
        weight_and_optimizer_bytes=weight_and_optimizer_memory,
    )
    return out


def _pipeline_factor(args, num_microbatches, x, out):
    """Upstream's step shared by both activation functions (interleaving penalty, or the
    min(1, m/p) discount of the non-interleaved schedule)."""
    p = args.pipeline_model_parallel_size
    out["interleaved_schedule_memory_penalty"] = None
    out["microbatch_discount"] = None
    out["in_flight_microbatches"] = None  # upstream only prints it (verbose)
    if args.virtual_pipeline_model_parallel_size is not None:
        penalty = 1 + ((p - 1) / (p * args.virtual_pipeline_model_parallel_size))
        out["interleaved_schedule_memory_penalty"] = penalty
        out["in_flight_microbatches"] = math.ceil(penalty * p)
        x *= penalty
    if args.virtual_pipeline_model_parallel_size is None and p > 1:
        if num_microbatches is not None:
            discount = min(1, num_microbatches / p)
            out["microbatch_discount"] = discount
            x *= discount
            out["in_flight_microbatches"] = min(num_microbatches, p)
        else:
            out["in_flight_microbatches"] = p
    return x


def compute_activation_memory(args, num_microbatches) -> dict:
    """SP + selective recompute path (Korthikanti Table 2), first pipeline stage, bytes."""
    out = {"path": "with_sp"}
    s, b, h = args.seq_length, args.micro_batch_size, args.hidden_size
    p, t = args.pipeline_model_parallel_size, args.tensor_model_parallel_size
    per_layer = (s * b * h) * (18 + (4 * (args.ffn_hidden_size / h)))
    out["per_layer_bytes_before_tp"] = per_layer
    out["per_layer_bytes"] = per_layer / t
    x = per_layer * args.num_layers
    out["layers_bytes_before_tp"] = x
    out["embedding_input_bytes"] = 8 * s * b * p  # int64 token ids, p micro-batches
    out["embedding_dropout_bytes"] = s * b * h * p
    x += out["embedding_input_bytes"]
    x += out["embedding_dropout_bytes"]
    x = _pipeline_factor(args, num_microbatches, x, out)
    out["output_layer_bytes_before_tp"] = 0
    if p == 1:
        out["output_layer_bytes_before_tp"] = (s * b * h * 4
                                               * (1 + (args.padded_vocab_size / h)))
        x += out["output_layer_bytes_before_tp"]
    out["overhead_factor"] = 1
    out["activation_bytes"] = x / t
    return out


def compute_activation_memory_without_sp(args, num_microbatches) -> dict:
    """Every other case: per layer sbh(10 + 24/t), no 5as/h term, × 1.05, bytes."""
    out = {"path": "without_sp"}
    s, b, h = args.seq_length, args.micro_batch_size, args.hidden_size
    p, t = args.pipeline_model_parallel_size, args.tensor_model_parallel_size
    per_layer = s * b * h * (10 + (24 / t))
    out["per_layer_bytes"] = per_layer
    x = per_layer * args.num_layers
    out["layers_bytes"] = x
    out["embedding_input_bytes"] = 8 * s * b * p
    out["embedding_dropout_bytes"] = s * b * h * p
    x += out["embedding_input_bytes"]
    x += out["embedding_dropout_bytes"]
    x = _pipeline_factor(args, num_microbatches, x, out)
    out["logits_elements"] = 0
    out["final_ln_output_elements"] = 0
    out["output_layer_bytes"] = 0
    if p == 1:
        logits_size = s * b * args.padded_vocab_size
        logits_size /= t
        final_ln_output = s * b * h
        out["logits_elements"] = logits_size
        out["final_ln_output_elements"] = final_ln_output
        out["output_layer_bytes"] = (logits_size + final_ln_output) * 2
        x += out["output_layer_bytes"]
    out["overhead_factor"] = 1.05
    x *= 1.05
    out["activation_bytes"] = x
    return out


def report_theoretical_memory(args, num_microbatches=None) -> dict:
    """Upstream's combination: SP path iff sequence_parallel and selective recompute."""
    weights = compute_weight_and_optimizer_memory(args)
    if args.sequence_parallel and args.recompute_granularity == "selective":
        act = compute_activation_memory(args, num_microbatches=num_microbatches)
    else:
        act = compute_activation_memory_without_sp(args, num_microbatches=num_microbatches)
    w = weights["weight_and_optimizer_bytes"]
    a = act["activation_bytes"]
    return {
        "weights": weights,
        "activations": act,
        "weight_and_optimizer_bytes": w,
        "activation_bytes": a,
        "total_bytes": w + a,
        # What upstream prints and returns (MiB).
        "weight_and_optimizer_mb": w / NUM_BYTES_IN_MEGABYTE,
        "activation_mb": a / NUM_BYTES_IN_MEGABYTE,
        "total_mb": w / NUM_BYTES_IN_MEGABYTE + a / NUM_BYTES_IN_MEGABYTE,
    }
