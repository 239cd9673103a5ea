// A tiny assertion helper that runs unchanged in Node, browsers and workerd:
// no Node APIs, no dependencies. Every failure throws an AssertionError whose
// message shows what was expected and what was got.

export class AssertionError extends Error {
  constructor(message) {
    super(message);
    this.name = "AssertionError";
  }
}

/** A short, safe rendering of any value for failure messages. */
export function show(value) {
  if (value === undefined) return "undefined";
  if (typeof value === "number" && !Number.isFinite(value)) return String(value);
  if (typeof value === "bigint") return `${value}n`;
  if (typeof value === "function") return `[function ${value.name || "anonymous"}]`;
  if (value instanceof Error) {
    const extra = safeJson(value);
    return `${value.name}: ${value.message}${extra && extra !== "{}" ? ` ${extra}` : ""}`;
  }
  const text = safeJson(value);
  return text.length > 600 ? `${text.slice(0, 600)}…` : text;
}

function safeJson(value) {
  const seen = new WeakSet();
  try {
    return JSON.stringify(value, (_key, v) => {
      if (v === undefined) return "[undefined]";
      if (typeof v === "number" && !Number.isFinite(v)) return String(v);
      if (typeof v === "bigint") return `${v}n`;
      if (typeof v === "object" && v !== null) {
        if (seen.has(v)) return "[circular]";
        seen.add(v);
      }
      return v;
    }) ?? String(value);
  } catch {
    return String(value);
  }
}

const label = (message) => (message ? `${message}: ` : "");

export function fail(message) {
  throw new AssertionError(message);
}

export function ok(value, message = "expected a truthy value") {
  if (!value) fail(`${message} (got ${show(value)})`);
}

/** Strict equality (Object.is, so NaN equals NaN and 0 differs from -0). */
export function equal(actual, expected, message) {
  if (!Object.is(actual, expected)) {
    fail(`${label(message)}expected ${show(expected)}, got ${show(actual)}`);
  }
}

export function notEqual(actual, unexpected, message) {
  if (Object.is(actual, unexpected)) fail(`${label(message)}expected anything but ${show(unexpected)}`);
}

/** Structural equality of plain data: same keys (undefined-valued keys count as absent), same values. */
export function deepEqual(actual, expected, message) {
  const where = diff(actual, expected, "");
  if (where !== null) {
    fail(`${label(message)}values differ at ${where || "(root)"}\n  expected ${show(expected)}\n  got      ${show(actual)}`);
  }
}

function diff(a, b, path) {
  if (Object.is(a, b)) return null;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return path;
  if (Array.isArray(a) !== Array.isArray(b)) return path;
  if (Array.isArray(a)) {
    if (a.length !== b.length) return `${path}.length`;
    for (let i = 0; i < a.length; i++) {
      const d = diff(a[i], b[i], `${path}[${i}]`);
      if (d !== null) return d;
    }
    return null;
  }
  const keys = (o) => Object.keys(o).filter((k) => o[k] !== undefined).sort();
  const ka = keys(a);
  const kb = keys(b);
  if (ka.join("\u0000") !== kb.join("\u0000")) {
    const missing = kb.filter((k) => !ka.includes(k));
    const extra = ka.filter((k) => !kb.includes(k));
    return `${path || "(root)"} keys (missing ${show(missing)}, unexpected ${show(extra)})`;
  }
  for (const k of ka) {
    const d = diff(a[k], b[k], `${path}.${k}`);
    if (d !== null) return d;
  }
  return null;
}

export function match(text, pattern, message) {
  if (typeof text !== "string" || !pattern.test(text)) {
    fail(`${label(message)}expected a string matching ${pattern}, got ${show(text)}`);
  }
}

export function includes(haystack, needle, message) {
  if (typeof haystack !== "string" || !haystack.includes(needle)) {
    fail(`${label(message)}expected ${show(haystack)} to contain ${show(needle)}`);
  }
}

export function notIncludes(haystack, needle, message) {
  if (typeof haystack === "string" && haystack.includes(needle)) {
    fail(`${label(message)}expected ${show(haystack)} not to contain ${show(needle)}`);
  }
}

export function atLeast(actual, min, message) {
  if (!(typeof actual === "number" && actual >= min)) fail(`${label(message)}expected >= ${min}, got ${show(actual)}`);
}

export function atMost(actual, max, message) {
  if (!(typeof actual === "number" && actual <= max)) fail(`${label(message)}expected <= ${max}, got ${show(actual)}`);
}

export function between(actual, min, max, message) {
  if (!(typeof actual === "number" && actual >= min && actual <= max)) {
    fail(`${label(message)}expected between ${min} and ${max}, got ${show(actual)}`);
  }
}

/** Calls `fn`, which must throw synchronously; returns what it threw. */
export function throws(fn, message = "expected the call to throw") {
  let result;
  try {
    result = fn();
  } catch (error) {
    return error;
  }
  fail(`${message}, but it returned ${show(result)}`);
}

/**
 * Calls `fn`, which must return a promise that rejects (a synchronous throw
 * fails: async APIs must reject); resolves with the rejection reason.
 */
export async function rejects(fn, message = "expected the call to reject") {
  let pending;
  try {
    pending = fn();
  } catch (error) {
    fail(`${message}, but it threw synchronously instead of rejecting: ${show(error)}`);
  }
  if (!pending || typeof pending.then !== "function") fail(`${message}, but it returned ${show(pending)}, not a promise`);
  let value;
  try {
    value = await pending;
  } catch (error) {
    return error;
  }
  fail(`${message}, but it resolved with ${show(value)}`);
}
