// Waiting that an abort always ends: a caller's hook, a fetch that ignores
// its signal, a proxy's `authorize` or a body that never comes cannot hold
// a call or a request past its signal. Shared by the driver and the proxy.

/** What `untilStopped` resolves with when the signal fired first. */
export const STOPPED = Symbol("stopped");

/** `value` (a promise or not) settled, or STOPPED as soon as `signal` fires. */
export const untilStopped = (value, signal) => race(value, signal, (resolve) => resolve(STOPPED));

/** `promise`, or a rejection with the signal's reason as soon as `signal` fires. */
export const raceAbort = (promise, signal) => race(promise, signal, (_, reject) => reject(signal.reason));

/**
 * `value` settled, or what `stop(resolve, reject)` makes of the signal
 * firing first; the signal's listener goes when either happens. A value
 * settling late is still caught, so it never rejects unhandled.
 */
function race(value, signal, stop) {
  const settled = Promise.resolve(value);
  return new Promise((resolve, reject) => {
    if (signal.aborted) return settled.then(noop, noop), stop(resolve, reject);
    const onAbort = () => stop(resolve, reject);
    const settle = (then) => (result) => (signal.removeEventListener("abort", onAbort), then(result));
    signal.addEventListener("abort", onAbort);
    settled.then(settle(resolve), settle(reject));
  });
}

export const noop = () => {};
