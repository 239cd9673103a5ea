// The JS side of the wasm boundary: a caller's plain data goes in as JSON
// text, and the core's answers come back as JSON text, { ok } or { error };
// the calculator's cross as numbers instead (quote.js).
import { KlingExtendError, invalid } from "./error.js";

/** Nesting deeper than this is refused (and cycles end). */
const MAX_DEPTH = 32;

/** A UTF-16 surrogate without its pair: no UTF-8 text can hold it. */
const LONE_SURROGATE = /\p{Cs}/u;

/**
 * `value`, the argument called `name`, as JSON text; `undefined` is written
 * as null (absent). What JSON cannot carry exactly is refused here by the
 * name the core gives that field: a top-level object's members bare
 * (`seconds`), nested ones dotted (`rates.720p`), list items indexed
 * (`prompts[2]`): non-finite numbers, text with lone surrogates, and
 * anything that is not data.
 */
export function toJson(value, name) {
  // The members and indexes down to the value being written: its field
  // name is made only when something is refused (a million-item list would
  // otherwise cost a million names).
  const path = [];
  const field = () => path.reduce((at, step) => (typeof step === "number" ? `${at || name}[${step}]` : at ? `${at}.${step}` : step), "");
  const fail = (why) => invalid(field() || name, why);
  const write = (value) => {
    switch (typeof value) {
      case "undefined":
        return "null";
      case "boolean":
        return value ? "true" : "false";
      case "number":
        if (!Number.isFinite(value)) throw fail("must be a finite number");
        return JSON.stringify(value);
      case "string":
        if (!wellFormed(value)) throw fail(LONE);
        return JSON.stringify(value);
      case "object":
        if (value === null) return "null";
        if (path.length >= MAX_DEPTH) throw fail("is nested too deeply");
        return Array.isArray(value) ? list(value) : members(value);
    }
    throw fail("must be plain data (strings, numbers, booleans, arrays, objects)");
  };
  const list = (items) => {
    let out = "[";
    for (let i = 0; i < items.length; i++) {
      path.push(i);
      out += (i ? "," : "") + write(items[i]);
      path.pop();
    }
    return `${out}]`;
  };
  const members = (object) => {
    let out = "{";
    for (const key of Object.keys(object)) {
      path.push(key);
      if (!wellFormed(key)) throw fail(LONE);
      out += `${out.length > 1 ? "," : ""}${JSON.stringify(key)}:${write(object[key])}`;
      path.pop();
    }
    return `${out}}`;
  };
  return write(value);
}

const LONE = "must be valid Unicode text (it has a lone surrogate)";

/** Whether `text` has no lone surrogate, which no UTF-8 text can hold. */
const wellFormed = (text) => text.isWellFormed?.() ?? !LONE_SURROGATE.test(text);

/** `value`, refused by `field` if it has a lone surrogate. */
export function unicode(value, field) {
  if (!wellFormed(value)) throw invalid(field, LONE);
  return value;
}

/**
 * The result of a core call, or its error thrown as a KlingExtendError;
 * `take(i)`: the document the call set aside at `i` (see withJobs).
 */
export function answer(text, take) {
  const { ok, error } = JSON.parse(text);
  if (error) throw new KlingExtendError(withJobs(error, take));
  return withJobs(ok, take);
}

/**
 * Makes `raw` of each job in a core answer: the answer itself, its items
 * (a chain's jobs), or its `job` (an error's, a step's). The core passes a
 * document on as the text it came as, set aside (`rawText`: its index for
 * `take`, which hands its UTF-8 bytes over once); `raw` is parsed from them
 * when first read, so a large document costs nothing until then, and once.
 */
export function withJobs(value, take) {
  const withRaw = (job) => {
    if (typeof job?.rawText !== "number") return;
    const bytes = take(job.rawText);
    delete job.rawText;
    const settle = (raw) => (Object.defineProperty(job, "raw", { value: raw, enumerable: true, configurable: true, writable: true }), raw);
    Object.defineProperty(job, "raw", { get: () => settle(JSON.parse(new TextDecoder().decode(bytes))), set: settle, enumerable: true, configurable: true });
  };
  if (Array.isArray(value)) value.forEach(withRaw);
  else if (typeof value === "object" && value !== null) withRaw(value), withRaw(value.job);
  return value;
}

/** Whether this is a page, where a key would be visible to every visitor. */
export const inBrowser = () => "window" in globalThis && "document" in globalThis;
