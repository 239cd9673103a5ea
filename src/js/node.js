// Node: read the wasm from disk (Node's fetch cannot load file: URLs).
import { readFileSync } from "node:fs";
import { initSync } from "./kling_extend.js";

initSync({ module: readFileSync(new URL("./kling_extend_bg.wasm", import.meta.url)) });

export * from "./api.js";
