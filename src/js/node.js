// Node: read the server build's wasm from disk (Node's fetch cannot load file: URLs).
import { readFileSync } from "node:fs";
import { initSync } from "./server/kling_extend.js";

initSync({ module: readFileSync(new URL("./server/kling_extend_bg.wasm", import.meta.url)) });

export * from "./server/server.js";
