// A network call: the core's Task for one API function, performed by the
// driver, with the options split into data (for the core) and hooks (for
// the driver). Shared by the API (api.js) and the Workflows entry.
import { inBrowser, toJson } from "./boundary.js";
import { drive } from "./driver.js";
import { invalid, unreadableSignal } from "./error.js";
import { environment, wasm } from "./wasm.js";

/** The options that are not data: they stay in JS, for the driver. */
const HOOKS = new Set(["fetch", "onUpdate", "onStep", "onSubmitted", "onProgress"]);
const LOG_METHODS = ["debug", "info", "warn", "error"];

/**
 * Runs the core's `kind` Task on `args` (JSON texts) and the options' data,
 * with random bytes for its retries' jitter and its submits' idempotency keys.
 */
export function task(kind, args, options) {
  const [data, hooks] = split(options);
  const json = `[${args},${toJson(data, "")}]`;
  const env = toJson(environment(), "environment");
  return drive(() => new wasm.Task(kind, json, inBrowser(), env, entropy()), hooks);
}

/**
 * 24 random bytes per call, from a pool one `getRandomValues` fills for 64
 * calls: in Node, entering the platform's random source took ≈ 12 µs of a
 * 58 µs call (BENCHMARKS.md), far more than the bytes.
 */
const pool = new Uint8Array(64 * 24);
let drawn = 0;

function entropy() {
  if (!(drawn %= pool.length)) crypto.getRandomValues(pool);
  return pool.subarray(drawn, (drawn += 24));
}

export const isRecord = (value) => typeof value === "object" && value !== null && !Array.isArray(value);

/** The options' data (for the core) and their hooks (for the driver), each checked. */
export function split(options) {
  const data = {};
  // How long a hook may hold the call: the whole wait's (waitTimeoutMs, checked by the core).
  const hooks = { log: log(console), patience: options?.waitTimeoutMs ?? 600_000 };
  if (options === undefined || options === null) return [data, hooks];
  if (!isRecord(options)) throw invalid("options", "must be an object");
  for (const [key, value] of Object.entries(options)) {
    if (value === undefined) continue;
    if (HOOKS.has(key)) {
      if (typeof value !== "function") throw invalid(key, "must be a function");
      hooks[key] = value;
    } else if (key === "signal") {
      hooks.signal = signal(value);
    } else if (key === "logger") {
      hooks.log = log(logger(value));
    } else {
      data[key] = value;
    }
  }
  return [data, hooks];
}

/** `value` if it has a logger's four methods; reading them must not throw. */
function logger(value) {
  let shaped;
  try {
    shaped = LOG_METHODS.every((method) => typeof value?.[method] === "function");
  } catch {
    // A Proxy whose trap throws is no logger either.
  }
  if (!shaped) throw invalid("logger", "must have debug, info, warn and error functions, as console does");
  return value;
}

/** `value` if it is shaped like an AbortSignal (polyfills included); reading it must not throw. */
function signal(value) {
  let shaped;
  try {
    shaped = typeof value?.aborted === "boolean" && typeof value.addEventListener === "function";
  } catch (error) {
    throw unreadableSignal(error);
  }
  if (!shaped) throw invalid("signal", "must be an AbortSignal");
  return value;
}

/**
 * The core's log lines (it sends them only at the level asked for) to
 * `logger`. A logger that throws, or whose promise rejects, cannot change
 * how the call ends, nor crash the process with an unhandled rejection.
 */
const log =
  (logger) =>
  ({ level, message }) => {
    try {
      const result = logger[level](`[kling-extend] ${message}`);
      if (typeof result?.then === "function") result.then(undefined, () => {});
    } catch {
      // Logging is a side channel.
    }
  };
