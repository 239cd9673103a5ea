// The public API of every build, runtime-neutral: each entry file
// re-exports this module (ARCHITECTURE.md, "The JS side").
import { toJson } from "./boundary.js";
import { invalid } from "./error.js";
import { configure, isRecord, perform } from "./task.js";
import { call, hasServerHalf, onServer } from "./wasm.js";

/** @typedef {import("../index.js").Client} Client */

export { KlingExtendError, isKlingExtendError } from "./error.js";
export { quote, quoteChain } from "./quote.js";
export { parseWebhook } from "./webhook.js";

/**
 * The request rules extendVideo applies, for forms that check as the user types.
 * @type {typeof import("../index.js").validateRequest}
 */
export function validateRequest(request, options) {
  call("validateRequest", toJson(request, "request"), toJson(options, "options"));
}

/**
 * The Kling JWT, for servers that mint short-lived tokens for browsers.
 * @type {typeof import("../index.js").signKlingToken}
 */
export function signKlingToken(accessKey, secretKey, nowSeconds = Date.now() / 1000) {
  return call("signKlingToken", toJson(accessKey, "accessKey"), toJson(secretKey, "secretKey"), toJson(nowSeconds, "nowSeconds"));
}

/**
 * The five network calls, each `perform(kind, args, options)` (task.js);
 * `client(half)` is what runs a chain on a page's server half (the web build
 * has no chains).
 * @param {(kind: string, args: string[], options: unknown) => Promise<any>} perform
 * @param {(half: any) => Client} client
 * @returns {Client}
 */
const calls = (perform, client) => ({
  extendVideo: async (request, options) => perform("extendVideo", [toJson(request, "request")], options),
  getJob: async (jobId, options) => perform("getJob", [toJson(jobId, "jobId")], options),
  pollJob: async (jobId, options) => perform("pollJob", [toJson(jobId, "jobId")], options),
  run: async (request, options) => perform("run", [toJson(request, "request")], options),
  chainExtensions: async (videoId, prompts, options) =>
    hasServerHalf()
      ? onServer((half) => client(half).chainExtensions(videoId, prompts, options))
      : perform("chainExtensions", [toJson(videoId, "videoId"), toJson(prompts, "prompts")], options),
});

export const { extendVideo, getJob, pollJob, run, chainExtensions } = calls(perform, (half) => half);

/**
 * Checks `options` once, now (a bad one throws `invalid_request`), and binds
 * them: a call's own options are laid over them (`headers` merged by name),
 * and checked only when it gives any. A page's client runs chains through a
 * client of its server half, made on the first chain.
 * @type {typeof import("../index.js").createClient}
 */
export function createClient(options) {
  if (options !== undefined && options !== null && !isRecord(options)) throw invalid("options", "must be an object");
  const own = { ...options };
  /** @type {Client | undefined} */
  let onHalf;
  return calls(configure(own), (half) => (onHalf ??= half.createClient(own)));
}
