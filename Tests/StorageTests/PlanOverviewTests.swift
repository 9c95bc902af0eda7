import Foundation
import Planner
import TestSupport
import Testing

@testable import Storage

/// The SQL aggregates of a report against the same figures computed from every decoded plan.
@Suite struct PlanOverviewTests {
  let db: TestDatabase
  let store: Store
  let sweepID: Int

  /// A small sweep: 4 shapes × 3 GPUs (one without a price) × 3 micro-batches × 2 GPU counts.
  init() throws {
    db = try TestDatabase()
    store = try db.open()
    let writer = try store.beginSweep(arguments: "{}", planned: 72, chunkSize: 10)
    sweepID = writer.sweepID
    for model in ["seed-gpt2-small", "seed-gpt2-medium", "seed-gpt2-large", "seed-gpt2-xl"] {
      for gpu in ["a100-80gb", "h100-sxm", "t4"] {
        for b in [1, 4, 16] {
          for g in [1, 8] {
            let setup = TrainingSetup(microBatchSize: b, numGPUs: g, zeroStage: 3)
            guard
              let plan = try? Planner.plan(
                model: try store.model(named: model).config,
                hardware: try store.gpu(named: gpu).profile, setup: setup)
            else { continue }
            try writer.add(plan)
          }
        }
      }
    }
    try writer.commit()
    try store.finishSweep(sweepID, status: .complete)
    // A plan outside the sweep, which the sweep's overview must not count.
    try store.insertPlan(
      try Planner.plan(
        model: try store.model(named: "gpt2-xl").config,
        hardware: try store.gpu(named: "h100-sxm").profile, setup: TrainingSetup()))
  }

  @Test func densityCountsEveryPlanOnceInItsBin() throws {
    let o = try store.planOverview(PlanFilter(sweep: sweepID), xBins: 8, yBins: 6)
    let plans = try store.plans(PlanFilter(sweep: sweepID))
    #expect(o.planCount == plans.count)
    #expect(o.fittingCount == plans.filter(\.plan.fits).count)
    #expect(o.density.reduce(0) { $0 + $1.count } == plans.count)
    #expect(o.density.reduce(0) { $0 + $1.fitting } == o.fittingCount)
    for p in plans {
      let x = o.xBin(Double(p.plan.parameters))
      let y = PlanOverview.bin(log10(p.plan.compute.trainingDays), o.logDays, o.yBins)
      #expect(o.density.contains { $0.gpu == p.plan.hardware.name && $0.x == x && $0.y == y })
    }
    // SQLite's log10 may differ from the C library's in the last place.
    let smallest = log10(Double(plans.map(\.plan.parameters).min()!))
    #expect(abs(o.logParameters.lowerBound - smallest) < 1e-12)
  }

  @Test func frontIsEveryUndominatedPricedFittingPlanPerBin() throws {
    let o = try store.planOverview(PlanFilter(sweep: sweepID), xBins: 8, yBins: 6)
    let candidates = try store.plans(PlanFilter(sweep: sweepID)).filter {
      $0.plan.fits && $0.plan.compute.cost != nil
    }
    #expect(o.pricedFittingCount == candidates.count)
    let expected = candidates.filter { a in
      let bin = o.xBin(Double(a.plan.parameters))
      return !candidates.contains { b in
        b.id != a.id && o.xBin(Double(b.plan.parameters)) == bin
          && b.plan.compute.trainingDays <= a.plan.compute.trainingDays
          && b.plan.compute.cost! <= a.plan.compute.cost!
          && (b.plan.compute.trainingDays < a.plan.compute.trainingDays
            || b.plan.compute.cost! < a.plan.compute.cost! || b.id < a.id)
      }
    }
    #expect(Set(o.front.map(\.id)) == Set(expected.map(\.id)))
    #expect(!o.front.isEmpty)
    #expect(!o.front.contains { $0.gpu == "t4" })  // no price: never on the front
  }

  @Test func extremesAreTheFastestCheapestAndLargestPerGPU() throws {
    let o = try store.planOverview(PlanFilter(sweep: sweepID))
    let fitting = try store.plans(PlanFilter(sweep: sweepID)).filter(\.plan.fits)
    let fastest = fitting.min { $0.plan.compute.trainingDays < $1.plan.compute.trainingDays }!
    #expect(
      o.extremes.first { $0.label == "fastest plan that fits" }?.plan.days
        == fastest.plan.compute.trainingDays)
    let cheapest = fitting.compactMap(\.plan.compute.cost).min()
    #expect(o.extremes.first { $0.label == "cheapest plan that fits" }?.plan.cost == cheapest)
    for gpu in Set(fitting.map(\.plan.hardware.name)) {
      let largest = fitting.filter { $0.plan.hardware.name == gpu }.map(\.plan.parameters).max()
      #expect(
        o.extremes.first { $0.label == "largest model that fits on \(gpu)" }?.plan.parameters
          == largest)
    }
  }

  @Test func anEmptySelectionHasNothing() throws {
    let o = try store.planOverview(PlanFilter(model: "no-such-model"))
    #expect(o.planCount == 0 && o.density.isEmpty && o.front.isEmpty && o.extremes.isEmpty)
  }

  @Test func planIDsSelectExactlyThosePlans() throws {
    let some = try store.plans(PlanFilter(sweep: sweepID, limit: 3)).map(\.id)
    var f = PlanFilter()
    f.ids = some + [999_999]
    #expect(try store.plans(f).map(\.id) == some)
    #expect(try store.countPlans(f) == 3)
  }
}
