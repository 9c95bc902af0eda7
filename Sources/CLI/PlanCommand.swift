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

  @Argument(
    help: "A saved model config's name (see `trainplan model list`).",
    completion: NameCompletion.models)
  var model: String
  @Argument(help: "A saved GPU's name (see `trainplan gpu list`).", completion: NameCompletion.gpus)
  var gpu: String

  @Flag(help: "Compute and print without saving the plan.") var noSave = false
  @Flag(help: "Break the activations down by component.") var components = false

  func run() throws {
    let setup = try options.setup()
    let store = try store.open()
    let (plan, saved) = try reporting {
      let plan = try Planner.plan(
        model: try store.model(named: model).config, hardware: try store.gpu(named: gpu).profile,
        setup: setup)
      return (plan, noSave ? nil : try store.insertPlan(plan))
    }
    let advice = PlanAdvice(plan: plan, setup: setup)
    if output.json {
      let json = RecordJSON.plan(
        plan, id: saved?.id, createdAt: saved?.createdAt ?? Timestamp.now(), fresh: true,
        advice: advice)
      print(json.text(pretty: true))
    } else {
      print(
        PlanReport(
          plan: plan, id: saved?.id, components: components, advice: advice, style: color.style
        ).render(),
        terminator: "")
    }
  }
}
