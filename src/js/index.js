// Browsers and bundlers: fetch and compile the wasm beside this file.
import init from "./kling_extend.js";

await init({ module_or_path: new URL("./kling_extend_bg.wasm", import.meta.url) });

export * from "./api.js";
