// createProxy: the I/O of a key-holding proxy for Workers or any fetch-API
// server. Every decision (routes, origins, CORS, validation, the upstream
// request and its credential) is made by the Rust core (the server build's
// ProxyCore). The handler never throws: whatever fails, the caller gets a
// JSON error answer.
import { declaredOver, discard, readLimited } from "./body.js";
import { answer, inBrowser, toJson } from "./boundary.js";
import { invalid } from "./error.js";
import { enter, generation, release, wasm } from "./wasm.js";

/** The most of an upstream answer the proxy holds (it passes back job documents). */
const MAX_UPSTREAM_BYTES = 8 * 2 ** 20;

export function createProxy(config) {
  const { authorize, ...data } = config ?? {};
  if (authorize !== undefined && typeof authorize !== "function") throw invalid("authorize", "must be a function");
  const json = toJson(data, "config");
  return handler(json, authorize);
}

/** The fetch-API handler around a ProxyCore made from `json`. */
function handler(json, authorize) {
  let core = newCore(json);
  let born = generation;
  // After the wasm instance was replaced, the old core is gone: make it again.
  const current = () => {
    if (born !== generation) {
      core = newCore(json);
      born = generation;
    }
    return core;
  };
  const reply = (status, origin) => respond(JSON.parse(enter(() => current().reply(status, origin), "answering")));
  // No answer from upstream: the core tells "never connected" (503: nothing was sent) from a timeout (504) or a broken exchange (502).
  const unanswered = (error, origin) => {
    const cause = String(error?.cause?.code ?? "");
    const timedOut = error?.name === "TimeoutError";
    return respond(JSON.parse(enter(() => current().unanswered(cause, timedOut, origin), "answering")));
  };

  async function handle(request, origin) {
    const { pathname } = new URL(request.url);
    const length = request.headers.get("content-length") ?? undefined;
    const decision = JSON.parse(enter(() => current().decide(request.method, pathname, origin, length), "checking a request"));
    if (decision.reply) return respond(decision.reply);
    if (authorize && !(await authorize(request))) return reply(401, origin);
    let body;
    if (decision.forward.readBody) {
      body = await readBody(request, decision.forward.maxBodyBytes);
      if (body === null) return reply(413, origin);
      if (body === undefined) return fail(400, "invalid_request", "the request body could not be read", origin);
    }
    const forwardBorn = generation;
    const forward = enter(() => current().forward(pathname, body, origin, Date.now()), "checking a request");
    try {
      const refusal = enter(() => forward.refusal(), "checking a request", undefined, forwardBorn);
      if (refusal !== undefined) return respond(JSON.parse(refusal));
      const upstream = JSON.parse(enter(() => forward.upstream(), "checking a request", undefined, forwardBorn));
      const scrub = (text) => enter(() => current().scrub(text, upstream.headers.authorization), "reading the service's answer");
      return await relay(upstream, scrub, origin, unanswered, fail);
    } finally {
      release(forward, forwardBorn);
    }
  }

  /** A JSON error answer made here, with the core's CORS headers when it can give them. */
  function fail(status, code, message, origin) {
    let headers = {};
    try {
      headers = JSON.parse(enter(() => current().reply(status, origin), "answering")).headers;
    } catch {
      // The core failed again: the answer goes without CORS headers.
    }
    return respond({ status, headers, body: JSON.stringify({ error: { code, message } }) });
  }

  return async function proxy(request) {
    const origin = request.headers.get("origin") ?? undefined;
    try {
      return await handle(request, origin);
    } catch {
      // A thrown authorize, a failed core: the error's text (maybe a hook's) stays here.
      return fail(500, "server_error", "the proxy failed to handle the request", origin);
    }
  };
}

/** The core for `config` (JSON); a refused config throws its KlingExtendError. */
function newCore(config) {
  const made = enter(() => {
    try {
      return { core: new wasm.ProxyCore(config, inBrowser()) };
    } catch (thrown) {
      // The core refuses a config by throwing its answer's text.
      if (typeof thrown !== "string") throw thrown;
      return { refusal: thrown };
    }
  }, "starting the proxy");
  return made.core ?? answer(made.refusal);
}

/** The caller's body, null when over `max`, undefined when it broke off. */
async function readBody(request, max) {
  try {
    return await readLimited(request.body, max);
  } catch {
    return undefined;
  }
}

/**
 * Sends the upstream request (never following a redirect: it would carry the
 * key) and passes its status and body back, with any credential the service
 * echoed scrubbed from the body and any header carrying one dropped. The
 * scrub runs on the current core: an answer that arrived while another call
 * restarted the instance is still passed back. An
 * answer no Response can carry (a redirect, a status outside 200–599, a body
 * too large) is a 502.
 */
async function relay(upstream, scrub, origin, unanswered, fail) {
  let response, body;
  try {
    response = await fetch(upstream.url, {
      method: upstream.method,
      headers: upstream.headers,
      body: upstream.body,
      redirect: "manual",
      signal: AbortSignal.timeout(upstream.timeoutMs),
    });
    if (response.type === "opaqueredirect" || response.status < 200 || response.status > 599 || (response.status >= 300 && response.status < 400)) {
      discard(response.body);
      return fail(502, "bad_response", `the service answered with HTTP ${response.status}, which the proxy does not pass on`, origin);
    }
    body = declaredOver(response.headers, MAX_UPSTREAM_BYTES) ? (discard(response.body), null) : await readLimited(response.body, MAX_UPSTREAM_BYTES);
  } catch (error) {
    return unanswered(error, origin);
  }
  if (body === null) return fail(502, "bad_response", "the service's answer is too large", origin);
  try {
    const headers = new Headers(upstream.cors);
    for (const name of upstream.passBack) {
      const value = response.headers.get(name);
      if (value !== null && scrub(value) === value) headers.set(name, value);
    }
    const empty = [204, 205, 304].includes(response.status);
    return new Response(empty ? null : scrub(new TextDecoder().decode(body)), { status: response.status, headers });
  } catch {
    // The core failed (and restarted), not the service: the proxy's own 500.
    return fail(500, "internal_error", "the proxy failed while passing the answer back; its core was restarted", origin);
  }
}

function respond(reply) {
  const headers = new Headers(reply.headers);
  if (reply.body === undefined) return new Response(null, { status: reply.status, headers });
  headers.set("content-type", "application/json");
  return new Response(reply.body, { status: reply.status, headers });
}
