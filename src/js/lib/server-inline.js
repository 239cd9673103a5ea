// The server half of a page built from inline.js: server-build.js with the
// server build's wasm as bytes inside a module instead of a file fetched by
// URL (a bundler that copies no asset would leave that URL pointing at nothing).
import * as server from "../server/kling_extend.js";
import bytes from "../server/kling_extend_bg.wasm.js";
import { bind } from "./wasm.js";

server.initSync({ module: await WebAssembly.compile(bytes) });
bind(server);

export { KlingExtendError } from "./error.js";
export { chainExtensions } from "./api.js";
export * from "./server.js";
