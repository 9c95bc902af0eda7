/// The range every floating-point input (peak FLOP/s, MFU, price, power) must lie in so that
/// every figure derived from it stays a normal double: no overflow to infinity, no underflow
/// to zero or to a denormal. It is a bound of the arithmetic, not of plausibility.
///
/// Why 10⁻⁶⁰…10⁶⁰ of the unit a user types (TFLOP/s, dollars, watts; FLOP/s 10⁻⁴⁸…10⁷²):
/// integer inputs stay below 2⁶³ ≈ 9.2·10¹⁸, so a run's FLOPs lie in [1, 10⁵⁸]; the
/// denominator of the training time, G × peak × MFU × 86,400, then lies in [10⁻¹⁰³, 10⁹⁶], the
/// days in [10⁻¹¹⁵, 10¹⁶²], and GPU-hours times a price or a power in [10⁻¹⁷⁵, 10²⁴³] — all
/// well inside the normal doubles (2.2·10⁻³⁰⁸ … 1.8·10³⁰⁸).
public enum ExactRange {
  public static let smallest = 1e-60
  public static let largest = 1e60
  public static let smallestText = "1e-60"
  public static let largestText = "1e60"
  static let why = " (beyond it the training time, cost or energy would overflow or underflow)"

  /// Checks `value`, typed in `unit` (the stored value divided by `scale`), against the range;
  /// zero passes when `zeroAllowed`.
  public static func check(
    _ value: Double, _ field: Field, scale: Double = 1, unit: String = "",
    zeroAllowed: Bool = false
  ) throws {
    let typed = value / scale
    if typed >= smallest && typed <= largest || typed == 0 && zeroAllowed { return }
    // Only a refusal shows the value: writing a double is most of a valid check's cost.
    let shown = trimmedText(typed)
    if !value.isFinite { throw PlannerError.notFinite(field, shown) }
    if typed < 0 { throw PlannerError.negative(field, shown) }
    if typed == 0 { throw PlannerError.notPositive(field, shown) }
    throw PlannerError.outOfRange(
      field, shown,
      rule:
        "must be between \(smallestText) and \(largestText)\(unit)\(zeroAllowed ? " or 0" : "")\(why)"
    )
  }

  static func trimmedText(_ value: Double) -> String {
    value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : String(value)
  }
}
