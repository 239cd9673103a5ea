// The size budget: everything a page loads at first (the bundled entry and
// the web build's wasm, which the browser tests check is all it loads) must
// fit in BROTLI_BUDGET bytes of brotli. Sizes are deterministic, so this is a
// test; the figures themselves are in BENCHMARKS.md (scripts/bench.sh).
import { test } from "node:test";
import assert from "node:assert/strict";
import { BROTLI_BUDGET, BUILDS, QUOTE_BUDGET, measure } from "../scripts/size.mjs";

test("a page loads at most the budget, in brotli bytes", () => {
  const { rows, total } = measure(BUILDS.browser);
  const detail = rows.map((row) => `${row.name} ${row.brotli}`).join(", ");
  assert.ok(total.brotli <= BROTLI_BUDGET, `${total.brotli} B brotli > ${BROTLI_BUDGET} B budget (${detail})`);
});

test("a page importing kling-extend/quote loads at most its budget, in brotli bytes", () => {
  const { rows, total } = measure(BUILDS.quote);
  const detail = rows.map((row) => `${row.name} ${row.brotli}`).join(", ");
  assert.ok(total.brotli <= QUOTE_BUDGET, `${total.brotli} B brotli > ${QUOTE_BUDGET} B budget (${detail})`);
});
