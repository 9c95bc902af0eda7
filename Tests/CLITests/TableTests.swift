import Testing

@testable import CLI

/// A table piped to another program: one tab-separated line per row, whatever its cells hold.
@Suite struct TableTests {
  @Test func pipedRowsKeepCellsAndBreakNoLine() {
    var table = Table(["model", "source"])
    table.append(["gpt2-xl", "HF\tconfig\nline two\r\nthree"])
    table.append(["qwen–moe ✓", "plain"])
    let text = table.render(aligned: false)
    #expect(
      text
        == "model\tsource\ngpt2-xl\tHF config line two\r three\nqwen–moe ✓\tplain\n")
  }

  /// The common case, a cell without a tab or a newline, is the cell itself.
  @Test func plainLeavesOrdinaryCellsAlone() {
    for cell in ["", "7", "none", "yes 61.2", "naïve ü 😀", "a\u{301}"] {
      #expect(Table.plain(cell) == cell)
    }
    #expect(Table.plain("\t") == " ")
    #expect(Table.plain("a\nb") == "a b")
  }
}
