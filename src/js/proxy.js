// createProxy: the I/O of a key-holding proxy for Workers or any fetch-API
// server. Every decision (routes, origins, CORS, validation, the upstream
// request and its credential) is made by the Rust core (ProxyCore).
import { ProxyCore } from "./kling_extend.js";
import { KlingExtendError, rethrow } from "./error.js";

export function createProxy(config) {
  const { authorize, ...data } = config ?? {};
  if (authorize !== undefined && typeof authorize !== "function") {
    throw new KlingExtendError({ code: "invalid_request", field: "authorize", message: "authorize must be a function", retryable: false });
  }
  let core;
  try {
    core = new ProxyCore(data);
  } catch (error) {
    rethrow(error);
  }

  return async function proxy(request) {
    const { pathname } = new URL(request.url);
    const origin = request.headers.get("origin") ?? undefined;
    const decision = core.decide(request.method, pathname, origin, request.headers.get("content-length") ?? undefined);
    if (decision.reply) return respond(decision.reply);
    if (authorize && !(await authorize(request))) return respond(core.reply(401, origin).reply);
    let body;
    if (decision.forward.readBody) {
      body = await readLimited(request, decision.forward.maxBodyBytes);
      if (body === null) return respond(core.reply(413, origin).reply);
    }
    const forward = core.forward(pathname, body, origin);
    if (forward.reply) return respond(forward.reply);
    try {
      return await relay(forward, (status) => respond(core.reply(status, origin).reply));
    } finally {
      forward.free();
    }
  };
}

/**
 * Sends the upstream request and passes its status and body back, with any
 * credential the service echoed scrubbed from the body.
 */
async function relay(forward, failed) {
  const upstream = forward.upstream;
  let answer, text;
  try {
    answer = await fetch(upstream.url, {
      method: upstream.method,
      headers: upstream.headers,
      body: upstream.body === undefined ? undefined : JSON.stringify(upstream.body),
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
  return new Response(JSON.stringify(reply.body), { status: reply.status, headers });
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
