// Cloudflare Workers and Next's edge runtime ("workerd" and "edge-light"):
// both forbid compiling wasm from bytes, so the bundler imports the server
// build's module statically. The "?module" suffix is what Next's bundlers
// require for that import; wrangler accepts it too.
import wasmModule from "./server/kling_extend_bg.wasm?module";
import * as server from "./server/kling_extend.js";
import { readWhole } from "./lib/body.js";
import { drivePlatform } from "./lib/driver.js";
import { ownRealm } from "./lib/realm.js";
import { bind } from "./lib/wasm.js";

server.initSync({ module: ownRealm(wasmModule) });
bind(server);
// A body of a given length is read at once: a stream read from JS costs a call about as much as its fetch.
drivePlatform({ readWhole });

export * from "./lib/api.js";
export * from "./lib/server.js";
// Shadows api.js's: a delivery's text crosses to the core as itself.
export { parseWebhookText as parseWebhook } from "./lib/webhook.js";
