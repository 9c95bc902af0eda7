import ArgumentParser
import Planner

// The planner's enumerations, taken by name on the command line (`--attention flash`).
extension AttentionKernel: ExpressibleByArgument {}
extension FeedForwardKind: ExpressibleByArgument {}
extension NormKind: ExpressibleByArgument {}
extension BiasKind: ExpressibleByArgument {}
extension PositionalKind: ExpressibleByArgument {}
extension AccountingMethod: ExpressibleByArgument {}
