// Node: read the server build's wasm from disk (Node's fetch cannot load file: URLs).
import { readFileSync } from "node:fs";
import * as server from "./server/kling_extend.js";
import { bind } from "./lib/wasm.js";

server.initSync({ module: readFileSync(new URL("./server/kling_extend_bg.wasm", import.meta.url)) });
bind(server);

export * from "./lib/api.js";
export * from "./lib/server.js";
