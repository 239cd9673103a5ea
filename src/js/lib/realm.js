// For entries whose bundler imports the wasm as a module (workerd.js,
// quote/workerd.js). A module of its own: Next's edge build refuses any
// module that compiles wasm (load.js), even in a function never called.
/**
 * `module`, passing the glue's `instanceof WebAssembly.Module`. Next's edge
 * sandbox compiles the module outside the sandbox, so it is another realm's
 * Module: the check fails and the glue would try to compile it from bytes,
 * which throws. Instantiating it works; only its prototype must be ours.
 * @param {WebAssembly.Module} module
 */
export function ownRealm(module) {
  if (!(module instanceof WebAssembly.Module)) Object.setPrototypeOf(module, WebAssembly.Module.prototype);
  return module;
}
