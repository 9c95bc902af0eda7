import ArgumentParser
import Planner
import Storage

/// `trainplan plan MODEL GPU …`
struct PlanCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "plan",
    abstract: "Plan training a saved model on a saved GPU, and save the plan.",
    discussion: "Without --batch-size it plans at the largest micro-batch that fits, and says so.")

  @OptionGroup var store: StoreOptions
  @OptionGroup var output: OutputOptions
  @OptionGroup var color: ColorOptions
  @OptionGroup var options: SetupOptions
  @OptionGroup var runOptions: RunOptions
  @OptionGroup var fineTuning: FineTuningOptions
  @OptionGroup var layout: LayoutOptions

  @Argument(
    help: "A saved model config's name (see `trainplan model list`).",
    completion: NameCompletion.models)
  var model: String
  @Argument(
    help: "A saved GPU's name (see `trainplan gpu list`); with --cluster, the cluster's.",
    completion: NameCompletion.gpus)
  var gpu: String?

  @Flag(name: .customLong("no-save"), help: "Compute and print without saving the plan.")
  var noSave = false
  @Flag(name: .customLong("components"), help: "Break the activations down by component.")
  var components = false

  func run() throws {
    var setup = try options.setup(runOptions, fineTuning, layout)
    let store = try store.open()
    setup.cluster = try runOptions.cluster(in: store)
    let hardware = try self.hardware(setup.cluster, store)
    let plan = try Planner.plan(
      model: try store.model(named: model).config, hardware: hardware, setup: setup)
    let saved = noSave ? nil : try store.insertPlan(plan)
    let advice = PlanAdvice(plan: plan, setup: setup)
    if output.json {
      let json = RecordJSON.plan(
        plan, id: saved?.id, createdAt: saved?.createdAt ?? Timestamp.now(), uuid: saved?.uuid,
        origin: saved?.origin, fresh: true,
        advice: advice)
      print(json.text(pretty: true))
    } else {
      print(
        PlanReport(
          plan: plan, id: saved?.id, components: components, advice: advice, style: color.style
        ).render(),
        terminator: "")
    }
    if let saved { try flush(saved: saved.id) }
  }

  /// The GPU argument's, or the cluster's (the argument may then be left out or must agree).
  func hardware(_ cluster: ClusterProfile?, _ store: Store) throws -> HardwareProfile {
    guard let cluster else {
      guard let gpu else { throw CLIError("name a GPU, or a cluster with --cluster") }
      return try store.gpu(named: gpu).profile
    }
    if let gpu, gpu != cluster.gpu.name {
      throw CLIError(
        "GPU \(gpu) is not the GPU of cluster \(cluster.name) (\(cluster.gpu.name)); leave it out or name \(cluster.gpu.name)"
      )
    }
    return cluster.gpu
  }

  /// The plan is saved before it is printed (its id is part of the output): when printing
  /// fails, stderr still says where it went.
  func flush(saved id: Int) throws {
    do {
      try StandardStreams.flushOutput()
    } catch let error as StandardStreams.BrokenPipe {
      StandardStreams.writeError(
        "trainplan: standard output is a broken pipe; saved as plan \(id)\n")
      throw error
    } catch {
      throw CLIError("\(CLIError(error).description); the plan was saved as plan \(id)")
    }
  }
}
