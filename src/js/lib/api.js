// The public API of every build, runtime-neutral: each entry file (index.js,
// node.js, workerd.js) instantiates its wasm build, binds it (wasm.js) and
// re-exports this module, plus the server functions (server.js, or
// on-demand.js in pages). Values cross to the core as JSON text
// (boundary.js), the calculator's as numbers (quote.js); network calls run
// as core Tasks (task.js, driver.js).
import { toJson } from "./boundary.js";
import { invalid } from "./error.js";
import { isRecord, task } from "./task.js";
import { call, hasServerHalf, onServer } from "./wasm.js";

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
