// Browsers and bundlers: fetch and compile the web build's wasm (the client
// and the calculator; createProxy and webhooks are for servers).
import init from "./web/kling_extend.js";

await init({ module_or_path: new URL("./web/kling_extend_bg.wasm", import.meta.url) });

export * from "./web/api.js";
