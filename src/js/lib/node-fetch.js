// Node's own fetch (undici), driven cheaply (node.js binds this). Every
// attempt needs a way to abort its request (a timeout, the caller's signal),
// and an AbortController costs a Node call more than anything else the
// driver does: Node makes an EventTarget for its signal, and undici wires its
// own listener into it through Node's event helpers (BENCHMARKS.md, "Call
// overhead, issue 23"). undici takes any object shaped like an AbortSignal
// (`aborted`, `reason`, `addEventListener`), so an attempt's signal here is a
// plain one that holds the one listener undici gives it and calls it on abort,
// as an AbortSignal would.

/**
 * An attempt's controller and signal in one (`attempt.signal` is itself).
 * Besides what undici reads of a signal, it answers Node's event helpers as
 * an emitter whose listener limit is already raised (`getMaxListeners`,
 * `listeners`), so undici's attempt to raise it finds nothing to do.
 */
class Attempt {
  aborted = false;
  reason = undefined;
  #listener = undefined;
  _maxListeners = 1500;

  get signal() {
    return this;
  }

  addEventListener(type, listener) {
    if (type === "abort") this.#listener = listener;
  }

  removeEventListener(type, listener) {
    if (type === "abort" && this.#listener === listener) this.#listener = undefined;
  }

  getMaxListeners() {
    return this._maxListeners;
  }

  listeners() {
    return this.#listener ? [this.#listener] : [];
  }

  /** Aborts once, with the standard AbortError, as AbortController.abort() does. */
  abort() {
    if (this.aborted) return;
    this.aborted = true;
    this.reason = new DOMException("This operation was aborted", "AbortError");
    const listener = this.#listener;
    this.#listener = undefined;
    listener?.call(this, new Event("abort"));
  }
}

/**
 * How the driver makes an attempt's controller for the platform's fetch:
 * an `Attempt` while `globalThis.fetch` is still the one Node installed (its
 * source names undici) and its Request took an `Attempt` as a signal and
 * listened to it when the package loaded; a standard AbortController
 * otherwise (Deno, Bun, a fetch replaced by a mock or a wrapper, a Node
 * whose fetch reads signals otherwise), so nothing but Node's undici ever
 * sees one. Undefined where the check fails at once.
 */
export function nodeAttempts() {
  const fetch = globalThis.fetch;
  try {
    if (globalThis.Deno || globalThis.Bun || !/undici/.test(Function.prototype.toString.call(fetch))) return undefined;
    const probe = new Attempt();
    new Request("http://localhost/", { signal: probe.signal });
    if (probe.listeners().length !== 1) return undefined;
  } catch {
    return undefined;
  }
  return () => (globalThis.fetch === fetch ? new Attempt() : new AbortController());
}
