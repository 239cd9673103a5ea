// Runs a core Task: the Rust state machine decides every request, wait,
// retry and result; this file only performs them with fetch and timers and
// reports what happened back, with the time.
import { KlingExtendError, invalid } from "./error.js";

/** setTimeout's largest delay. */
const MAX_DELAY_MS = 2 ** 31 - 1;

/**
 * Drives `task` to its end and frees it. `hooks`: the caller's `fetch`,
 * `signal`, `onUpdate` and `onStep`; a hook that throws ends the call with
 * its own exception.
 */
export async function run(task, hooks) {
  try {
    let step = JSON.parse(task.event("start", "", Date.now()));
    for (;;) {
      for (const update of step.updates) {
        for (const [hook, value] of Object.entries(update)) hooks[hook]?.(value);
      }
      if (step.error) throw new KlingExtendError(step.error);
      if ("done" in step) return step.done;
      let event;
      if (step.wait !== undefined) {
        event = (await sleep(step.wait, hooks.signal)) ? task.event("waited", "", Date.now()) : task.event("aborted", "", Date.now());
      } else if (hooks.signal?.aborted) {
        event = task.event("aborted", "", Date.now());
      } else {
        event = await exchange(task, step.send, hooks);
      }
      step = JSON.parse(event);
    }
  } finally {
    task.free();
  }
}

/** One HTTP exchange, cut short after `send.timeoutMs` or when the caller aborts. */
async function exchange(task, send, { fetch: custom, signal }) {
  const fetch = custom ?? platformFetch();
  const controller = new AbortController();
  const abort = () => controller.abort();
  const timer = setTimeout(abort, Math.min(send.timeoutMs, MAX_DELAY_MS));
  signal?.addEventListener("abort", abort);
  try {
    const init = { method: send.method, headers: send.headers, body: send.body, signal: controller.signal };
    const response = await fetch(send.url, init);
    const body = new Uint8Array(await response.arrayBuffer());
    const headers = JSON.stringify(send.read.map((name) => response.headers.get(name)));
    return task.response(Number(response.status) || 0, headers, body, Date.now());
  } catch (error) {
    if (signal?.aborted) return task.event("aborted", "inFlight", Date.now());
    if (controller.signal.aborted) return task.event("timedOut", "", Date.now());
    // Node names the socket error in `err.cause.code` ("ECONNREFUSED": never sent).
    return task.event("failed", String(error?.cause?.code ?? ""), Date.now());
  } finally {
    clearTimeout(timer);
    signal?.removeEventListener("abort", abort);
  }
}

/** The platform's fetch, called with the global object as browsers and workerd require. */
function platformFetch() {
  if (typeof globalThis.fetch !== "function") throw invalid("fetch", "is missing: this runtime has no fetch; pass options.fetch");
  return (url, init) => globalThis.fetch(url, init);
}

/** Waits `ms`, or less if `signal` fires; false when it did. */
function sleep(ms, signal) {
  if (signal?.aborted) return Promise.resolve(false);
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve(!signal?.aborted);
    };
    const timer = setTimeout(done, Math.min(ms, MAX_DELAY_MS));
    signal?.addEventListener("abort", done);
  });
}
