// Runs a call's machine in the core: the Rust state machine decides every
// request, wait, retry and result; this file only performs them with fetch
// and timers and reports what happened back, with the time by both clocks
// (performance.now() for deadlines and waits, which no wall-clock step
// moves; Date.now() for what the service compares with its own clock). The
// core keeps the machine between steps and drops it with its last one: a
// call that makes one request crosses into the wasm twice.
import { noop, STOPPED, untilStopped } from "./abort.js";
import { declaredOver, discard, readLimited } from "./body.js";
import { withJobs } from "./boundary.js";
import { UPDATE_HOOKS } from "./contract.js";
import { KlingExtendError, invalid, unreadableSignal } from "./error.js";
import { endTask, intoCore, instance, takeRaw, wasm } from "./wasm.js";

/**
 * How this runtime's own fetch is best driven, as its entry file says
 * (`drivePlatform`): `readWhole(response, max)`, a body read at once when
 * its length is given (workerd). Pages, Node, and a caller's own fetch read
 * bodies as streams.
 */
/** @type {{ readWhole?: (response: Response, max: number) => Promise<Uint8Array | null | undefined> }} */
let platform = {};

/** @param {typeof platform} io */
export function drivePlatform(io) {
  platform = io;
}

/**
 * A step of a call as the core writes it (src/wasm/task.rs): its machine's
 * number on the first; one of `send`, `wait` (milliseconds), `done` (the
 * result) or `error`; the updates to report first, if any.
 * @typedef {SendStep | WaitStep | DoneStep | ErrorStep} Step
 * @typedef {{ task?: number, updates?: Partial<Record<UpdateHook, any>>[] }} Reported
 * @typedef {Reported & { send: Send, wait?: undefined, done?: undefined, error?: undefined }} SendStep
 * @typedef {Reported & { wait: number, send?: undefined, done?: undefined, error?: undefined }} WaitStep
 * @typedef {Reported & { done: unknown, send?: undefined, wait?: undefined, error?: undefined }} DoneStep
 * @typedef {Reported & { error: import("../index.js").KlingExtendErrorDetail, send?: undefined, wait?: undefined, done?: undefined }} ErrorStep
 *
 * A request to make; `read`: the response headers the core wants.
 * @typedef {{ url: string, method: string, headers: Record<string, string>, body?: string, timeoutMs: number, maxBytes: number, read: string[] }} Send
 *
 * The core's next step, asked at a time by both clocks.
 * @typedef {(monotonic: number, unix: number) => string} Cross
 *
 * What the driver is given: the caller's hooks, with `log` and `patience`.
 * @typedef {{ fetch?: typeof fetch, signal?: SignalLike, patience: number } & Partial<Record<UpdateHook, (value: any) => unknown>>} Hooks
 * @typedef {Pick<AbortSignal, "aborted" | "reason" | "addEventListener" | "removeEventListener">} SignalLike
 *
 * @typedef {(typeof import("./contract.js").UPDATE_HOOKS)[number]} UpdateHook
 * @typedef {(typeof import("./contract.js").EVENTS)[number]} TaskEvent What
 *   the core hears of a step that is not a response (its wire names).
 * @typedef {{ event: TaskEvent, detail: string, cause?: unknown, body?: undefined }} Happened
 * @typedef {{ status: number, headers: string, body: Uint8Array, cause?: undefined }} Answered
 * @typedef {import("../index.js").Job} Job
 */

/** setTimeout's largest delay. */
const MAX_DELAY_MS = 2 ** 31 - 1;
/** Errors by which Deno says a request was refused before it left. */
const REFUSED_BY_RUNTIME = new Set(["PermissionDenied", "NotCapable"]);

/**
 * Starts a call with `start(monotonic, unix)` (its first step, as the
 * core's JSON text) and drives it to its end. `hooks`: the caller's
 * `fetch`, `signal`, `onUpdate`, `onSubmitted`, `onStep` and `onProgress`,
 * and `log` for the core's log lines. A hook's promise is awaited before
 * the call goes on (so a chain's progress is stored before the submit it
 * records leaves), but never past an abort; a hook that throws ends the call
 * with its own exception.
 * @param {Cross} start
 * @param {Hooks} hooks
 * @returns {Promise<any>} the call's result, the core's JSON
 */
export async function drive(start, hooks) {
  const stop = follow(hooks.signal);
  const call = new Call();
  try {
    let step = call.step(start, "starting the call");
    // The fetch error of the last attempt, while no response came after it.
    let cause;
    for (;;) {
      if ("done" in step) call.known.learn("done", step.done);
      // Most steps report nothing: they cost no await then.
      if (step.updates !== undefined && !(await report(step.updates, hooks, stop.signal, call.known))) {
        // A hook held the last step: the abort wins, with what the step knew.
        if (step.error || "done" in step) throw call.known.error("aborted", ABORTED, stop.signal.reason, step.error);
        step = call.event("aborted", "", "stopping the call");
        continue;
      }
      if (step.error) throw new KlingExtendError(step.error, causeOf(step.error.code, cause, stop.signal));
      if ("done" in step) return step.done;
      if (step.wait !== undefined) {
        const waited = await sleep(step.wait, stop.signal);
        step = call.event(waited ? "waited" : "aborted", "", "after a wait");
      } else if (stop.signal.aborted) {
        step = call.event("aborted", "", "stopping the call");
      } else {
        call.known.sending(step.send.method);
        const outcome = await exchange(step.send, hooks.fetch, stop.signal);
        cause = outcome.cause;
        step = outcome.body
          ? call.response(outcome.status, outcome.headers, outcome.body)
          : call.event(outcome.event, outcome.detail, "after a failed request");
      }
    }
  } finally {
    stop.dispose();
    call.end();
  }
}

/**
 * A call's crossings into the core: the number of its machine there (while
 * it runs), the instance it was made in, what it knows (`known`) and the
 * body of the last answer, which a job's `raw` is made of when the core
 * says it is that body as received.
 */
class Call {
  known = new Known();
  madeIn = instance;
  task = -1;
  /** @type {Uint8Array | undefined} */
  body;

  /**
   * What happened that is not a response (see the core's `taskEvent`).
   * @param {TaskEvent} name
   * @param {string} detail
   * @param {string} during
   */
  event(name, detail, during) {
    return this.step((monotonic, unix) => wasm.taskEvent(this.task, name, detail, monotonic, unix), during);
  }

  /**
   * `headers`: the values of the send step's `read` names, as a JSON list.
   * @param {number} status
   * @param {string} headers
   * @param {Uint8Array} body
   */
  response(status, headers, body) {
    this.body = body;
    /** @type {Cross} */
    const cross = (monotonic, unix) => wasm.taskResponse(this.task, status, headers, body, monotonic, unix);
    return this.step(cross, "reading the service's answer");
  }

  /**
   * The step `cross(monotonic, unix)` answers, parsed, with each job's
   * `raw` made (withJobs). A failure of the instance is `internal_error`,
   * whose message names the job the call had paid for.
   * @param {Cross} cross
   * @param {string} during
   * @returns {Step}
   */
  step(cross, during) {
    try {
      return intoCore(
        () => {
          /** @type {Step} */
          const step = JSON.parse(cross(performance.now(), Date.now()));
          if (step.task !== undefined) this.task = step.task;
          // Its last step: the core dropped the machine.
          else if (step.error || "done" in step) this.task = -1;
          withJobs(step.done ?? step.error, takeRaw, this.body);
          step.updates?.forEach((update) => Object.values(update).forEach((value) => withJobs(value, takeRaw, this.body)));
          return step;
        },
        during,
        () => this.known.detail(),
        this.madeIn,
      );
    } catch (error) {
      // The instance failed (internal_error): its message names the job the call had paid for.
      if (this.known.job) /** @type {KlingExtendError} */ (error).message += `; the job ${this.known.job.id} was accepted (see error.job)`;
      throw error;
    }
  }

  /** Drops the machine of a call that ended before its last step (a hook threw, an abort won). */
  end() {
    if (this.task >= 0) endTask(this.task, this.madeIn);
  }
}

/**
 * What a call learned that must outlive the wasm instance: if it restarts
 * mid-call, the call fails as `internal_error` with these, so an accepted
 * job is never lost (see KlingExtendError's `job` and `maybeSubmitted`).
 */
class Known {
  /** Whether a submit of the step under way was handed to fetch. */
  posted = false;
  /** @type {Job | undefined} The job of the step under way, as accepted or as last read. */
  job;

  /** @param {string} method */
  sending(method) {
    this.posted ||= method === "POST";
  }

  /**
   * Takes in what an update, or the call's result ("done"), tells: a
   * submission accepted, a job read, or a chain's step finished.
   * @param {UpdateHook | "done"} hook
   * @param {any} value the core's JSON
   */
  learn(hook, value) {
    if (hook === "onStep") [this.posted, this.job] = [false, undefined];
    else if (value?.job_id !== undefined) this.job = accepted(value);
    else if (value?.id !== undefined) this.job = value;
  }

  detail() {
    return { ...(this.posted && { maybeSubmitted: true }), ...(this.job && { job: this.job }) };
  }

  /**
   * The call's end as `code`, with what it knew, or (`over`) what its last
   * step's error says; the message names the job it holds, as the core's
   * do (Error::with_job).
   * @param {import("../index.js").ErrorCode} code
   * @param {string} message
   * @param {unknown} [cause]
   * @param {Partial<import("../index.js").KlingExtendErrorDetail>} [over]
   */
  error(code, message, cause, over) {
    const detail = { ...this.detail(), ...over };
    const id = detail.job?.id;
    // Without control characters: a hostile id cannot forge a log line.
    if (id !== undefined) message += ` (job ${String(id).length > 256 ? "in error.job" : String(id).replace(/\p{Cc}/gu, "")})`;
    return new KlingExtendError({ ...detail, code, message, retryable: false }, cause);
  }
}

/**
 * A job as its submit was accepted, before any read (the core's Job::accepted).
 * @param {import("../index.js").Submission} submission
 * @returns {Job}
 */
const accepted = (submission) => ({ id: submission.job_id, model: "kling-extend-video", status: submission.status, raw: null });

/**
 * Hands each update to its hook, and awaits what the hook returns; false
 * when the call's signal fired while a hook's promise was pending. A hook
 * that throws or rejects ends the call as `aborted`, its error the cause;
 * one that holds it past `waitTimeoutMs` ends it as `timeout`: either names
 * the job the call had paid for, so a caller whose store failed still
 * learns which job it was.
 * @param {NonNullable<Step["updates"]>} updates
 * @param {Hooks} hooks
 * @param {SignalLike} signal
 * @param {Known} known
 */
async function report(updates, hooks, signal, known) {
  for (const update of updates) {
    // As the core names them: checked here.
    for (const [hook, value] of /** @type {[UpdateHook, unknown][]} */ (Object.entries(update))) {
      // A hook the core renamed would otherwise be dropped, or meet an option of that name.
      if (!UPDATE_HOOKS.includes(hook)) throw known.error("internal_error", `kling-extend's wasm core named the ${hook} hook, which is unknown`);
      known.learn(hook, value);
      const handler = hooks[hook];
      if (!handler) continue;
      // Its patience over, a hook is treated as stopped too, but with the signal unfired.
      /** @type {ReturnType<typeof setTimeout> | undefined} */
      let timer;
      const late = new Promise((resolve) => (timer = setTimeout(resolve, Math.min(hooks.patience, MAX_DELAY_MS), STOPPED)));
      const called = new Promise((resolve) => resolve(handler(value)));
      const settled = await untilStopped(Promise.race([called, late]), signal)
        .catch((error) => {
          throw known.error("aborted", `the call was stopped: its ${hook} hook threw`, error);
        })
        .finally(() => clearTimeout(timer));
      if (settled !== STOPPED) continue;
      if (signal.aborted) return false;
      throw known.error("timeout", `the ${hook} hook did not settle within waitTimeoutMs`);
    }
  }
  return true;
}

/**
 * The call's own AbortSignal, fired with the caller's `signal` (any object
 * shaped like one). The caller's is touched here only, once, so one whose
 * getter or `addEventListener` throws is `invalid_request` naming `signal`
 * before anything is sent, and cannot break the call later.
 * @param {SignalLike | undefined} signal
 * @returns {{ signal: SignalLike, dispose: () => void }}
 */
function follow(signal) {
  if (signal === undefined) return { signal: NEVER, dispose: noop };
  const own = new AbortController();
  const abort = () => {
    let reason;
    try {
      reason = signal.reason;
    } catch (error) {
      reason = error;
    }
    // No reason given: abort() makes the standard AbortError.
    own.abort(reason);
  };
  try {
    if (signal.aborted === true) abort();
    else signal.addEventListener("abort", abort);
  } catch (error) {
    throw unreadableSignal(error);
  }
  const dispose = () => {
    try {
      signal.removeEventListener("abort", abort);
    } catch {
      // It was added once; a signal that cannot take it back keeps a no-op.
    }
  };
  return { signal: own.signal, dispose };
}

/**
 * The stop signal of a call given none: it never fires, so it keeps no
 * listeners, and the call makes no AbortController of its own (in Node,
 * making one is a good part of a call's overhead).
 */
const NEVER = { aborted: false, reason: undefined, addEventListener: noop, removeEventListener: noop };

/** The core's own words for an abort. */
const ABORTED = "the call was aborted by its signal";

/**
 * An error's `cause`: the signal's reason for an abort, the fetch error for a network failure.
 * @param {import("../index.js").ErrorCode} code
 * @param {unknown} fetchError
 * @param {SignalLike} signal
 */
function causeOf(code, fetchError, signal) {
  if (code === "aborted" && signal.aborted) return signal.reason;
  return ["network_error", "timeout"].includes(code) ? fetchError : undefined;
}

/**
 * One HTTP exchange, cut short after `send.timeoutMs` or when the call is
 * aborted, even by a `fetch` that ignores its signal: `{ status, headers,
 * body }` for the core to read, or `{ event, detail, cause? }` for what
 * happened instead. The timer and the call's signal end the exchange
 * themselves, so nothing more listens to the attempt's own signal.
 */
/**
 * @param {Send} send
 * @param {typeof globalThis.fetch | undefined} custom
 * @param {SignalLike} signal
 * @returns {Promise<Answered | Happened>}
 */
function exchange(send, custom, signal) {
  const fetch = custom ?? platformFetch();
  // The runtime's own ways with its own fetch; a caller's gets the standard ones.
  const own = custom === undefined ? platform : {};
  const attempt = new AbortController();
  // A redirect is never followed: it would carry the credential, maybe to another origin.
  /** @type {RequestInit} */
  const init = { method: send.method, headers: send.headers, body: send.body, redirect: "manual", signal: attempt.signal };
  return new Promise((resolve) => {
    /** @type {Response | undefined} */
    let response;
    let over = false;
    /** @param {Answered | Happened | void} outcome nothing only from a fetch that answered once over */
    const end = (outcome) => {
      if (over) return;
      over = true;
      clearTimeout(timer);
      signal.removeEventListener("abort", stopped);
      resolve(/** @type {Answered | Happened} */ (outcome));
    };
    // Cut short: by the call's signal (aborted), else by the timer (timedOut).
    /** @param {unknown} cause */
    const cut = (cause) => end(signal.aborted ? { event: "aborted", detail: "inFlight", cause } : { event: "timedOut", detail: "", cause });
    const stopped = () => {
      attempt.abort();
      discard(response);
      cut(attempt.signal.reason);
    };
    const timer = setTimeout(stopped, Math.min(send.timeoutMs, MAX_DELAY_MS));
    signal.addEventListener("abort", stopped);
    // One race for the headers and the body: a fetch that ignores its signal cannot hold the call.
    (async () => {
      response = await fetch(send.url, init);
      // Too late: the call went on without it (a fetch that ignored its signal).
      if (over) return discard(response);
      return read(response, send, own.readWhole);
    })().then(end, (error) => {
      discard(response);
      if (signal.aborted || attempt.signal.aborted) return cut(error);
      // Node names the socket error in `err.cause.code` ("ECONNREFUSED": never sent).
      end({ event: "failed", detail: neverSent(error, send.url, init) ? "ENOTSENT" : String(error?.cause?.code ?? ""), cause: error });
    });
  });
}

/**
 * What the core gets of `response`: a redirect (a 3xx, or a page's opaque
 * one, status 0) and a body over the limit are reported as events, unread;
 * an over-limit body never reaches the wasm. `readWhole`: the runtime's way
 * to read a body of a given length at once, if it has one.
 */
/**
 * @param {Response} response
 * @param {Send} send
 * @param {typeof platform.readWhole} readWhole
 * @returns {Promise<Answered | Happened>}
 */
async function read(response, send, readWhole) {
  const status = Number(response.status) || 0;
  if (response.type === "opaqueredirect" || (status >= 300 && status < 400)) {
    discard(response);
    return { event: "redirected", detail: String(status) };
  }
  const max = send.maxBytes;
  const headers = response.headers;
  let body = null;
  if (declaredOver(headers, max)) discard(response);
  else {
    body = readWhole && (await readWhole(response, max));
    if (body === undefined) body = await readLimited(response.body, max);
  }
  if (body === null) return { event: "tooLarge", detail: String(max) };
  return { status, headers: JSON.stringify(send.read.map((name) => headers.get(name))), body };
}

/**
 * Whether a fetch error proves the request never left: the runtime refused
 * it (Deno's permissions, Node's blocked ports), or no request can even be
 * made of it (a URL or header value fetch cannot take).
 * @param {any} error whatever fetch threw
 * @param {string} url
 * @param {RequestInit} init
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
  return globalFetch;
}

/** @type {typeof fetch} */
const globalFetch = (url, init) => globalThis.fetch(url, init);

/**
 * Waits `ms`, or less if `signal` fires; false when it did.
 * @param {number} ms
 * @param {SignalLike} signal
 * @returns {Promise<boolean>}
 */
function sleep(ms, signal) {
  if (signal.aborted) return Promise.resolve(false);
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve(!signal.aborted);
    };
    const timer = setTimeout(done, Math.min(ms, MAX_DELAY_MS));
    signal.addEventListener("abort", done);
  });
}
