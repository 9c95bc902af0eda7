/// The page's one inline style sheet: light and dark colours through custom properties, a
/// print layout, and the series colours every chart shares. It fetches nothing (no fonts,
/// no images, no `url(…)`), so the file reads the same offline and forever.
enum ReportStyle {
  static let css = """
    :root { --bg: #ffffff; --fg: #1f2328; --muted: #59636e; --grid: #d1d9e0; --capacity: #eef1f4;
      --plot: #fbfcfd; --cell-none: #f3d1cf; --cell-na: #e7e9ec; --stroke: #1f2328; }
    @media (prefers-color-scheme: dark) {
      :root { --bg: #0d1117; --fg: #e6edf3; --muted: #9198a1; --grid: #3d444d; --capacity: #1c2128;
        --plot: #151b23; --cell-none: #5c2b29; --cell-na: #2a3038; --stroke: #f0f6fc; }
    }
    @media print {
      :root { --bg: #ffffff; --fg: #000000; --muted: #444444; --plot: #ffffff; }
      section, svg.chart, tr { break-inside: avoid; }
      body { margin: 0; }
    }
    * { box-sizing: border-box; }
    body { background: var(--bg); color: var(--fg); margin: 24px;
      font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
    h1 { font-size: 22px; margin: 0 0 4px; }
    h2 { font-size: 17px; margin: 28px 0 6px; }
    p, li { max-width: 60rem; }
    .muted, .note { color: var(--muted); }
    code { font-family: ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace; font-size: 13px; }
    svg.chart { display: block; max-width: 100%; height: auto; margin: 8px 0; overflow: visible; }
    svg text { fill: var(--fg); font-size: 12px; }
    svg .chart-title { font-size: 14px; font-weight: 600; }
    svg .tick, svg .legend, svg .muted { fill: var(--muted); font-size: 11px; }
    svg .axis-label { font-size: 12px; font-style: italic; }
    svg .axis { stroke: var(--muted); stroke-width: 1; }
    svg .grid { stroke: var(--grid); stroke-width: 0.5; }
    svg .plot-area { fill: var(--plot); stroke: var(--grid); }
    svg .capacity { fill: var(--capacity); stroke: var(--grid); stroke-width: 0.5; }
    .seg-parameters { fill: #4e79a7; } .seg-gradients { fill: #f28e2b; }
    .seg-optimizer { fill: #b07aa1; } .seg-activations { fill: #59a14f; }
    .seg-reserve { fill: #9c9c9c; opacity: 0.55; }
    .seg-spare { fill: var(--capacity); stroke: var(--grid); }
    .seg-over { fill: #e15759; fill-opacity: 0.35; stroke: #e15759; stroke-width: 1.5; }
    .bar.days { fill: #4e79a7; } .bar.cost { fill: #edc948; }
    .time-0 { fill: #4e79a7; } .time-1 { fill: #bab0ac; } .time-2 { fill: #f28e2b; }
    .time-3 { fill: #e15759; } .time-4 { fill: #76b7b2; } .time-5 { fill: #59a14f; }
    .time-6 { fill: #edc948; } .time-7 { fill: #b07aa1; } .time-8 { fill: #ff9da7; }
    .fit-fits.shade-0 { fill: #c7e9c0; } .fit-fits.shade-1 { fill: #a1d99b; }
    .fit-fits.shade-2 { fill: #74c476; } .fit-fits.shade-3 { fill: #41ab5d; }
    .fit-does-not-fit { fill: var(--cell-none); } .fit-n-a { fill: var(--cell-na); }
    svg .cell-label { fill: #111111; font-size: 12px; }
    svg .fit-n-a + .cell-label { fill: var(--muted); }
    .gpu-0 { fill: #4e79a7; } .gpu-1 { fill: #f28e2b; } .gpu-2 { fill: #e15759; }
    .gpu-3 { fill: #76b7b2; } .gpu-4 { fill: #59a14f; } .gpu-5 { fill: #edc948; }
    .gpu-6 { fill: #b07aa1; } .gpu-7 { fill: #ff9da7; } .gpu-8 { fill: #9c755f; }
    .gpu-9 { fill: #bab0ac; }
    .point { fill-opacity: 0.7; }
    .point.none-fit { fill-opacity: 0.12; stroke-width: 1; stroke: var(--muted); }
    .front-point { fill: none; stroke: var(--stroke); stroke-width: 2; }
    .front-swatch { fill: none; stroke: var(--stroke); stroke-width: 2; }
    table.plans { border-collapse: collapse; font-size: 12px; margin: 8px 0; }
    table.plans th, table.plans td { border-bottom: 1px solid var(--grid); padding: 3px 8px; text-align: right; }
    table.plans th:nth-child(-n+4), table.plans td:nth-child(-n+4) { text-align: left; }
    table.plans thead th { position: sticky; top: 0; background: var(--bg); }
    """
}
