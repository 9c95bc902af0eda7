import ArgumentParser

#if canImport(FoundationEssentials)
  import FoundationEssentials
#else
  import Foundation
#endif

/// `--color auto|always|never`, on the commands that draw (`plan`, `fit`).
struct ColorOptions: ParsableArguments {
  enum Choice: String, EnumArgument { case auto, always, never }

  @Option(
    name: .customLong("color"),
    help: ArgumentHelp(
      "Colour and bars: auto (on a terminal, without NO_COLOR), always, or never.",
      valueName: "auto|always|never"))
  var color: Choice = .auto

  var style: TerminalStyle {
    TerminalStyle(
      color, isTerminal: Terminal.isStandardOutput,
      environment: ProcessInfo.processInfo.environment)
  }
}

/// What the output may draw. Piped output gets neither unless asked (`--color always`), so
/// scripts keep the bytes they had.
struct TerminalStyle: Equatable {
  /// Memory bars (plain glyphs, readable without colour).
  var bars: Bool
  /// ANSI colours.
  var colour: Bool

  static let plain = TerminalStyle(bars: false, colour: false)

  init(bars: Bool, colour: Bool) {
    self.bars = bars
    self.colour = colour
  }

  /// NO_COLOR (https://no-color.org, any non-empty value) turns colour off under auto; an
  /// explicit `--color always` still wins, as the flag is the later, narrower choice.
  init(_ choice: ColorOptions.Choice, isTerminal: Bool, environment: [String: String]) {
    let noColor = !(environment["NO_COLOR"] ?? "").isEmpty
    switch choice {
    case .auto: self.init(bars: isTerminal, colour: isTerminal && !noColor)
    case .always: self.init(bars: true, colour: true)
    case .never: self.init(bars: isTerminal, colour: false)
    }
  }

  /// `text` in an SGR colour (e.g. "32" green), or as is without colour.
  func paint(_ text: String, _ sgr: String) -> String {
    colour && !text.isEmpty ? "\u{1B}[\(sgr)m\(text)\u{1B}[0m" : text
  }
}
