// Cloudflare Workers: workerd forbids compiling wasm from bytes, so the
// bundler imports the server build's module statically.
import wasmModule from "./server/kling_extend_bg.wasm";
import { initSync } from "./server/kling_extend.js";

initSync({ module: wasmModule });

export * from "./server/server.js";
