// The JS side of the wasm boundary: a caller's plain data goes in as JSON
// text, and the core's answers come back as JSON text, { ok } or { error };
// the calculator's cross as numbers instead (quote.js).
import { KlingExtendError, invalid } from "./error.js";

/** @typedef {(index: number) => unknown} Take The document the core set aside at `index`. */

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
 * @param {unknown} value
 * @param {string} name
 * @returns {string}
 */
export function toJson(value, name) {
  return write(value, name, "", 0);
}

/**
 * @param {unknown} value
 * @param {string} name
 * @param {string} path where `value` is in the argument, "" at its top
 * @param {number} depth
 * @returns {string}
 */
function write(value, name, path, depth) {
  const field = path || name;
  switch (typeof value) {
    case "undefined":
      return "null";
    case "boolean":
      return value ? "true" : "false";
    case "number":
      if (!Number.isFinite(value)) throw invalid(field, "must be a finite number");
      return JSON.stringify(value);
    case "string":
      return text(value, field);
    case "object":
      if (value === null) return "null";
      if (depth >= MAX_DEPTH) throw invalid(field, "is nested too deeply");
      if (Array.isArray(value)) {
        return `[${Array.from(value, (item, i) => write(item, name, `${field}[${i}]`, depth + 1))}]`;
      }
      return `{${Object.entries(value).map(([key, item]) => {
        const member = path ? `${path}.${key}` : key;
        return `${text(key, member)}:${write(item, name, member, depth + 1)}`;
      })}}`;
  }
  throw invalid(field, "must be plain data (strings, numbers, booleans, arrays, objects)");
}

/**
 * @param {string} value
 * @param {string} field
 */
function text(value, field) {
  if (LONE_SURROGATE.test(value)) throw invalid(field, "must be valid Unicode text (it has a lone surrogate)");
  return JSON.stringify(value);
}

/**
 * `value`, refused by `field` if it has a lone surrogate: a delivery's text,
 * which may be megabytes, checked natively where the runtime can.
 * @param {string} value
 * @param {string} field
 */
export function unicode(value, field) {
  // isWellFormed is ES2024, newer than the library's target.
  if (!(/** @type {{ isWellFormed?: () => boolean }} */ (/** @type {unknown} */ (value)).isWellFormed?.() ?? !LONE_SURROGATE.test(value))) throw invalid(field, "must be valid Unicode text (it has a lone surrogate)");
  return value;
}

/**
 * The result of a core call, or its error thrown as a KlingExtendError;
 * `take(i)`: the document the call set aside at `i` (see withJobs).
 * @param {string} text
 * @param {Take} [take] needed by the answers that hold a job
 */
export function answer(text, take) {
  const { ok, error } = JSON.parse(text);
  if (error) throw new KlingExtendError(withJobs(error, take));
  return withJobs(ok, take);
}

/**
 * Makes `raw` of each job in a core answer: the answer itself, its items
 * (a chain's jobs), or its `job` (an error's, a step's). The core passes a
 * document on as the text it came as (`rawText`): in the server build set
 * aside, its index for `take`, which hands it over once; in a page's, the
 * text itself; or, when it is `body` as received (a call's step), `true`,
 * and nothing crosses. `raw` is parsed from it when first read, so a large
 * document costs no parse until then, and one.
 * @template T
 * @param {T} value the core's JSON
 * @param {Take} [take] needed by the answers that hold a job
 * @param {Uint8Array} [body]
 * @returns {T}
 */
export function withJobs(value, take, body) {
  /** @param {any} job */
  const withRaw = (job) => {
    const at = job?.rawText;
    if (at === undefined) return;
    // The document's text, or the bytes of the body as received.
    let source = at === true ? body : typeof at === "number" ? /** @type {Take} */ (take)(at) : at;
    delete job.rawText;
    // Parsed once and kept here, not redefined on the job, so a job the
    // caller froze (Immer, Redux) still reads; the source goes with the parse.
    /** @type {{ raw: unknown } | undefined} */
    let parsed;
    const parse = () => {
      const raw = JSON.parse(typeof source === "string" ? source : new TextDecoder().decode(source));
      source = undefined;
      return { raw };
    };
    const get = () => (parsed ??= parse()).raw;
    /** @param {unknown} raw */
    const set = (raw) => Object.defineProperty(job, "raw", { value: raw, enumerable: true, configurable: true, writable: true });
    Object.defineProperty(job, "raw", { get, set, enumerable: true, configurable: true });
  };
  if (Array.isArray(value)) value.forEach(withRaw);
  else if (typeof value === "object" && value !== null) withRaw(value), withRaw(/** @type {any} */ (value).job);
  return value;
}

/** Whether this is a page, where a key would be visible to every visitor. */
export const inBrowser = () => "window" in globalThis && "document" in globalThis;
