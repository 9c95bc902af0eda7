import ArgumentParser

/// An enumeration taken by its raw name on the command line (`--attention flash`), with the
/// values and help text swift-argument-parser's own `CaseIterable & RawRepresentable` defaults
/// give, computed here instead. Those defaults map `allCases` through a key path in generic
/// code the compiler cannot specialise across modules, about 60,000 instructions a call, and
/// the parser asks every such option for its values several times a parse (issue 17: about
/// 4 M of `fit`'s instructions). Public because the planner's public enumerations conform.
public protocol EnumArgument: ExpressibleByArgument, CaseIterable, RawRepresentable<String> {}

extension EnumArgument {
  public static var allValueStrings: [String] { allCases.map { $0.rawValue } }

  /// The parser lists a value's description only where it differs from its name: never here.
  public static var allValueDescriptions: [String: String] { [:] }

  public var defaultValueDescription: String { rawValue }
}
