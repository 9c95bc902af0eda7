import ArgumentParser
import Planner

// The planner's enumerations, taken by name on the command line (`--attention flash`).
extension AttentionKernel: EnumArgument {}
extension FeedForwardKind: EnumArgument {}
extension NormKind: EnumArgument {}
extension BiasKind: EnumArgument {}
extension PositionalKind: EnumArgument {}
extension AccountingMethod: EnumArgument {}
