// The wasm builds this runtime uses, bound by the entry file at start-up and
// read by the API at call time. `wasm` serves the client API; the server
// build (createProxy, verifyWebhook) is the same one in Node and Workers,
// while a page loads it on first use, so every page does not download it.
import { answer } from "./boundary.js";

export let wasm;
let server;
let load;

/** `options.server`: the server build if loaded now; `options.loadServer`: how a page loads it. */
export function bind(build, options) {
  wasm = build;
  server = options.server;
  load = options.loadServer;
}

/** A synchronous function of the core by name, its arguments JSON texts (boundary.js). */
export const call = (name, ...args) => answer(wasm.call(name, `[${args}]`));

/** The server build; server.js's functions run only once it is there. */
export const serverBuild = () => server;

/** Loads the server build if it is not there yet. */
export async function loadServerBuild() {
  server ??= await load();
}
