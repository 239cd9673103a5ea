// Node, Bun, Deno (all three match the "node" condition) and the bundles
// made for them (Next's servers, esbuild --platform=node): the server build's
// wasm is imported as bytes inside a JS module, so nothing is read from disk
// (Deno needs no --allow-read) and no file must sit next to a bundle. Calls
// take their credentials and log level from the environment.
import bytes from "./server/kling_extend_bg.wasm.js";
import * as server from "./server/kling_extend.js";
import { bind } from "./lib/wasm.js";

server.initSync({ module: bytes });
bind(server, undefined, environment);

export * from "./lib/api.js";
export * from "./lib/server.js";
// Shadows api.js's: a delivery's text crosses to the core as itself.
export { parseWebhookText as parseWebhook } from "./lib/webhook.js";

/** The variables the core may use: a call's missing credential, the log level. */
const VARIABLES = ["TRINETRA_API_KEY", "KLING_API_KEY", "KLING_ACCESS_KEY", "KLING_SECRET_KEY", "KLING_EXTEND_LOG"];

/**
 * Read at every call, as SDKs do, so a variable set after the import counts.
 * Deno guards its environment: only what it already grants is read, so a
 * call never stops at a permission prompt.
 */
function environment() {
  const found = {};
  try {
    for (const name of VARIABLES.filter(granted)) {
      const value = process.env[name];
      if (value !== undefined) found[name] = value;
    }
  } catch {
    return null;
  }
  return found;
}

/** Whether `name` may be read without a prompt: always, except where Deno has not granted it. */
function granted(name) {
  const deno = globalThis.Deno;
  return !deno || deno.permissions.querySync({ name: "env", variable: name }).state === "granted";
}
