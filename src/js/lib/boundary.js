// The JS side of the wasm boundary: a caller's plain data goes in as JSON
// text, and the core's answers come back as JSON text, { ok } or { error }.
import { KlingExtendError, invalid } from "./error.js";

/** Nesting deeper than this is refused (and cycles end). */
const MAX_DEPTH = 32;

/**
 * `value` as JSON text, `undefined` written as null (absent). Non-finite
 * numbers are written as NaN / Infinity tokens, which the core's reader takes
 * from here so that its own rules name the field; anything else that is not
 * data is refused here, by its path (`request.prompt`, `prompts[2]`).
 */
export function toJson(value, field, depth = 0) {
  switch (typeof value) {
    case "undefined":
      return "null";
    case "boolean":
      return value ? "true" : "false";
    case "number":
      return Number.isFinite(value) ? JSON.stringify(value) : String(value);
    case "string":
      return JSON.stringify(value);
    case "object":
      if (value === null) return "null";
      if (depth >= MAX_DEPTH) throw invalid(field, "is nested too deeply");
      if (Array.isArray(value)) {
        return `[${Array.from(value, (item, i) => toJson(item, `${field}[${i}]`, depth + 1))}]`;
      }
      return `{${Object.entries(value).map(([key, item]) => `${JSON.stringify(key)}:${toJson(item, field ? `${field}.${key}` : key, depth + 1)}`)}}`;
  }
  throw invalid(field, "must be plain data (strings, numbers, booleans, arrays, objects)");
}

/** The result of a core call, or its error thrown as a KlingExtendError. */
export function answer(text) {
  const { ok, error } = JSON.parse(text);
  if (error) throw new KlingExtendError(error);
  return ok;
}

/** Whether this is a page, where a key would be visible to every visitor. */
export const inBrowser = () => "window" in globalThis && "document" in globalThis;
