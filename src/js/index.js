// Browsers and bundlers: fetch and compile the web build's wasm (the client,
// the calculator, parseWebhook); createProxy and verifyWebhook load the
// server build on first use.
import init, * as web from "./web/kling_extend.js";
import { bind } from "./lib/wasm.js";

await init({ module_or_path: new URL("./web/kling_extend_bg.wasm", import.meta.url) });
bind(web, { loadServer: () => import("./lib/server-build.js") });

export * from "./lib/api.js";
export * from "./lib/on-demand.js";
