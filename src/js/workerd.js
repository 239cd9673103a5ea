// Cloudflare Workers: workerd forbids compiling wasm from bytes, so the
// bundler imports the module statically.
import wasmModule from "./kling_extend_bg.wasm";
import { initSync } from "./kling_extend.js";

initSync({ module: wasmModule });

export * from "./api.js";
