// The server functions as a page exports them: their code and the server
// build load on first use, so a page that never calls them never downloads them.
import { loadServerBuild } from "./wasm.js";

async function serverApi() {
  await loadServerBuild();
  return import("./server.js");
}

/** createProxy, whose config is checked when the server build has loaded (the first request fails if it is bad). */
export function createProxy(config) {
  const ready = serverApi().then((api) => api.createProxy(config));
  ready.catch(() => {});
  return async (request) => (await ready)(request);
}

/** verifyWebhook, once the server build has loaded. */
export async function verifyWebhook(...args) {
  return (await serverApi()).verifyWebhook(...args);
}
