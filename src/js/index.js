// Browsers and bundlers: fetch and compile the web build's wasm (the client,
// the calculator, parseWebhook); createProxy and verifyWebhook load the
// server half (lib/server-build.js) on first use. The build bundles this file
// and what it imports into one module but leaves that import() as written:
// it is here, where its path is the same in the bundle. The glue's exports
// are named, not imported `* as`, and the wasm is compiled here for initSync:
// the bundle then drops the glue's exports it does not use (its async loader
// among them).
import { Settings, __wbg_reset_state, asks, call, initSync, price, priceValue, taskEvent, taskResponse } from "./web/kling_extend.js";
import { bind } from "./lib/wasm.js";

initSync({ module: await compile(new URL("./web/kling_extend_bg.wasm", import.meta.url)) });
const web = { Settings, call, __wbg_reset_state, asks, initSync, price, priceValue, taskEvent, taskResponse };
bind(web, () => import("./lib/server-build.js"));

export * from "./lib/api.js";
export * from "./lib/on-demand.js";

/**
 * The wasm at `url`, compiled: lib/load.js's compileUrl, written out here
 * because importing it reorders the bundle and the page grows 13 bytes.
 */
async function compile(url) {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`kling-extend: could not load ${url} (HTTP ${response.status})`);
  return WebAssembly.compile(await response.arrayBuffer());
}
