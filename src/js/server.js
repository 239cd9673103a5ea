// The API of the server build (Node, Workers): the client API, plus what only
// a server uses — createProxy and webhooks. Browsers load api.js alone.
import * as wasm from "./kling_extend.js";
import { synchronous } from "./error.js";

export * from "./api.js";
export { createProxy } from "./proxy.js";

export const parseWebhook = synchronous(wasm.parseWebhook);

const verify = synchronous(wasm.verifyWebhook);
/** Checks a Standard Webhooks signature, then parses like parseWebhook. */
export const verifyWebhook = async (...args) => verify(...args);
