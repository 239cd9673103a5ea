// The public API: wasm exports wrapped so every failure is a KlingExtendError.
// Runtime-neutral; each entry file (index.js, node.js, workerd.js) instantiates
// the wasm its own way and then re-exports this module.
import * as wasm from "./kling_extend.js";
import { rethrow } from "./error.js";

export { KlingExtendError } from "./error.js";
export { createProxy } from "./proxy.js";

export function quote(input) {
  try {
    return wasm.quote(input);
  } catch (error) {
    rethrow(error);
  }
}

export function quoteChain(input) {
  try {
    return wasm.quoteChain(input);
  } catch (error) {
    rethrow(error);
  }
}

export function signKlingToken(accessKey, secretKey, nowSeconds) {
  try {
    return wasm.signKlingToken(accessKey, secretKey, nowSeconds);
  } catch (error) {
    rethrow(error);
  }
}

export function validateRequest(request, options) {
  try {
    wasm.validateRequest(request, options);
  } catch (error) {
    rethrow(error);
  }
}

export function parseWebhook(body, options) {
  try {
    return wasm.parseWebhook(body, options);
  } catch (error) {
    rethrow(error);
  }
}

/** Checks a Standard Webhooks signature, then parses like parseWebhook. */
export async function verifyWebhook(rawBody, headers, secret, options) {
  try {
    return wasm.verifyWebhook(rawBody, headers, secret, options);
  } catch (error) {
    rethrow(error);
  }
}

export function extendVideo(request, options) {
  return wasm.extendVideo(request, options).catch(rethrow);
}

export function getJob(jobId, options) {
  return wasm.getJob(jobId, options).catch(rethrow);
}

export function pollJob(jobId, options) {
  return wasm.pollJob(jobId, options).catch(rethrow);
}

export function chainExtensions(videoId, prompts, options) {
  return wasm.chainExtensions(videoId, prompts, options).catch(rethrow);
}

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
