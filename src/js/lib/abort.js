// Waiting that an abort always ends: a caller's hook, a fetch that ignores
// its signal, a proxy's `authorize` or a body that never comes cannot hold
// a call or a request past its signal. Shared by the driver and the proxy.

/** What `untilStopped` resolves with when the signal fired first. */
export const STOPPED = Symbol("stopped");

/** `value` (a promise or not) settled, or STOPPED as soon as `signal` fires. */
export function untilStopped(value, signal) {
  const settled = Promise.resolve(value);
  if (signal.aborted) return settled.then(noop, noop), Promise.resolve(STOPPED);
  return new Promise((resolve, reject) => {
    const onAbort = () => resolve(STOPPED);
    signal.addEventListener("abort", onAbort);
    settled.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
  });
}

/** `promise`, or a rejection with the signal's reason as soon as `signal` fires. */
export function raceAbort(promise, signal) {
  return untilStopped(promise, signal).then((value) => {
    if (value === STOPPED) throw signal.reason;
    return value;
  });
}

export const noop = () => {};
