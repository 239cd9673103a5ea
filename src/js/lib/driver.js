// Runs a core Task: the Rust state machine decides every request, wait,
// retry and result; this file only performs them with fetch and timers and
// reports what happened back, with the time.
import { declaredOver, discard, readLimited } from "./body.js";
import { KlingExtendError, invalid } from "./error.js";
import { enter, generation, release } from "./wasm.js";

/** setTimeout's largest delay. */
const MAX_DELAY_MS = 2 ** 31 - 1;
/** Errors by which Deno says a request was refused before it left. */
const REFUSED_BY_RUNTIME = new Set(["PermissionDenied", "NotCapable"]);

/**
 * Makes a Task with `newTask` and drives it to its end, then frees it.
 * `hooks`: the caller's `fetch`, `signal`, `onUpdate`, `onSubmitted`,
 * `onStep` and `onProgress`, and `log` for the core's log lines. A hook's
 * promise is awaited before the call goes on (so a chain's progress is
 * stored before the submit it records leaves); a hook that throws ends the
 * call with its own exception.
 */
export async function drive(newTask, hooks) {
  const born = generation;
  const task = enter(newTask, "starting the call");
  // A submit handed to fetch may have been accepted, whatever fails after it.
  let posted = false;
  const advance = (method, during, ...args) =>
    JSON.parse(enter(() => task[method](...args, Date.now()), during, posted ? { maybeSubmitted: true } : {}, born));
  try {
    let step = advance("event", "starting the call", "start", "");
    // The fetch error of the last attempt, while no response came after it.
    let cause;
    for (;;) {
      for (const update of step.updates) {
        for (const [hook, value] of Object.entries(update)) await hooks[hook]?.(value);
      }
      if (step.error) throw new KlingExtendError(step.error, ["network_error", "timeout"].includes(step.error.code) ? cause : undefined);
      if ("done" in step) return step.done;
      if (step.wait !== undefined) {
        const waited = await sleep(step.wait, hooks.signal);
        step = advance("event", "after a wait", waited ? "waited" : "aborted", "");
      } else if (hooks.signal?.aborted) {
        step = advance("event", "stopping the call", "aborted", "");
      } else {
        posted ||= step.send.method === "POST";
        const outcome = await exchange(step.send, hooks);
        cause = outcome.cause;
        step = outcome.response
          ? advance("response", "reading the service's answer", ...outcome.response)
          : advance("event", "after a failed request", ...outcome.event);
      }
    }
  } finally {
    release(task, born);
  }
}

/**
 * One HTTP exchange, cut short after `send.timeoutMs` or when the caller
 * aborts: `{ response: [status, headers, body] }` for the core to read, or
 * `{ event: [name, detail], cause? }` for what happened instead.
 */
async function exchange(send, { fetch: custom, signal }) {
  const fetch = custom ?? platformFetch();
  const controller = new AbortController();
  const abort = () => controller.abort();
  const timer = setTimeout(abort, Math.min(send.timeoutMs, MAX_DELAY_MS));
  signal?.addEventListener("abort", abort);
  // A redirect is never followed: it would carry the credential, maybe to another origin.
  const init = { method: send.method, headers: send.headers, body: send.body, redirect: "manual", signal: controller.signal };
  try {
    const response = await fetch(send.url, init);
    return await read(response, send);
  } catch (error) {
    if (signal?.aborted) return { event: ["aborted", "inFlight"], cause: error };
    if (controller.signal.aborted) return { event: ["timedOut", ""], cause: error };
    // Node names the socket error in `err.cause.code` ("ECONNREFUSED": never sent).
    return { event: ["failed", neverSent(error, send.url, init) ? "ENOTSENT" : String(error?.cause?.code ?? "")], cause: error };
  } finally {
    clearTimeout(timer);
    signal?.removeEventListener("abort", abort);
  }
}

/**
 * What the core gets of `response`: a redirect (a 3xx, or a page's opaque
 * one, status 0) and a body over the limit are reported as events, unread;
 * an over-limit body never reaches the wasm.
 */
async function read(response, send) {
  const status = Number(response.status) || 0;
  if (response.type === "opaqueredirect" || (status >= 300 && status < 400)) {
    discard(response.body);
    return { event: ["redirected", String(status)] };
  }
  const max = send.maxBytes;
  const body = declaredOver(response.headers, max) ? (discard(response.body), null) : await readLimited(response.body, max);
  if (body === null) return { event: ["tooLarge", String(max)] };
  const headers = JSON.stringify(send.read.map((name) => response.headers.get(name)));
  return { response: [status, headers, body] };
}

/**
 * Whether a fetch error proves the request never left: the runtime refused
 * it (Deno's permissions, Node's blocked ports), or no request can even be
 * made of it (a URL or header value fetch cannot take).
 */
function neverSent(error, url, init) {
  if (REFUSED_BY_RUNTIME.has(error?.name) || REFUSED_BY_RUNTIME.has(error?.cause?.name)) return true;
  if (error?.cause?.message === "bad port") return true;
  try {
    new Request(url, init);
    return false;
  } catch {
    return true;
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
