// Node, Bun, Deno (all three match the "node" condition) and the bundles
// made for them (Next's servers, esbuild --platform=node): the server build's
// wasm is imported as bytes inside a JS module, so nothing is read from disk
// (Deno needs no --allow-read) and no file must sit next to a bundle.
import bytes from "./server/kling_extend_bg.wasm.js";
import * as server from "./server/kling_extend.js";
import { bind } from "./lib/wasm.js";

server.initSync({ module: bytes });
bind(server);

export * from "./lib/api.js";
export * from "./lib/server.js";
