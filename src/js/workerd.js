// Cloudflare Workers and Next's edge runtime ("workerd" and "edge-light"):
// both forbid compiling wasm from bytes, so the bundler imports the server
// build's module statically. The "?module" suffix is what Next's bundlers
// require for that import; wrangler accepts it too.
import wasmModule from "./server/kling_extend_bg.wasm?module";
import * as server from "./server/kling_extend.js";
import { bind } from "./lib/wasm.js";

server.initSync({ module: ownRealm(wasmModule) });
bind(server);

export * from "./lib/api.js";
export * from "./lib/server.js";

/**
 * `module`, passing the glue's `instanceof WebAssembly.Module`. Next's edge
 * sandbox compiles the module outside the sandbox, so it is another realm's
 * Module: the check fails and the glue would try to compile it from bytes,
 * which throws. Instantiating it works; only its prototype must be ours.
 */
function ownRealm(module) {
  if (!(module instanceof WebAssembly.Module)) Object.setPrototypeOf(module, WebAssembly.Module.prototype);
  return module;
}
