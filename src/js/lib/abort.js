// Waiting that an abort always ends: a caller's hook, a fetch that ignores
// its signal, a proxy's `authorize` or a body that never comes cannot hold
// a call or a request past its signal. Shared by the driver and the proxy.

/** @typedef {import("./driver.js").SignalLike} SignalLike */

/** What `untilStopped` resolves with when the signal fired first. */
export const STOPPED = Symbol("stopped");

/**
 * `value` (a promise or not) settled, or STOPPED as soon as `signal` fires.
 * @template T
 * @param {T | Promise<T>} value
 * @param {SignalLike} signal
 * @returns {Promise<T | typeof STOPPED>}
 */
export const untilStopped = (value, signal) => race(value, signal, (resolve) => resolve(STOPPED));

/**
 * `promise`, or a rejection with the signal's reason as soon as `signal` fires.
 * @template T
 * @param {T | Promise<T>} promise
 * @param {SignalLike} signal
 * @returns {Promise<T>}
 */
export const raceAbort = (promise, signal) => race(promise, signal, (_, reject) => reject(signal.reason));

/**
 * `value` settled, or what `stop(resolve, reject)` makes of the signal
 * firing first; the signal's listener goes when either happens. A value
 * settling late is still caught, so it never rejects unhandled.
 * @template T, S
 * @param {T | Promise<T>} value
 * @param {SignalLike} signal
 * @param {(resolve: (value: T | S) => void, reject: (reason: unknown) => void) => void} stop
 * @returns {Promise<T | S>}
 */
function race(value, signal, stop) {
  const settled = Promise.resolve(value);
  return new Promise((resolve, reject) => {
    if (signal.aborted) return settled.then(noop, noop), stop(resolve, reject);
    const onAbort = () => stop(resolve, reject);
    /** @type {(then: (result: any) => void) => (result: any) => void} */
    const settle = (then) => (result) => (signal.removeEventListener("abort", onAbort), then(result));
    signal.addEventListener("abort", onAbort);
    settled.then(settle(resolve), settle(reject));
  });
}

export const noop = () => {};
