// The public API of every build, runtime-neutral: each entry file (index.js,
// node.js, workerd.js) instantiates its wasm build, binds it (wasm.js) and
// re-exports this module, plus the server functions (server.js, or
// on-demand.js in pages). Values cross to the core as JSON text
// (boundary.js), the calculator's as numbers (quote.js); network calls run
// as core Tasks (driver.js).
import { inBrowser, toJson } from "./boundary.js";
import { drive } from "./driver.js";
import { invalid } from "./error.js";
import { call, environment, hasServerHalf, onServer, wasm } from "./wasm.js";

export { KlingExtendError, isKlingExtendError } from "./error.js";
export { quote, quoteChain } from "./quote.js";
export { parseWebhook } from "./webhook.js";

/** The request rules extendVideo applies, for forms that check as the user types. */
export function validateRequest(request, options) {
  call("validateRequest", toJson(request, "request"), toJson(options, "options"));
}

/** The Kling JWT, for servers that mint short-lived tokens for browsers. */
export function signKlingToken(accessKey, secretKey, nowSeconds = Date.now() / 1000) {
  return call("signKlingToken", toJson(accessKey, "accessKey"), toJson(secretKey, "secretKey"), toJson(nowSeconds, "nowSeconds"));
}

export const extendVideo = async (request, options) => task("extendVideo", [toJson(request, "request")], options);
export const getJob = async (jobId, options) => task("getJob", [toJson(jobId, "jobId")], options);
export const pollJob = async (jobId, options) => task("pollJob", [toJson(jobId, "jobId")], options);
export const run = async (request, options) => task("run", [toJson(request, "request")], options);
/** In a page, on its server half (loaded on first use): the web build has no chains. */
export const chainExtensions = async (videoId, prompts, options) =>
  hasServerHalf()
    ? onServer((half) => half.chainExtensions(videoId, prompts, options))
    : task("chainExtensions", [toJson(videoId, "videoId"), toJson(prompts, "prompts")], options);

/** Binds options once; options given to a call override them (headers merge). */
export function createClient(options) {
  if (options === undefined || options === null) options = {};
  else if (!isRecord(options)) throw invalid("options", "must be an object");
  // Per-call options that are not an object go through unmerged, for split() to refuse.
  const merge = (own) => (isRecord(own) ? { ...options, ...own, headers: { ...options.headers, ...own.headers } } : own ?? options);
  return {
    extendVideo: (request, own) => extendVideo(request, merge(own)),
    getJob: (jobId, own) => getJob(jobId, merge(own)),
    pollJob: (jobId, own) => pollJob(jobId, merge(own)),
    run: (request, own) => run(request, merge(own)),
    chainExtensions: (videoId, prompts, own) => chainExtensions(videoId, prompts, merge(own)),
  };
}

/** The options that are not data: they stay in JS, for the driver. */
const HOOKS = new Set(["fetch", "onUpdate", "onStep", "onSubmitted", "onProgress"]);
const LOG_METHODS = ["debug", "info", "warn", "error"];

/**
 * Runs the core's `kind` Task on `args` (JSON texts) and the options' data,
 * with 16 random bytes for the submits' idempotency keys.
 */
function task(kind, args, options) {
  const [data, hooks] = split(options);
  const entropy = crypto.getRandomValues(new Uint8Array(16));
  const json = `[${args},${toJson(data, "")}]`;
  const env = toJson(environment(), "environment");
  return drive(() => new wasm.Task(kind, json, inBrowser(), env, Math.random() * 2 ** 53, entropy), hooks);
}

const isRecord = (value) => typeof value === "object" && value !== null && !Array.isArray(value);

/** The options' data (for the core) and their hooks (for the driver), each checked. */
function split(options) {
  const data = {};
  const hooks = { log: log(console) };
  if (options === undefined || options === null) return [data, hooks];
  if (!isRecord(options)) throw invalid("options", "must be an object");
  for (const [key, value] of Object.entries(options)) {
    if (value === undefined) continue;
    if (HOOKS.has(key)) {
      if (typeof value !== "function") throw invalid(key, "must be a function");
      hooks[key] = value;
    } else if (key === "signal") {
      // Any object shaped like an AbortSignal (polyfills included).
      if (typeof value?.aborted !== "boolean" || typeof value.addEventListener !== "function") {
        throw invalid("signal", "must be an AbortSignal");
      }
      hooks.signal = value;
    } else if (key === "logger") {
      if (!LOG_METHODS.every((method) => typeof value?.[method] === "function")) {
        throw invalid("logger", "must have debug, info, warn and error functions, as console does");
      }
      hooks.log = log(value);
    } else {
      data[key] = value;
    }
  }
  return [data, hooks];
}

/**
 * The core's log lines (it sends them only at the level asked for) to
 * `logger`. A logger that throws cannot change how the call ends.
 */
const log =
  (logger) =>
  ({ level, message }) => {
    try {
      logger[level](`[kling-extend] ${message}`);
    } catch {
      // Logging is a side channel.
    }
  };
