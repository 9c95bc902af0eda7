import Planner

/// The readable breakdown `plan` prints.
struct PlanReport {
  let plan: Plan
  let id: Int?
  let components: Bool
  var advice: PlanAdvice? = nil
  /// Bars and colours; plain (as piped) unless the caller says otherwise.
  var style = TerminalStyle.plain

  func render() -> String {
    var out = Terminal.shown(headline()) + "\n"
    out += id.map { "Saved as plan \($0).\n" } ?? "Not saved (--no-save).\n"
    out += "\n" + KeyValueList(inputs()).render() + "\n"
    let heaviest = plan.stages.count > 1 ? ", on the heaviest stage (\(plan.peakStage))" : ""
    out += "Memory per GPU (GiB = 2^30 bytes)\(heaviest)\n" + KeyValueList(memory()).render()
    if style.bars { out += "\n" + MemoryBar(plan: plan, style: style).render() }
    if plan.stages.count > 1 {
      out += "\nMemory per pipeline stage (* the heaviest)\n" + stageTable()
    }
    out += "\n" + verdict() + "\n"
    for lever in advice?.leverSentences ?? [] { out += "  It \(lever).\n" }
    if let advice, !plan.fits, advice.levers.isEmpty {
      out +=
        "  No single lever (bf16, flash attention, checkpointing, ZeRO, more GPUs) makes it fit.\n"
    }
    out += "\n"
    out += "Compute\n" + KeyValueList(compute()).render()
    if plan.time.model == .predicted { out += timeBreakdown() }
    for note in plan.notes { out += "Note: \(Terminal.shown(note))\n" }
    for warning in advice?.warnings ?? [] { out += "Warning: \(warning)\n" }
    return out
  }

  func headline() -> String {
    let s = plan.setup
    let batch =
      "micro-batch \(s.batchSize)"
      + (s.batchSizeChosen && plan.maxBatchSize > 0
        ? (s.batchSize == plan.maxBatchSize
          ? " (the largest that fits)" : " (the largest that fits and divides the global batch)")
        : "")
    let verb = plan.fits ? "fits at" : "does not fit at"
    return "\(plan.model.name) on \(plan.hardware.name): \(verb) \(batch)"
  }

  func inputs() -> [(String, String)] {
    let m = plan.model
    let s = plan.setup
    let g = plan.hardware
    let run: String
    switch s.runLengthBasis {
    case .steps: run = "\(Units.grouped(s.steps)) steps (\(Units.grouped(s.tokens)) tokens)"
    case .tokens: run = "\(Units.grouped(s.tokens)) tokens (\(Units.grouped(s.steps)) steps)"
    case .tokensPerParameter(let k):
      run =
        "\(Units.grouped(s.tokens)) tokens = \(k) per parameter, the default (Hoffmann et al., 2022); \(Units.grouped(s.steps)) steps"
    }
    return [
      (
        "Model",
        "\(m.name): \(Units.parameters(plan.parameters)) parameters (\(Units.grouped(plan.parameters))); \(m.numLayers) layers, d_model \(Units.grouped(m.dModel)), \(m.numHeads) heads (\(m.numKVHeads) kv), d_ff \(Units.grouped(m.dFF)) \(m.ffn.rawValue), vocab \(Units.grouped(m.vocabSize)), context \(Units.grouped(m.contextLength))\(m.tiedEmbeddings ? ", tied embeddings" : "")"
      ),
      (
        "GPU",
        "\(g.name): \(Units.gib(g.memoryBytes)), \(Units.tflops(plan.compute.peakFLOPS)) \(s.precision.format.rawValue) peak"
      ),
      (
        "Setup",
        "\(s.method.rawValue) method, \(s.precision.rawValue), \(s.attention.rawValue) attention, recompute \(s.recompute.rawValue), \(s.numGPUs) GPU\(s.numGPUs == 1 ? "" : "s"), ZeRO \(s.zeroStage); micro-batch \(s.batchSize), global batch \(Units.grouped(s.globalBatchSize)) (\(Units.grouped(s.gradientAccumulationSteps)) accumulation step\(s.gradientAccumulationSteps == 1 ? "" : "s")); MFU \(Units.trimmed(s.mfu))"
          + (s.capacityFactor.map { "; capacity factor \(Units.trimmed($0)), experts padded" } ?? "")
      ),
      ("Run", run),
      ("Training", training()),
    ] + (s.layout.isTrivial && s.layout.virtualStages == 1 ? [] : [("Layout", layout())])
  }

  /// What trains, what is frozen, quantised and offloaded, in one line.
  func training() -> String {
    let t = plan.setup.training
    let trainable = Units.parameters(plan.trainableParameters)
    var text: String
    switch t.fineTuning {
    case .full: text = "every parameter trains (\(trainable))"
    case .lora, .qlora:
      let base =
        t.fineTuning == .qlora
        ? "NF4 (4.127 bits; embeddings, norms and head 16-bit)" : plan.setup.precision.rawValue
      text =
        "LoRA rank \(t.lora.rank) on \(t.lora.targets.joined(separator: ",")) (\(trainable) trainable, \(t.lora.dtype.rawValue)); the base frozen in \(base)"
    }
    text += "; \(t.optimizer.rawValue)"
    switch t.offload {
    case .none: text += "; nothing offloaded"
    case .optimizer:
      text += "; optimizer state offloaded (\(Units.gib(plan.hostBytes)) of host memory per GPU)"
    case .optimizerAndParameters:
      text +=
        "; optimizer state and weights offloaded (\(Units.gib(plan.hostBytes)) of host memory per GPU)"
    }
    if plan.activeParameters != plan.parameters {
      text +=
        "; \(Units.parameters(plan.activeParameters)) of \(Units.parameters(plan.parameters)) parameters active per token"
    }
    return text
  }

  /// "TP 8 × PP 4 × CP 1 × DP 2 = 64 GPUs, sequence parallel, …"
  func layout() -> String {
    let s = plan.setup
    let l = s.layout
    var text =
      "TP \(l.tensorParallel) × PP \(l.pipelineParallel) × CP \(l.contextParallel) × DP \(s.dataParallel) = \(s.numGPUs) GPUs"
    if l.sequenceParallel { text += ", sequence parallel" }
    if l.expertParallel > 1 {
      text +=
        ", experts split \(l.expertParallel) ways (expert data parallel \(s.dataParallel * l.contextParallel / l.expertParallel))"
    }
    if l.virtualStages > 1 { text += ", interleaved 1F1B with \(l.virtualStages) chunks per stage" }
    if l.pipelineParallel > 1 {
      text += "; layers per stage \(plan.stages.map { String($0.layers) }.joined(separator: ","))"
      text +=
        "; \(Units.grouped(s.microBatches)) micro-batch\(s.microBatches == 1 ? "" : "es") per step"
    }
    return text
  }

  /// One line per pipeline stage, the heaviest marked.
  func stageTable() -> String {
    var table = Table(
      [
        "stage", "layers", "in flight", "params GiB", "grads GiB", "optimizer GiB",
        "activations GiB", "total GiB",
      ],
      rightAligned: Set(0...7))
    func gib(_ b: Int) -> String { Units.fixed(Double(b) / Units.gibibyte, 2) }
    for st in plan.stages {
      table.append([
        String(st.stage) + (st.stage == plan.peakStage ? "*" : ""), String(st.layers),
        String(st.microBatchesInFlight), gib(st.parametersBytes), gib(st.gradientsBytes),
        gib(st.optimizerStateBytes), gib(st.activationsBytes), gib(st.totalBytes),
      ])
    }
    return table.render()
  }

  func memory() -> [(String, String)] {
    let m = plan.memory
    func line(_ bytes: Int, _ note: String = "") -> String {
      let gib = Units.gib(bytes)
      return String(repeating: " ", count: max(0, 12 - gib.count)) + gib + "  "
        + Units.grouped(bytes) + " bytes" + note
    }
    var rows: [(String, String)] = [
      ("  parameters", line(m.parametersBytes)), ("  gradients", line(m.gradientsBytes)),
      (
        "  optimizer state",
        line(
          m.optimizerStateBytes,
          " (AdamW moments\(plan.setup.precision.isMixed ? " and fp32 master weights" : ""))")
      ),
      (
        "  activations",
        line(
          m.activationsBytes,
          " (\(m.batchSize) × \(Units.gib(m.activationBytesPerSequence)) per sequence)")
      ),
    ]
    if components {
      rows += m.activationComponentBytes.map { ("    " + $0.name, line($0.bytes, " per sequence")) }
    }
    rows += [("  total", line(m.totalBytes))]
    if plan.setup.reserveBytes > 0 {
      rows += [
        ("  GPU memory", line(plan.hardware.memoryBytes)),
        ("  reserve", line(plan.setup.reserveBytes)), ("  usable", line(plan.usableBytes)),
      ]
    } else {
      rows += [("  GPU memory", line(plan.hardware.memoryBytes))]
    }
    return rows
  }

  func verdict() -> String {
    var text: String
    if plan.fits {
      text = "Fits, with \(Units.gib(plan.usableBytes - plan.memory.totalBytes)) to spare."
    } else {
      text =
        "Does NOT fit: \(Units.gib(plan.shortfallBytes)) (\(Units.grouped(plan.shortfallBytes)) bytes) over."
    }
    text +=
      plan.maxBatchSize > 0
      ? " Largest micro-batch that fits: \(plan.maxBatchSize)."
      : " Even micro-batch 1 does not fit on one GPU of this setup."
    if let g = plan.gpusNeeded {
      text +=
        " GPUs needed at micro-batch \(plan.setup.batchSize) with ZeRO \(plan.setup.zeroStage): \(g)."
    } else {
      text +=
        " No GPU count fits micro-batch \(plan.setup.batchSize) with ZeRO \(plan.setup.zeroStage)"
        + (plan.setup.zeroStage < 3 ? " (a higher --zero stage shards more)." : ".")
    }
    return text
  }

  /// Where a predicted step's time goes.
  func timeBreakdown() -> String {
    let t = plan.time
    func share(_ seconds: Double) -> String {
      "\(Units.seconds(seconds)) (\(Units.fixed(seconds / t.stepSeconds * 100, 1))%)"
    }
    var rows: [(String, String)] = [
      (
        "  step",
        "\(Units.seconds(t.stepSeconds)) on \(Terminal.shown(plan.setup.cluster?.name ?? ""))"
      ),
      ("  compute", share(t.computeSeconds)),
      ("  pipeline bubble", share(t.bubbleSeconds)),
      ("  TP communication", share(t.tensorParallelCommSeconds)),
      ("  PP communication", share(t.pipelineCommSeconds)),
      ("  DP communication", share(t.dataParallelCommSeconds)),
      ("  CP communication", share(t.contextParallelCommSeconds)),
    ]
    if plan.setup.layout.expertParallel > 1 {
      rows.append(("  EP all-to-all", share(t.expertParallelCommSeconds)))
    }
    rows += [
      ("  optimizer step", share(t.optimizerSeconds)),
      ("  host offload", share(t.offloadSeconds)),
    ]
    rows.append(
      (
        "  utilisation",
        "MFU \(Units.fixed(t.mfu * 100, 1))%, HFU \(Units.fixed(t.hfu * 100, 1))%; \(Units.grouped(Int(t.tokensPerSecond.rounded()))) tokens/s"
      ))
    return "\nTime per step (predicted; exposed communication only)\n" + KeyValueList(rows).render()
  }

  func compute() -> [(String, String)] {
    let c = plan.compute
    let s = plan.setup
    var perStep =
      "forward \(Units.scientific(c.forwardPerStep)) + backward \(Units.scientific(c.backwardPerStep))"
    if c.recomputePerStep > 0 { perStep += " + recompute \(Units.scientific(c.recomputePerStep))" }
    perStep +=
      " + AdamW \(Units.scientific(c.optimizerPerStep)) = \(Units.scientific(c.perStep)) FLOP"
    let g = Double(s.numGPUs)
    var rows: [(String, String)] = [
      ("  per step", perStep),
      (
        "  per GPU per step",
        "model \(Units.scientific(c.modelPerStep / g)) FLOP, hardware \(Units.scientific(c.perStep / g)) FLOP (with recomputation)"
      ),
      ("  run", "\(Units.scientific(c.total)) FLOP"),
      (
        "  training time",
        plan.time.model == .predicted
          ? "\(Units.days(c.trainingDays)) on \(s.numGPUs) GPU\(s.numGPUs == 1 ? "" : "s"): \(Units.grouped(s.steps)) steps × the predicted \(Units.seconds(plan.time.stepSeconds))"
          : "\(Units.days(c.trainingDays)) on \(s.numGPUs) GPU\(s.numGPUs == 1 ? "" : "s") at \(Units.tflops(c.peakFLOPS)) \(s.precision.format.rawValue) × MFU \(Units.trimmed(s.mfu))"
      ),
      ("  GPU-hours", Units.fixed(c.gpuHours, 1)),
    ]
    rows.append(
      (
        "  cost",
        c.cost.map {
          "\(Units.dollars($0)) at \(Units.dollars(plan.hardware.pricePerHour ?? 0)) per GPU-hour"
        } ?? "- (no price saved for this GPU: gpu add --price-per-hour)"
      ))
    rows.append(
      (
        "  energy",
        c.energyKWh.map {
          "\(Units.fixed($0, 0)) kWh at \(Units.trimmed(plan.hardware.powerWatts ?? 0)) W per GPU"
        } ?? "- (no board power saved for this GPU)"
      ))
    return rows
  }
}
