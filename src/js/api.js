// The client API, in every build: wasm exports wrapped so every failure is a
// KlingExtendError. Runtime-neutral; each entry file (index.js, node.js,
// workerd.js) instantiates its build's wasm and then re-exports this module
// (browsers) or server.js (Node, Workers).
import * as wasm from "./kling_extend.js";
import { asynchronous, synchronous } from "./error.js";

export { KlingExtendError } from "./error.js";

export const quote = synchronous(wasm.quote);
export const quoteChain = synchronous(wasm.quoteChain);
export const signKlingToken = synchronous(wasm.signKlingToken);
export const validateRequest = synchronous(wasm.validateRequest);

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
