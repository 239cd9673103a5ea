// The wasm build this runtime uses, bound by the entry file at start-up and
// read at call time: the web build in a page; the server build (which adds
// createProxy's core and the signature check) in Node, Workers and a page's
// server half (server-build.js), which a page loads only on first use.
import { answer } from "./boundary.js";

export let wasm;
let load;

/** `loadServer`: how a page imports its server half. */
export function bind(build, loadServer) {
  wasm = build;
  load = loadServer;
}

/** A synchronous function of the core by name, its arguments JSON texts (boundary.js). */
export const call = (name, ...args) => answer(wasm.call(name, `[${args}]`));

/** A page's server half: the module, once it has loaded (the first call loads it). */
export const loadServer = () => load();
