// The public API: wasm exports wrapped so every failure is a KlingExtendError.
// Runtime-neutral; each entry file (index.js, node.js, workerd.js) instantiates
// the wasm its own way and then re-exports this module.
import * as wasm from "./kling_extend.js";
import { rethrow } from "./error.js";

export { KlingExtendError } from "./error.js";
export { createProxy } from "./proxy.js";

/** A synchronous export whose failures become KlingExtendErrors. */
const synchronous = (fn) => (...args) => {
  try {
    return fn(...args);
  } catch (error) {
    return rethrow(error);
  }
};

/** An asynchronous export whose rejections become KlingExtendErrors. */
const asynchronous = (fn) => (...args) => fn(...args).catch(rethrow);

export const quote = synchronous(wasm.quote);
export const quoteChain = synchronous(wasm.quoteChain);
export const signKlingToken = synchronous(wasm.signKlingToken);
export const validateRequest = synchronous(wasm.validateRequest);
export const parseWebhook = synchronous(wasm.parseWebhook);

const verify = synchronous(wasm.verifyWebhook);
/** Checks a Standard Webhooks signature, then parses like parseWebhook. */
export const verifyWebhook = async (...args) => verify(...args);

export const extendVideo = asynchronous(wasm.extendVideo);
export const getJob = asynchronous(wasm.getJob);
export const pollJob = asynchronous(wasm.pollJob);
export const chainExtensions = asynchronous(wasm.chainExtensions);

/** Binds options once; options given to a call override them (headers merge). */
export function createClient(options = {}) {
  const merge = (own) => ({ ...options, ...own, headers: { ...options.headers, ...own?.headers } });
  return {
    extendVideo: (request, own) => extendVideo(request, merge(own)),
    getJob: (jobId, own) => getJob(jobId, merge(own)),
    pollJob: (jobId, own) => pollJob(jobId, merge(own)),
    chainExtensions: (videoId, prompts, own) => chainExtensions(videoId, prompts, merge(own)),
  };
}
