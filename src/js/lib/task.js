// Network calls: the core's machines, started from options checked once (a
// client's, or one call's) and performed by the driver, with the options
// split into data (for the core) and hooks (for the driver). Shared by the
// API (api.js) and the Workflows entry.
import { answer, inBrowser, toJson } from "./boundary.js";
import { HOOKS as HOOK_NAMES } from "./contract.js";
import { drive } from "./driver.js";
import { invalid, unreadable, unreadableSignal } from "./error.js";
import { intoCore, environment, instance, release, takeRaw, wasm } from "./wasm.js";

/** @typedef {import("./wasm.js").Settings} Settings */

/** The options that are functions: they stay in JS, for the driver. */
const HOOKS = new Set(/** @type {readonly string[]} */ (HOOK_NAMES));
const LOG_METHODS = ["debug", "info", "warn", "error"];
/** What a call's hooks are when its options name none. */
export const DEFAULT_HOOKS = { log: log(console), patience: 600_000 };

/**
 * Checks `options` now (an `invalid_request` KlingExtendError if the core
 * refuses them; the environment, Node's, is read now too) and answers
 * `call(kind, args, own)`, which runs the core's call `kind` on `args` (JSON
 * texts) under them. A call's `own` hooks replace these; its own data is
 * laid over these as they were checked (`overlay`), and the whole checked
 * for that call in the same environment: what the caller changes later
 * changes nothing. A credential neither gives is looked for in the
 * environment again at each call until found (the core's Settings). The
 * core's settings are made again, from the same text, if its instance
 * restarts.
 * @param {unknown} options
 */
export function configure(options) {
  const [data, hooks] = split(options);
  const text = toJson(data, "");
  let env = toJson(environment(), "environment");
  /** @param {string} json */
  const make = (json) => new wasm.Settings(json, inBrowser(), env);
  /** @type {Settings} */
  let settings;
  /** @type {number | undefined} */
  let madeIn;
  /** @type {boolean | undefined} Whether the client's settings still lack a credential the environment may give. */
  let wants;
  const current = () => {
    if (madeIn !== instance) [settings, madeIn, wants] = [make(text), instance, undefined];
    return settings;
  };
  const refusal = intoCore(() => current().refusal(), "checking the options");
  if (refusal !== undefined) answer(refusal, takeRaw);
  const checked = JSON.parse(text);
  /**
   * The first step of `made`'s call `kind` of `args` at `monotonic` and
   * `unix`, once the environment was asked for a credential they still lack.
   * @param {Settings} made
   * @param {string} kind
   * @param {string[]} args
   * @param {number} monotonic
   * @param {number} unix
   */
  const start = (made, kind, args, monotonic, unix) => {
    const client = made === settings;
    // A page's build has no environment to read, nor these methods; a client's are asked once, and again while it lacks one.
    if (client ? (wants ??= made.wantsEnvironment?.() === true) : made.wantsEnvironment?.()) {
      const now = toJson(environment(), "environment");
      made.supply(now);
      // Asked only of a build that has it.
      const still = /** @type {() => boolean} */ (made.wantsEnvironment)();
      if (client) wants = still;
      // Found: every later call of the client is checked in this environment, so sends this credential.
      if (!still) [env, madeIn] = [now, client ? madeIn : (release(settings, madeIn), undefined)];
    }
    return made.start(kind, `[${args}]`, entropy(), monotonic, unix);
  };
  /**
   * @param {string} kind one of the contract's TASK_KINDS
   * @param {string[]} args JSON texts
   * @param {unknown} [own] the call's own options
   */
  const call = (kind, args, own) => {
    const [added, more] = split(own);
    // Written before the call starts: a call's own bad option is its own
    // invalid_request, not a failure of the instance every call shares.
    const merged = Object.keys(added).length ? toJson(overlay(checked, added), "") : undefined;
    /** @type {import("./driver.js").Cross} */
    const first = merged
      ? (monotonic, unix) => once(make(merged), (made) => start(made, kind, args, monotonic, unix))
      : (monotonic, unix) => start(current(), kind, args, monotonic, unix);
    return drive(first, { ...DEFAULT_HOOKS, ...hooks, ...more });
  };
  call.free = () => release(settings, madeIn);
  return call;
}

/**
 * What `use` makes of settings made for it alone, which are freed then (a call's machine holds what it needs of them).
 * @template {{ free(): void }} M
 * @template T
 * @param {M} made
 * @param {(made: M) => T} use
 * @returns {T}
 */
function once(made, use) {
  try {
    return use(made);
  } finally {
    made.free();
  }
}

/**
 * A call's own options laid over a client's: its members replace theirs,
 * and its `headers` theirs of the same name, in any case.
 * @param {Record<string, any>} client
 * @param {Record<string, any>} own
 */
function overlay(client, own) {
  const merged = { ...client, ...own };
  if (isRecord(client.headers) && isRecord(own.headers)) {
    const names = new Set(Object.keys(own.headers).map((name) => name.toLowerCase()));
    const kept = Object.entries(client.headers).filter(([name]) => !names.has(name.toLowerCase()));
    merged.headers = { ...Object.fromEntries(kept), ...own.headers };
  }
  return merged;
}

/**
 * One call with options of its own, checked for it alone.
 * @param {string} kind
 * @param {string[]} args
 * @param {unknown} options
 */
export function perform(kind, args, options) {
  const call = configure(options);
  return once(call, () => call(kind, args));
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

/** @type {(value: unknown) => value is Record<string, any>} */
export const isRecord = (value) => typeof value === "object" && value !== null && !Array.isArray(value);

/**
 * The options' data (for the core) and the hooks they give (for the
 * driver), each checked; `patience`, how long a hook may hold the call, is
 * the whole wait's (`waitTimeoutMs`, checked by the core).
 * @param {unknown} options
 * @returns {[Record<string, unknown>, Partial<import("./driver.js").Hooks> & Record<string, unknown>]}
 */
export function split(options) {
  /** @type {Record<string, unknown>} */
  const data = {};
  /** @type {Partial<import("./driver.js").Hooks> & Record<string, unknown>} */
  const hooks = {};
  if (options === undefined || options === null) return [data, hooks];
  if (!isRecord(options)) throw invalid("options", "must be an object");
  let entries;
  try {
    entries = Object.entries(options);
  } catch (error) {
    throw unreadable("options", "could not be read: reading it threw", error);
  }
  for (const [key, value] of entries) {
    if (value === undefined) continue;
    if (HOOKS.has(key)) {
      if (typeof value !== "function") throw invalid(key, "must be a function");
      hooks[key] = value;
    } else if (key === "signal") {
      hooks.signal = signal(value);
    } else if (key === "logger") {
      hooks.log = log(logger(value));
    } else if (key === "headers" && Object.prototype.toString.call(value) !== "[object Object]" && isRecord(value)) {
      // A Headers (or any class's instance) has no members of its own to send: refused, not sent as {}.
      throw invalid(key, `must be a plain object of names and values, not a ${value.constructor?.name}`);
    } else if (typeof value === "function") {
      // A function under another name is a misspelt hook: the core refuses
      // it by name, with the hook it was likely meant as, as any unknown option.
      data[key] = "a function";
    } else {
      if (key === "waitTimeoutMs") hooks.patience = value;
      data[key] = value;
    }
  }
  return [data, hooks];
}

/**
 * `value` if it has a logger's four methods; reading them must not throw.
 * @param {any} value
 * @returns {import("../index.js").Logger}
 */
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

/**
 * `value` if it is shaped like an AbortSignal (polyfills included); reading it must not throw.
 * @param {any} value
 * @returns {import("./driver.js").SignalLike}
 */
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
 * @param {import("../index.js").Logger} logger
 * @returns {(line: { level: keyof import("../index.js").Logger, message: string }) => void}
 */
function log(logger) {
  return ({ level, message }) => {
    try {
      // A logger may answer a promise (the .d.ts says void: any logger is taken).
      const result = /** @type {any} */ (logger[level](`[kling-extend] ${message}`));
      if (typeof result?.then === "function") result.then(undefined, () => {});
    } catch {
      // Logging is a side channel.
    }
  };
}
