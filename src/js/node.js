// Node: read the server build's wasm from disk (Node's fetch cannot load file: URLs),
// and let calls take their credentials and log level from the environment.
import { readFileSync } from "node:fs";
import * as server from "./server/kling_extend.js";
import { bind } from "./lib/wasm.js";

server.initSync({ module: readFileSync(new URL("./server/kling_extend_bg.wasm", import.meta.url)) });
bind(server, undefined, environment);

export * from "./lib/api.js";
export * from "./lib/server.js";

/** The variables the core may use: a call's missing credential, the log level. */
const VARIABLES = ["TRINETRA_API_KEY", "KLING_API_KEY", "KLING_ACCESS_KEY", "KLING_SECRET_KEY", "KLING_EXTEND_LOG"];

/**
 * Read at every call, as SDKs do, so a variable set after the import counts.
 * A runtime that guards its environment (Deno without --allow-env) has none.
 */
function environment() {
  const found = {};
  try {
    for (const name of VARIABLES) {
      const value = process.env[name];
      if (value !== undefined) found[name] = value;
    }
  } catch {
    return null;
  }
  return found;
}
