// Cloudflare Workers: workerd forbids compiling wasm from bytes, so the
// bundler imports the server build's module statically.
import wasmModule from "./server/kling_extend_bg.wasm";
import * as server from "./server/kling_extend.js";
import { bind } from "./lib/wasm.js";

server.initSync({ module: wasmModule });
bind(server);

export * from "./lib/api.js";
export * from "./lib/server.js";
