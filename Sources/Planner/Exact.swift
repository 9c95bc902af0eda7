/// Exact integer arithmetic that reports overflow as a `PlannerError.tooLarge` instead of
/// trapping: byte and parameter counts are exact integers, and a user may type any size.
struct Exact {
  /// What is being computed, for the error message.
  let quantity: String

  func add(_ a: Int, _ b: Int) throws -> Int {
    let (r, o) = a.addingReportingOverflow(b)
    if o { throw PlannerError.tooLarge(quantity: quantity) }
    return r
  }

  func mul(_ a: Int, _ b: Int) throws -> Int {
    let (r, o) = a.multipliedReportingOverflow(by: b)
    if o { throw PlannerError.tooLarge(quantity: quantity) }
    return r
  }

  func sum(_ terms: [Int]) throws -> Int { try terms.reduce(0) { try add($0, $1) } }
  func product(_ factors: Int...) throws -> Int { try factors.reduce(1) { try mul($0, $1) } }
}

/// ceil(a / b) for a ≥ 0, b > 0, without overflow.
func ceilDiv(_ a: Int, _ b: Int) -> Int { a / b + (a % b == 0 ? 0 : 1) }
