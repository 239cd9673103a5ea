// createProxy: the I/O of a key-holding proxy for Workers or any fetch-API
// server. Every decision (routes, origins, CORS, validation, the upstream
// request and its credential) is made by the Rust core (the server build's
// ProxyCore).
import { answer, inBrowser, toJson } from "./boundary.js";
import { invalid } from "./error.js";
import { wasm } from "./wasm.js";

export function createProxy(config) {
  const { authorize, ...data } = config ?? {};
  if (authorize !== undefined && typeof authorize !== "function") throw invalid("authorize", "must be a function");
  const json = toJson(data, "config");
  return handler(newCore(json), authorize);
}

/** The fetch-API handler around a ProxyCore. */
function handler(core, authorize) {
  const reply = (status, origin) => respond(JSON.parse(core.reply(status, origin)));

  return async function proxy(request) {
    const { pathname } = new URL(request.url);
    const origin = request.headers.get("origin") ?? undefined;
    const decision = JSON.parse(core.decide(request.method, pathname, origin, request.headers.get("content-length") ?? undefined));
    if (decision.reply) return respond(decision.reply);
    if (authorize && !(await authorize(request))) return reply(401, origin);
    let body;
    if (decision.forward.readBody) {
      body = await readLimited(request, decision.forward.maxBodyBytes);
      if (body === null) return reply(413, origin);
    }
    const forward = core.forward(pathname, body, origin, Date.now());
    try {
      const refusal = forward.refusal();
      if (refusal !== undefined) return respond(JSON.parse(refusal));
      return await relay(forward, (status) => reply(status, origin));
    } finally {
      forward.free();
    }
  };
}

/** The core for `config` (JSON); a refused config throws its KlingExtendError. */
function newCore(config) {
  try {
    return new wasm.ProxyCore(config, inBrowser());
  } catch (thrown) {
    if (typeof thrown !== "string") throw thrown;
    return answer(thrown);
  }
}

/**
 * Sends the upstream request and passes its status and body back, with any
 * credential the service echoed scrubbed from the body.
 */
async function relay(forward, failed) {
  const upstream = JSON.parse(forward.upstream());
  let answer, text;
  try {
    answer = await fetch(upstream.url, {
      method: upstream.method,
      headers: upstream.headers,
      body: upstream.body,
      signal: AbortSignal.timeout(upstream.timeoutMs),
    });
    text = await answer.text();
  } catch (error) {
    return failed(error?.name === "TimeoutError" ? 504 : 502);
  }
  const headers = new Headers(upstream.cors);
  for (const name of upstream.passBack) {
    const value = answer.headers.get(name);
    if (value !== null) headers.set(name, value);
  }
  const empty = [204, 205, 304].includes(answer.status);
  return new Response(empty ? null : forward.scrub(text), { status: answer.status, headers });
}

function respond(reply) {
  const headers = new Headers(reply.headers);
  if (reply.body === undefined) return new Response(null, { status: reply.status, headers });
  headers.set("content-type", "application/json");
  return new Response(reply.body, { status: reply.status, headers });
}

/** The body, or null once it passes `max` bytes (the rest is never read). */
async function readLimited(request, max) {
  if (!request.body) return new Uint8Array(0);
  const reader = request.body.getReader();
  const chunks = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > max) {
      await reader.cancel();
      return null;
    }
    chunks.push(value);
  }
  const body = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    body.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return body;
}
