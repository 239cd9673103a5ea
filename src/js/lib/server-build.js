// The server build, as a page loads it on first use of createProxy or
// verifyWebhook (Node and Workers load it at start-up instead).
import init from "../server/kling_extend.js";

await init({ module_or_path: new URL("../server/kling_extend_bg.wasm", import.meta.url) });

export * from "../server/kling_extend.js";
