// createProxy: the I/O of a key-holding proxy for Workers or any fetch-API
// server. Every decision (routes, origins, CORS, validation, the upstream
// request and its credential, what of the upstream's answer is passed back
// and with which headers, what to log) is made by the Rust core (the server
// build's ProxyCore). The handler never throws: whatever fails, the caller
// gets a JSON error answer. It fails closed: only `authorize` returning
// exactly `true` forwards a request, and none is forwarded without a
// credential. A config without one is not refused: where the runtime has an
// environment (Node, Deno, Bun), the core is given its variables again
// before each request until one holds it, so a module loaded while the
// secret is unset (a build) makes its proxy all the same.
import { raceAbort, untilStopped, STOPPED } from "./abort.js";
import { declaredOver, discard, readLimited } from "./body.js";
import { answer, inBrowser, toJson } from "./boundary.js";
import { invalid } from "./error.js";
import { DEFAULT_HOOKS, split } from "./task.js";
import { intoCore, environment, instance, release, wasm } from "./wasm.js";

/**
 * The server build's proxy core (src/wasm/proxy.rs); its answers are JSON texts.
 * @typedef {object} ProxyCore
 * @property {boolean} wantsEnvironment whether it still lacks a credential the environment may give
 * @property {(environment: string) => void} supply
 * @property {(method: string, path: string, origin: string | undefined, length: string | undefined) => string} decide
 * @property {(path: string, body: Uint8Array | undefined, origin: string | undefined, now: number) => Forwarded} forward
 * @property {(status: number, headers: string, body: Uint8Array, authorization: string | undefined, origin: string | undefined) => string} relay
 * @property {(status: number, origin: string | undefined) => string} reply
 * @property {(cause: string, timedOut: boolean, origin: string | undefined) => string} unanswered
 *
 * The request a decision to forward makes, or its refusal.
 * @typedef {{ refusal(): string | undefined, upstream(): string, free(): void }} Forwarded
 * @typedef {{ url: string, method: string, headers: Record<string, string>, body?: string, passBack: string[] }} Upstream
 * @typedef {{ status: number, headers: Record<string, string>, body?: string | null }} Reply
 * @typedef {ReturnType<typeof deadline>} Deadline
 * What fetch threw: Node names its cause's code.
 * @typedef {{ cause?: { code?: unknown } }} FetchFailure
 */

/** The most of an upstream answer the proxy holds (it passes back job documents). */
const MAX_UPSTREAM_BYTES = 8 * 2 ** 20;

/** @type {typeof import("../index.js").createProxy} */
export function createProxy(config) {
  const { authorize, logger, ...data } = config ?? {};
  if (authorize !== undefined && typeof authorize !== "function") throw invalid("authorize", "must be a function");
  // The logger is checked, and its lines sent, as a client call's are (to the console when none is given).
  const [, { log = DEFAULT_HOOKS.log }] = split({ logger });
  const json = toJson(data, "config");
  return handler(json, authorize, log);
}

/**
 * The fetch-API handler around a ProxyCore made from `json`; `log` takes the core's lines.
 * @param {string} json
 * @param {import("../index.js").ProxyConfig["authorize"]} authorize
 * @param {(line: any) => void} log
 */
function handler(json, authorize, log) {
  let core = newCore(json);
  let madeIn = instance;
  // After the wasm instance was replaced, the old core is gone: make it again.
  const current = () => {
    if (madeIn !== instance) {
      core = newCore(json);
      madeIn = instance;
    }
    return core;
  };
  /** @type {(during: string, ask: (core: ProxyCore) => string) => Response} */
  const answerWith = (during, ask) => respond(JSON.parse(intoCore(() => ask(current()), during)));
  /** @type {(status: number, origin: string | undefined) => Response} */
  const reply = (status, origin) => answerWith("answering", (core) => core.reply(status, origin));

  /**
   * @param {Request} request
   * @param {string | undefined} origin
   * @param {Deadline} stop
   */
  async function handle(request, origin, stop) {
    const { pathname } = new URL(request.url);
    const length = request.headers.get("content-length") ?? undefined;
    if (current().wantsEnvironment) {
      const variables = toJson(environment(), "environment");
      intoCore(() => current().supply(variables), "reading the environment");
    }
    const decision = JSON.parse(intoCore(() => current().decide(request.method, pathname, origin, length), "checking a request"));
    if (decision.log) log(decision.log);
    if (decision.reply) return respond(decision.reply);
    const { readBody, maxBodyBytes, timeoutMs } = decision.forward;
    stop.start(timeoutMs);
    if (authorize) {
      const verdict = await judge(authorize, request, stop.signal);
      // The app's own answer (a redirect to sign in, say) is sent as it is.
      if (verdict instanceof Response) return verdict;
      if (verdict !== true) return reply(401, origin);
    }
    /** @type {Uint8Array | null | undefined} */
    let body;
    if (readBody) {
      body = await readBodyWithin(request, maxBodyBytes, stop.signal);
      if (body === null) return reply(413, origin);
      if (body === undefined) return fail(400, "invalid_request", "the request body could not be read", origin);
    }
    const forwardMadeIn = instance;
    // Not null past the checks above.
    const forward = intoCore(() => current().forward(pathname, /** @type {Uint8Array | undefined} */ (body), origin, Date.now()), "checking a request");
    /** @type {Upstream} */
    let upstream;
    try {
      const refusal = intoCore(() => forward.refusal(), "checking a request", undefined, forwardMadeIn);
      if (refusal !== undefined) return respond(JSON.parse(refusal));
      upstream = JSON.parse(intoCore(() => forward.upstream(), "checking a request", undefined, forwardMadeIn));
    } finally {
      release(forward, forwardMadeIn);
    }
    const received = await exchange(upstream, stop.signal);
    if (received.failed) {
      const { failed } = received;
      const cause = String(failed?.cause?.code ?? "");
      return answerWith("answering", (core) => core.unanswered(cause, stop.timedOut(), origin));
    }
    if (received.body === null) return fail(502, "bad_response", "the service's answer is too large", origin);
    try {
      // The scrub runs on the current core: an answer that arrived while another call
      // restarted the instance is still passed back.
      const { status, headers, body: answered } = received;
      return answerWith("passing the answer back", (core) => core.relay(status, headers, answered, upstream.headers.authorization, origin));
    } catch {
      // The core failed (and restarted), not the service: the proxy's own 500.
      return fail(500, "internal_error", "the proxy failed while passing the answer back; its core was restarted", origin);
    }
  }

  /**
   * A JSON error answer made here, with the core's CORS and body headers when it can give them.
   * @param {number} status
   * @param {import("../index.js").ErrorCode} code
   * @param {string} message
   * @param {string | undefined} origin
   */
  function fail(status, code, message, origin) {
    let headers = { "content-type": "application/json", "x-content-type-options": "nosniff" };
    try {
      headers = JSON.parse(intoCore(() => current().reply(status, origin), "answering")).headers;
    } catch {
      // The core failed again: the answer goes without CORS headers.
    }
    return respond({ status, headers, body: JSON.stringify({ error: { code, message } }) });
  }

  /** @param {Request} request */
  return async function proxy(request) {
    const origin = request.headers.get("origin") ?? undefined;
    // The caller going away (request.signal; in Workers with the
    // enable_request_signal flag) ends the request's work, as its deadline does.
    const stop = deadline(request.signal);
    try {
      return await handle(request, origin, stop);
    } catch {
      // A failed core: the error's text stays here.
      return fail(500, "server_error", "the proxy failed to handle the request", origin);
    } finally {
      stop.dispose();
    }
  };
}

/**
 * Asks `authorize`: its answer, or false when it throws, rejects or has not
 * answered when `signal` fires. Only `true` (or a Response) means anything.
 * @param {NonNullable<import("../index.js").ProxyConfig["authorize"]>} authorize
 * @param {Request} request
 * @param {AbortSignal} signal
 */
async function judge(authorize, request, signal) {
  try {
    const verdict = await untilStopped(authorize(request), signal);
    return verdict === STOPPED ? false : verdict;
  } catch {
    return false;
  }
}

/**
 * A request's own AbortSignal: fired when its caller goes away, or once
 * `start(ms)` set a deadline and it passes.
 * @param {AbortSignal | undefined} parent absent where the runtime gives requests none
 */
function deadline(parent) {
  const own = new AbortController();
  /** @type {ReturnType<typeof setTimeout> | undefined} */
  let timer;
  // Listened to only when there is a parent.
  const leave = () => own.abort(/** @type {AbortSignal} */ (parent).reason);
  if (parent?.aborted) leave();
  else parent?.addEventListener("abort", leave);
  return {
    signal: own.signal,
    /** @param {number} ms */
    start(ms) {
      timer = setTimeout(() => own.abort(new DOMException("the proxy's timeout passed", "TimeoutError")), ms);
    },
    timedOut: () => own.signal.reason?.name === "TimeoutError",
    dispose() {
      clearTimeout(timer);
      parent?.removeEventListener("abort", leave);
    },
  };
}

/**
 * The core for `config` (JSON); a refused config throws its KlingExtendError.
 * @param {string} config
 * @returns {ProxyCore}
 */
function newCore(config) {
  const variables = toJson(environment(), "environment");
  /** @type {{ core?: ProxyCore, refusal?: string }} */
  const made = intoCore(() => {
    try {
      return { core: new wasm.ProxyCore(config, inBrowser(), variables) };
    } catch (thrown) {
      // The core refuses a config by throwing its answer's text.
      if (typeof thrown !== "string") throw thrown;
      return { refusal: thrown };
    }
  }, "starting the proxy");
  return made.core ?? answer(/** @type {string} */ (made.refusal));
}

/**
 * The caller's body, null when over `max`, undefined when it broke off or did not come in time.
 * @param {Request} request
 * @param {number} max
 * @param {AbortSignal} signal
 */
async function readBodyWithin(request, max, signal) {
  try {
    return await raceAbort(readLimited(request.body, max), signal);
  } catch {
    request.body?.cancel().catch(() => {});
    return undefined;
  }
}

/**
 * Sends the upstream request, never following a redirect (it would carry
 * the key): `{ status, headers, body }` with the `passBack` headers' values
 * as a JSON list, `body` null when over the limit; or `{ failed }` with the
 * fetch error. A redirect's body, or one no Response can carry, is not read.
 * @param {Upstream} upstream
 * @param {AbortSignal} signal
 * @returns {Promise<{ status: number, headers: string, body: Uint8Array | null, failed?: undefined } | { failed: FetchFailure }>}
 */
async function exchange(upstream, signal) {
  /** @type {Response | undefined} */
  let response;
  try {
    /** @type {RequestInit} */
    const init = { method: upstream.method, headers: upstream.headers, body: upstream.body, redirect: "manual", signal };
    response = await raceAbort(fetch(upstream.url, init), signal);
    const status = response.status;
    const headers = JSON.stringify(upstream.passBack.map((name) => /** @type {Response} */ (response).headers.get(name)));
    const unread = response.type === "opaqueredirect" || status < 200 || status > 599 || (status >= 300 && status < 400);
    if (unread || declaredOver(response.headers, MAX_UPSTREAM_BYTES)) {
      discard(response);
      return { status, headers, body: unread ? new Uint8Array(0) : null };
    }
    return { status, headers, body: await raceAbort(readLimited(response.body, MAX_UPSTREAM_BYTES), signal) };
  } catch (failed) {
    discard(response);
    // A fetch error: Node's names its cause's code.
    return { failed: /** @type {FetchFailure} */ (failed) };
  }
}

/** @param {Reply} reply */
function respond(reply) {
  return new Response(reply.body ?? null, { status: reply.status, headers: new Headers(reply.headers) });
}
