// A page's server half, loaded on first use of createProxy, verifyWebhook or
// chainExtensions (whose resumable progress the web build leaves out):
// the server build and the modules that use it, bound here (Node and Workers
// load them at start-up instead). The page's own module is a bundle, so these
// modules are copies of its shared ones: on-demand.js gives errors of this
// KlingExtendError the page's class.
import * as server from "../server/kling_extend.js";
import { compileUrl } from "./load.js";
import { bind } from "./wasm.js";

server.initSync({ module: await compileUrl(new URL("../server/kling_extend_bg.wasm", import.meta.url)) });
bind(server);

export { KlingExtendError } from "./error.js";
export { chainExtensions } from "./api.js";
export * from "./server.js";
