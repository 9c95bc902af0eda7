// The preset files as trainplan shipped them with migrations 0001–0008, before issue 11: the
// `gpt2-*` presets were the seed's architecture and no GPU had a price. The migration tests
// build an old database from these, as that trainplan would have.
enum PresetsAtMigration8 {
  static let modelsJSON = #"""
    [
      {
        "name": "gpt2-small",
        "vocab_size": 50257,
        "context_length": 1024,
        "num_layers": 12,
        "d_model": 768,
        "num_heads": 12,
        "num_kv_heads": 12,
        "d_ff": 3072,
        "ffn": "swiglu",
        "tied_embeddings": false,
        "source": "SPEC.md seed architecture with GPT-2 small shape (12 layers x 768 x 12 heads; f = 4h, SwiGLU, untied, MHA); not the real GPT-2 module."
      },
      {
        "name": "gpt2-medium",
        "vocab_size": 50257,
        "context_length": 1024,
        "num_layers": 24,
        "d_model": 1024,
        "num_heads": 16,
        "num_kv_heads": 16,
        "d_ff": 4096,
        "ffn": "swiglu",
        "tied_embeddings": false,
        "source": "SPEC.md seed architecture with GPT-2 medium shape (24 layers x 1024 x 16 heads; f = 4h, SwiGLU, untied, MHA); not the real GPT-2 module."
      },
      {
        "name": "gpt2-large",
        "vocab_size": 50257,
        "context_length": 1024,
        "num_layers": 36,
        "d_model": 1280,
        "num_heads": 20,
        "num_kv_heads": 20,
        "d_ff": 5120,
        "ffn": "swiglu",
        "tied_embeddings": false,
        "source": "SPEC.md seed architecture with GPT-2 large shape (36 layers x 1280 x 20 heads; f = 4h, SwiGLU, untied, MHA); not the real GPT-2 module."
      },
      {
        "name": "gpt2-xl",
        "vocab_size": 50257,
        "context_length": 1024,
        "num_layers": 48,
        "d_model": 1600,
        "num_heads": 25,
        "num_kv_heads": 25,
        "d_ff": 6400,
        "ffn": "swiglu",
        "tied_embeddings": false,
        "source": "SPEC.md worked example (GPT-2 XL shape in the seed architecture: f = 4h, SwiGLU, untied)"
      },
      {
        "name": "llama-2-7b",
        "vocab_size": 32000,
        "context_length": 4096,
        "num_layers": 32,
        "d_model": 4096,
        "num_heads": 32,
        "num_kv_heads": 32,
        "d_ff": 11008,
        "ffn": "swiglu",
        "tied_embeddings": false,
        "source": "meta-llama/Llama-2-7b-hf config.json: vocab_size 32000, max_position_embeddings 4096 (native), 32 layers, hidden 4096, 32 heads / 32 KV heads, intermediate 11008, SiLU-gated MLP, untied."
      },
      {
        "name": "llama-3-8b",
        "vocab_size": 128256,
        "context_length": 8192,
        "num_layers": 32,
        "d_model": 4096,
        "num_heads": 32,
        "num_kv_heads": 8,
        "d_ff": 14336,
        "ffn": "swiglu",
        "tied_embeddings": false,
        "source": "meta-llama/Meta-Llama-3-8B config.json: vocab 128256, max_position_embeddings 8192 (native, no rope_scaling), 32 layers, hidden 4096, 32 heads / 8 KV heads, intermediate 14336, untied."
      },
      {
        "name": "mistral-7b",
        "vocab_size": 32000,
        "context_length": 32768,
        "num_layers": 32,
        "d_model": 4096,
        "num_heads": 32,
        "num_kv_heads": 8,
        "d_ff": 14336,
        "ffn": "swiglu",
        "tied_embeddings": false,
        "source": "mistralai/Mistral-7B-v0.1 config.json: vocab 32000, max_position_embeddings 32768 (not RoPE-scaled; note sliding_window 4096), 32 layers, hidden 4096, 32 heads / 8 KV, intermediate 14336, untied."
      },
      {
        "name": "qwen2.5-7b",
        "vocab_size": 152064,
        "context_length": 131072,
        "num_layers": 28,
        "d_model": 3584,
        "num_heads": 28,
        "num_kv_heads": 4,
        "d_ff": 18944,
        "ffn": "swiglu",
        "tied_embeddings": false,
        "source": "Qwen/Qwen2.5-7B (base) config.json: vocab 152064, max_position_embeddings 131072 (rope_scaling null, rope_theta 1e6; Instruct config says 32768), 28 layers, hidden 3584, 28 heads / 4 KV, intermediate 18944, untied."
      },
      {
        "name": "llama-3-70b",
        "vocab_size": 128256,
        "context_length": 8192,
        "num_layers": 80,
        "d_model": 8192,
        "num_heads": 64,
        "num_kv_heads": 8,
        "d_ff": 28672,
        "ffn": "swiglu",
        "tied_embeddings": false,
        "source": "meta-llama/Meta-Llama-3-70B config.json: vocab 128256, max_position_embeddings 8192 (native), 80 layers, hidden 8192, 64 heads / 8 KV heads, intermediate 28672, untied."
      },
      {
        "name": "qwen2.5-0.5b",
        "vocab_size": 151936,
        "context_length": 32768,
        "num_layers": 24,
        "d_model": 896,
        "num_heads": 14,
        "num_kv_heads": 2,
        "d_ff": 4864,
        "ffn": "swiglu",
        "tied_embeddings": true,
        "source": "Qwen/Qwen2.5-0.5B config.json: vocab 151936, max_position_embeddings 32768 (native), 24 layers, hidden 896, 14 heads / 2 KV heads, intermediate 4864, tie_word_embeddings true."
      }
    ]
    """#

  static let gpusJSON = #"""
    [
      {
        "name": "a100-40gb",
        "display_name": "NVIDIA A100 40GB SXM4",
        "memory_bytes": 42949672960,
        "peak_tflops": {
          "fp32": 19.5,
          "tf32": 156,
          "bf16": 312,
          "fp16": 312,
          "fp8": null
        },
        "power_watts": 400,
        "price_per_hour": null,
        "reserve_bytes": 0,
        "sources": {
          "memory_bytes": "nvidia-smi reports 40960MiB for A100-SXM4-40GB on current drivers (R5xx+ output seen in public GitHub logs); older drivers showed 40536MiB. Reported device figure.",
          "peak_tflops": "NVIDIA A100 Tensor Core GPU datasheet (2021): FP32 19.5; TF32 312*, BF16/FP16 624* are sparse, halved to dense 156/312. No FP8 on Ampere.",
          "power_watts": "NVIDIA A100 datasheet: max TDP 400 W (SXM4)."
        }
      },
      {
        "name": "a100-80gb",
        "display_name": "NVIDIA A100 80GB SXM4",
        "memory_bytes": 85899345920,
        "peak_tflops": {
          "fp32": 19.5,
          "tf32": 156,
          "bf16": 312,
          "fp16": 312,
          "fp8": null
        },
        "power_watts": 400,
        "price_per_hour": null,
        "reserve_bytes": 0,
        "sources": {
          "memory_bytes": "nvidia-smi reports 81920MiB for A100-SXM4-80GB (value fixed by trainplan spec). Reported device figure.",
          "peak_tflops": "NVIDIA A100 Tensor Core GPU datasheet (2021): FP32 19.5; TF32 312*, BF16/FP16 624* are sparse, halved to dense 156/312. No FP8 on Ampere.",
          "power_watts": "NVIDIA A100 datasheet: max TDP 400 W (SXM4)."
        }
      },
      {
        "name": "h100-sxm",
        "display_name": "NVIDIA H100 80GB SXM5",
        "memory_bytes": 85520809984,
        "peak_tflops": {
          "fp32": 67,
          "tf32": 494.5,
          "bf16": 989.5,
          "fp16": 989.5,
          "fp8": 1979
        },
        "power_watts": 700,
        "price_per_hour": null,
        "reserve_bytes": 0,
        "sources": {
          "memory_bytes": "nvidia-smi reports 81559MiB for 'NVIDIA H100 80GB HBM3' (SXM5), seen in many public nvidia-smi pastes. Reported device figure.",
          "peak_tflops": "NVIDIA H100 datasheet, SXM5 column: FP32 67; TF32 989*, BF16/FP16 1,979*, FP8 3,958* are with sparsity, halved to dense 494.5/989.5/1,979.",
          "power_watts": "NVIDIA H100 datasheet: max TDP up to 700 W (SXM5, configurable)."
        }
      },
      {
        "name": "h100-pcie",
        "display_name": "NVIDIA H100 80GB PCIe",
        "memory_bytes": 85520809984,
        "peak_tflops": {
          "fp32": 51,
          "tf32": 378,
          "bf16": 756.5,
          "fp16": 756.5,
          "fp8": 1513
        },
        "power_watts": 350,
        "price_per_hour": null,
        "reserve_bytes": 0,
        "sources": {
          "memory_bytes": "nvidia-smi / NVML reports 81559MiB for 'NVIDIA H100 PCIe' (public TensorRT-LLM test report). Reported device figure.",
          "peak_tflops": "NVIDIA H100 datasheet, PCIe column: FP32 51; TF32 756*, BF16/FP16 1,513*, FP8 3,026* are with sparsity, halved to dense 378/756.5/1,513.",
          "power_watts": "NVIDIA H100 datasheet: max TDP 300-350 W (PCIe, configurable); upper value used."
        }
      },
      {
        "name": "h200",
        "display_name": "NVIDIA H200 141GB SXM",
        "memory_bytes": 150754820096,
        "peak_tflops": {
          "fp32": 67,
          "tf32": 494.5,
          "bf16": 989.5,
          "fp16": 989.5,
          "fp8": 1979
        },
        "power_watts": 700,
        "price_per_hour": null,
        "reserve_bytes": 0,
        "sources": {
          "memory_bytes": "nvidia-smi reports 143771MiB for H200 SXM (value fixed by trainplan spec). Reported device figure.",
          "peak_tflops": "NVIDIA H200 datasheet, SXM column (same GH100 compute as H100 SXM): FP32 67; TF32 989*, BF16/FP16 1,979*, FP8 3,958* sparse, halved to dense.",
          "power_watts": "NVIDIA H200 datasheet: max TDP up to 700 W (SXM, configurable)."
        }
      },
      {
        "name": "b200",
        "display_name": "NVIDIA B200 180GB (HGX)",
        "memory_bytes": 192265846784,
        "peak_tflops": {
          "fp32": 75,
          "tf32": 1100,
          "bf16": 2250,
          "fp16": 2250,
          "fp8": 4500
        },
        "power_watts": 1000,
        "price_per_hour": null,
        "reserve_bytes": 0,
        "sources": {
          "memory_bytes": "nvidia-smi reports 183359MiB for 'NVIDIA B200' (several public nvidia-smi pastes; 1000 W cap). Reported device figure.",
          "peak_tflops": "NVIDIA HGX B200 per-GPU specs: FP32 75 TFLOPS; TF32 2.2 PF, FP16/BF16 4.5 PF, FP8 9 PF are sparse, halved to dense 1.1/2.25/4.5 PF. Later sheets list FP32 80; 75 used.",
          "power_watts": "NVIDIA HGX B200 spec: configurable up to 1,000 W per GPU."
        }
      },
      {
        "name": "l4",
        "display_name": "NVIDIA L4",
        "memory_bytes": 24152899584,
        "peak_tflops": {
          "fp32": 30.3,
          "tf32": 60,
          "bf16": 121,
          "fp16": 121,
          "fp8": 242.5
        },
        "power_watts": 72,
        "price_per_hour": null,
        "reserve_bytes": 0,
        "sources": {
          "memory_bytes": "nvidia-smi reports 23034MiB for 'NVIDIA L4' (many public pastes). Reported device figure; nominal 24 GB.",
          "peak_tflops": "NVIDIA L4 datasheet: FP32 30.3; TF32 120*, BF16/FP16 242*, FP8 485* are with sparsity, halved to dense 60/121/242.5.",
          "power_watts": "NVIDIA L4 datasheet: max power 72 W."
        }
      },
      {
        "name": "l40s",
        "display_name": "NVIDIA L40S",
        "memory_bytes": 48305799168,
        "peak_tflops": {
          "fp32": 91.6,
          "tf32": 183,
          "bf16": 362.05,
          "fp16": 362.05,
          "fp8": 733
        },
        "power_watts": 350,
        "price_per_hour": null,
        "reserve_bytes": 0,
        "sources": {
          "memory_bytes": "nvidia-smi reports 46068MiB for 'NVIDIA L40S' (many public pastes). Reported device figure; nominal 48 GB.",
          "peak_tflops": "NVIDIA L40S datasheet: FP32 91.6; TF32 183/366*, BF16/FP16 362.05/733*, FP8 733/1,466* (dense/sparse); dense values used.",
          "power_watts": "NVIDIA L40S datasheet: max power 350 W."
        }
      },
      {
        "name": "t4",
        "display_name": "NVIDIA Tesla T4",
        "memory_bytes": 16106127360,
        "peak_tflops": {
          "fp32": 8.1,
          "tf32": null,
          "bf16": null,
          "fp16": 65,
          "fp8": null
        },
        "power_watts": 70,
        "price_per_hour": null,
        "reserve_bytes": 0,
        "sources": {
          "memory_bytes": "nvidia-smi reports 15360MiB for Tesla T4 with ECC on (default on cloud VMs); 16384MiB with ECC off. Reported device figure.",
          "peak_tflops": "NVIDIA T4 datasheet: FP32 8.1, mixed-precision FP16/FP32 tensor 65 TFLOPS (Turing has no sparsity, TF32, BF16 or FP8).",
          "power_watts": "NVIDIA T4 datasheet: 70 W."
        }
      },
      {
        "name": "v100-16gb",
        "display_name": "NVIDIA Tesla V100 16GB SXM2",
        "memory_bytes": 17179869184,
        "peak_tflops": {
          "fp32": 15.7,
          "tf32": null,
          "bf16": null,
          "fp16": 125,
          "fp8": null
        },
        "power_watts": 300,
        "price_per_hour": null,
        "reserve_bytes": 0,
        "sources": {
          "memory_bytes": "nvidia-smi reports 16384MiB for V100-16GB on current (R535+) drivers; older drivers showed 16160MiB. Reported device figure (new-driver value).",
          "peak_tflops": "NVIDIA V100 datasheet, SXM2: FP32 15.7, tensor (FP16 mixed precision) 125 TFLOPS. No TF32/BF16/FP8 on Volta.",
          "power_watts": "NVIDIA V100 datasheet: 300 W (SXM2)."
        }
      },
      {
        "name": "v100-32gb",
        "display_name": "NVIDIA Tesla V100 32GB SXM2",
        "memory_bytes": 34359738368,
        "peak_tflops": {
          "fp32": 15.7,
          "tf32": null,
          "bf16": null,
          "fp16": 125,
          "fp8": null
        },
        "power_watts": 300,
        "price_per_hour": null,
        "reserve_bytes": 0,
        "sources": {
          "memory_bytes": "nvidia-smi reports 32768MiB for Tesla V100-SXM2-32GB on current drivers; older drivers showed 32510MiB. Reported device figure (new-driver value).",
          "peak_tflops": "NVIDIA V100 datasheet, SXM2: FP32 15.7, tensor (FP16 mixed precision) 125 TFLOPS. No TF32/BF16/FP8 on Volta.",
          "power_watts": "NVIDIA V100 datasheet: 300 W (SXM2)."
        }
      },
      {
        "name": "rtx-3090",
        "display_name": "NVIDIA GeForce RTX 3090",
        "memory_bytes": 25769803776,
        "peak_tflops": {
          "fp32": 35.6,
          "tf32": 35.6,
          "bf16": 71,
          "fp16": 71,
          "fp8": null
        },
        "power_watts": 350,
        "price_per_hour": null,
        "reserve_bytes": 0,
        "sources": {
          "memory_bytes": "nvidia-smi reports 24576MiB for 'NVIDIA GeForce RTX 3090' (many public pastes). Reported device figure.",
          "peak_tflops": "NVIDIA GA102 whitepaper App. A (RTX 3090): FP32 35.6; dense tensor FP16 & BF16 with FP32 accumulate 71 (FP16-acc 142), TF32 35.6. No FP8 on Ampere.",
          "power_watts": "NVIDIA GA102 whitepaper / RTX 3090 spec: total graphics power 350 W."
        }
      },
      {
        "name": "rtx-4090",
        "display_name": "NVIDIA GeForce RTX 4090",
        "memory_bytes": 25757220864,
        "peak_tflops": {
          "fp32": 82.6,
          "tf32": 82.6,
          "bf16": 165.2,
          "fp16": 165.2,
          "fp8": 330.3
        },
        "power_watts": 450,
        "price_per_hour": null,
        "reserve_bytes": 0,
        "sources": {
          "memory_bytes": "nvidia-smi reports 24564MiB for 'NVIDIA GeForce RTX 4090' (many public pastes). Reported device figure.",
          "peak_tflops": "NVIDIA Ada (AD102) whitepaper, RTX 4090: FP32 82.6; dense tensor with FP32 accumulate: FP16/BF16 165.2, FP8 330.3 (FP16-acc 330.3/660.6), TF32 82.6.",
          "power_watts": "NVIDIA Ada whitepaper / RTX 4090 spec: total graphics power 450 W."
        }
      },
      {
        "name": "mi250x",
        "display_name": "AMD Instinct MI250X (OAM, 2 GCDs)",
        "memory_bytes": 137405399040,
        "peak_tflops": {
          "fp32": 47.9,
          "tf32": null,
          "bf16": 383,
          "fp16": 383,
          "fp8": null
        },
        "power_watts": 560,
        "price_per_hour": null,
        "reserve_bytes": 0,
        "sources": {
          "memory_bytes": "Whole module = 2 x 68702699520 B: each GCD reports 68702699520 B total memory on MI250X (Cray ACC runtime / KFD output). Reported per-GCD figure x2; nominal 128 GB HBM2e.",
          "peak_tflops": "AMD Instinct MI250X spec: FP32 vector 47.9 (matrix 95.7), FP16/BF16 matrix 383.0 TFLOPS, whole module. No TF32 or FP8 on CDNA2.",
          "power_watts": "AMD Instinct MI250X spec: 560 W peak board power (OAM, liquid-cooled; 500 W air-cooled)."
        }
      },
      {
        "name": "mi300x",
        "display_name": "AMD Instinct MI300X",
        "memory_bytes": 206141652992,
        "peak_tflops": {
          "fp32": 163.4,
          "tf32": 653.7,
          "bf16": 1307.4,
          "fp16": 1307.4,
          "fp8": 2614.9
        },
        "power_watts": 750,
        "price_per_hour": null,
        "reserve_bytes": 0,
        "sources": {
          "memory_bytes": "rocm-smi reports VRAM Total Memory (B): 206141652992 (= 196592 MiB) on MI300X (several public rocm-smi/KFD outputs). Reported device figure; nominal 192 GB HBM3.",
          "peak_tflops": "AMD Instinct MI300X datasheet: FP32 vector 163.4; dense TF32 653.7, FP16/BF16 1,307.4, FP8 2,614.9 TFLOPS (sparsity figures are 2x).",
          "power_watts": "AMD Instinct MI300X datasheet: 750 W peak board power (OAM)."
        }
      }
    ]
    """#
}
