// The server functions as a page exports them: their code and the server
// build load on first use (server-build.js), so a page that never calls them
// never downloads them.
import { onServer } from "./wasm.js";

/**
 * createProxy, whose config is checked when the server half has loaded (the first request fails if it is bad).
 * @type {typeof import("../index.js").createProxy}
 */
export function createProxy(config) {
  const ready = onServer((half) => half.createProxy(config));
  ready.catch(() => {});
  return async (request) => (await ready)(request);
}

/**
 * verifyWebhook, once the server half has loaded (either of its forms).
 * @param {any[]} args
 * @returns {ReturnType<typeof import("../index.js").verifyWebhook>}
 */
export function verifyWebhook(...args) {
  return onServer((half) => half.verifyWebhook(...args));
}
