// What every kling-extend/quote entry shares: the calculator's wasm build
// (cargo's default features off: a few KB instead of the whole client's)
// bound for lib/quote.js. The build bundles each entry into one module with
// this file, the glue and the lib/ code they use, so the entry's lib/wasm.js
// binding is its own even next to the main entry's.
import { __wbg_reset_state, asks, initSync, price, priceValue } from "./kling_extend.js";
import { toJson } from "../lib/boundary.js";
import { bind } from "../lib/wasm.js";

/** Instantiates the build from `module`: compiled, or bytes where compiling them synchronously is allowed. */
export function start(module) {
  initSync({ module });
  // This build has no JSON parser: what the fast path declines crosses as tokens.
  bind({ __wbg_reset_state, asks, initSync, price, priceValue, encode: toTokens });
}

/**
 * `value` as the core's tokens (src/wasm/calculator.rs): checked by toJson
 * and read back by JSON.parse, so it is exactly the value the other builds
 * parse from that text (-0 as 0, undefined as null). Each value is a tag,
 * then a number; a text (its length, then its code points); or a
 * list's or object's length, then its items or key–value pairs.
 */
const toTokens = (value, name) => tokens(JSON.parse(toJson(value, name)));

function tokens(value) {
  switch (typeof value) {
    case "boolean":
      return [value ? 2 : 1];
    case "number":
      return [3, value];
    case "string":
      return [4, ...codePoints(value)];
  }
  if (value === null) return [0];
  if (Array.isArray(value)) return [5, value.length, ...value.flatMap(tokens)];
  const members = Object.entries(value);
  return [6, members.length, ...members.flatMap(([key, item]) => [...tokens(key), ...tokens(item)])];
}

export { quote, quoteChain } from "../lib/quote.js";

/** A text's length in code points, then its code points (toJson refused lone surrogates). */
function codePoints(text) {
  const points = Array.from(text, (c) => c.codePointAt(0));
  return [points.length, ...points];
}
