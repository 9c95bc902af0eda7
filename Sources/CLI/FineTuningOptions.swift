import ArgumentParser
import Planner

/// Which parameters train and how (`plan`, `fit`, `sweep`, `search`): full training or LoRA /
/// QLoRA adapters on a frozen base, the optimizer, and what is offloaded to the host.
struct FineTuningOptions: ParsableArguments {
  @Option(
    name: .customLong("finetune"),
    help:
      "full (every parameter trains), lora (adapters on a frozen base) or qlora (adapters on an NF4 base)."
  )
  var finetune: FineTuning = .full

  @Option(
    name: .customLong("lora-rank"), parsing: .unconditional, help: "LoRA rank R. (default: 16)",
    transform: Count.parse)
  var loraRank: Int = 16

  @Option(
    name: .customLong("lora-targets"),
    help: ArgumentHelp(
      "Projections LoRA adapts: q,k,v,o,gate,up,down, Hugging Face module names (q_proj, c_attn, query_key_value, …), attention or all-linear.",
      valueName: "a,b,..."))
  var loraTargets: String = "q,v"

  @Option(
    name: .customLong("lora-dtype"), help: "The adapters' weights and gradients: bf16 or fp32.")
  var loraDtype: String = "bf16"

  @Option(
    name: .customLong("optimizer"),
    help:
      "adamw, adamw-8bit, paged-adamw-8bit, adafactor, lion, sgd-momentum or sgd.")
  var optimizer: Optimizer = .adamw

  @Option(
    name: .customLong("offload"),
    help:
      "none, optimizer (optimizer state and master weights in host memory) or optimizer+parameters (also the weights; needs --zero 3)."
  )
  var offload: Offload = .none

  func training() throws -> Training {
    let dtype = try SetupOptions.trainingPrecision(loraDtype, flag: "--lora-dtype")
    guard dtype == .bf16 || dtype == .fp32 else {
      throw CLIError("--lora-dtype must be bf16 or fp32 (got '\(loraDtype)')")
    }
    return Training(
      fineTuning: finetune,
      lora: LoRA(
        rank: loraRank, targets: try ListArgument.items(loraTargets, flag: "--lora-targets"),
        dtype: dtype),
      optimizer: optimizer, offload: offload)
  }
}

extension FineTuning: EnumArgument {}
extension Optimizer: EnumArgument {}
extension Offload: EnumArgument {}
