// Small helpers for scripts/bench.mjs: summaries of repeated runs and the
// report's number formats.

export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

export function summary(values) {
  return { median: median(values), min: Math.min(...values), max: Math.max(...values), runs: values.length };
}

/** Digits enough for three significant figures, at most `max` decimals. */
function fixed(x, max = 2) {
  const abs = Math.abs(x);
  const decimals = abs >= 100 ? 0 : abs >= 10 ? Math.min(1, max) : Math.min(2, max);
  return x.toFixed(decimals);
}

/** "1.23 ms (1.10–1.50)" */
export function fmt(values, unit = "", max = 2) {
  const s = summary(values);
  const u = unit ? ` ${unit}` : "";
  return `${fixed(s.median, max)}${u} (${fixed(s.min, max)}–${fixed(s.max, max)})`;
}

/** Ratios: "0.93× (0.90–0.97)" */
export function fmtRatio(values) {
  const s = summary(values);
  return `${s.median.toFixed(2)}× (${s.min.toFixed(2)}–${s.max.toFixed(2)})`;
}

export const mark = (ok) => (ok ? "PASS" : "MISS");

/** A markdown table with right-aligned columns except the first `left` ones. */
export function table(header, rows, left = 1) {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i]).length)));
  const line = (cells) =>
    `| ${cells.map((c, i) => (i < left ? String(c).padEnd(widths[i]) : String(c).padStart(widths[i]))).join(" | ")} |`;
  const rule = `|${widths.map((w, i) => (i < left ? "-".repeat(w + 2) : `${"-".repeat(w + 1)}:`)).join("|")}|`;
  return [line(header), rule, ...rows.map(line)].join("\n");
}
