// kling-extend/node: a node:http request listener around a fetch-API handler
// (createProxy's), so a Node server needs no glue of its own, and a server
// with its limits set. It holds no wasm: it only converts IncomingMessage →
// Request and Response → ServerResponse, answers what the fetch API cannot
// even represent, and bounds what a slow or greedy client can hold.
import { createServer as createNodeServer } from "node:http";
import { discard } from "./lib/body.js";

/** Methods a fetch Request refuses to carry (`new Request` throws). */
const FORBIDDEN_METHODS = new Set(["CONNECT", "TRACE", "TRACK"]);
/** What the body stream buffers ahead of its reader, in bytes. */
const BODY_BUFFER_BYTES = 64 * 1024;

/** The limits, each changeable by the option of its name. */
const DEFAULTS = {
  /** The request's headers must arrive within this (createServer only). */
  headersTimeoutMs: 10_000,
  /** Its body must have arrived whole within this, counted from its headers. */
  bodyTimeoutMs: 30_000,
  /** A keep-alive connection idle between requests this long is closed (createServer only). */
  idleTimeoutMs: 30_000,
  /** The answer must have been written within this: a client that stops reading is cut. */
  writeTimeoutMs: 30_000,
  /** Requests handled at once; one more is answered 503 at once. */
  maxInFlight: 256,
};

/**
 * `handler(request) → Response` as a `node:http` listener. It never throws and
 * never rejects: a method or URL the fetch API refuses is answered 405 / 400,
 * a handler that throws 500, a request past `maxInFlight` 503, all as JSON; a
 * client that goes away, or a body past `bodyTimeoutMs`, aborts
 * `request.signal`; a body the handler left unread closes the connection.
 */
export function toNodeListener(handler, options) {
  if (typeof handler !== "function") throw new TypeError("toNodeListener: handler must be a function");
  const limits = settings(options);
  let inFlight = 0;
  return (req, res) => {
    // A socket the client closed must not crash the process with an unhandled 'error'.
    req.on("error", () => {});
    res.on("error", () => {});
    if (inFlight >= limits.maxInFlight) {
      send(req, res, refusal(503, "the server is busy; try again", { "retry-after": "1" }), limits).catch(() => res.destroy());
      return;
    }
    inFlight += 1;
    serve(handler, req, res, limits)
      .catch(() => res.destroy())
      .finally(() => (inFlight -= 1));
  };
}

/**
 * A `node:http` server for `handler`, with every limit set: the listener's,
 * and the server's own for headers (`headersTimeoutMs`) and for an idle
 * keep-alive connection (`idleTimeoutMs`).
 */
export function createServer(handler, options) {
  const limits = settings(options);
  // Node checks the header and request timeouts on this interval (30 s by default).
  const connectionsCheckingInterval = Math.min(1_000, limits.headersTimeoutMs);
  const server = createNodeServer({ connectionsCheckingInterval }, toNodeListener(handler, limits));
  server.headersTimeout = limits.headersTimeoutMs;
  server.requestTimeout = limits.headersTimeoutMs + limits.bodyTimeoutMs;
  server.keepAliveTimeout = limits.idleTimeoutMs;
  return server;
}

/** The limits `options` sets, each a positive whole number, over the defaults. */
function settings(options = {}) {
  if (typeof options !== "object" || options === null) throw new TypeError("kling-extend/node: options must be an object");
  const limits = { ...DEFAULTS };
  for (const [name, value] of Object.entries(options)) {
    if (!(name in DEFAULTS)) throw new TypeError(`kling-extend/node: ${name} is not an option (${Object.keys(DEFAULTS).join(", ")})`);
    if (value === undefined) continue;
    if (!Number.isSafeInteger(value) || value < 1) throw new TypeError(`kling-extend/node: ${name} must be a whole number above 0`);
    limits[name] = value;
  }
  return limits;
}

async function serve(handler, req, res, limits) {
  const gone = new AbortController();
  const leave = () => gone.abort();
  res.once("close", leave);
  // A body must arrive in time; after it, the handler's own limits apply.
  const slow = () => gone.abort(new DOMException("the body did not arrive in time", "TimeoutError"));
  const hasBody = req.headers["transfer-encoding"] !== undefined || Number(req.headers["content-length"]) > 0;
  const bodyTimer = hasBody ? setTimeout(slow, limits.bodyTimeoutMs) : undefined;
  req.once("end", () => clearTimeout(bodyTimer));
  try {
    let response;
    if (FORBIDDEN_METHODS.has(req.method)) {
      response = refusal(405, "the method is not allowed");
    } else {
      const request = toRequest(req, gone.signal);
      if (!request) response = refusal(400, "the request cannot be represented");
      else response = await answer(handler, request);
    }
    await send(req, res, response, limits);
  } finally {
    clearTimeout(bodyTimer);
    res.off("close", leave);
  }
}

/** The handler's answer, or a 500 when it throws or answers something that is not a Response. */
async function answer(handler, request) {
  try {
    const response = await handler(request);
    // Response.error() (status 0) has no HTTP form.
    if (response instanceof Response && response.status >= 200) return response;
  } catch {
    // The handler's own error stays on the server.
  }
  return refusal(500, "the server failed to handle the request");
}

/** The fetch Request for `req`, or null when it has none (a URL the fetch API cannot parse). */
function toRequest(req, signal) {
  const headers = new Headers();
  for (let i = 0; i + 1 < req.rawHeaders.length; i += 2) {
    try {
      headers.append(req.rawHeaders[i], req.rawHeaders[i + 1]);
    } catch {
      // A header the fetch API cannot carry is left out.
    }
  }
  try {
    // The path is kept exactly ("//x" stays a path); the Host only names the origin.
    const scheme = req.socket?.encrypted ? "https" : "http";
    const url = new URL(req.url?.startsWith("/") ? `${scheme}://localhost${req.url}` : req.url);
    if (req.headers.host) url.host = req.headers.host; // An invalid host is ignored by the setter.
    const body = req.method === "GET" || req.method === "HEAD" ? undefined : bodyStream(req, signal);
    return new Request(url, { method: req.method, headers, body, duplex: "half", signal });
  } catch {
    return null;
  }
}

/**
 * `req`'s body as a ReadableStream that reads only as fast as its reader.
 * Cancelling it stops reading without destroying the socket, so an answer
 * (a 413) can still be sent; send() then closes the connection. The
 * request's `signal` (the client gone, the body too slow) errors it.
 */
function bodyStream(req, signal) {
  let open = true;
  const stop = () => {
    open = false;
    req.pause();
  };
  return new ReadableStream(
    {
      start(controller) {
        req.pause();
        const broken = (why) => {
          if (open) controller.error(new Error(why));
          open = false;
        };
        req.on("data", (chunk) => {
          if (!open) return;
          controller.enqueue(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
          if (controller.desiredSize <= 0) req.pause();
        });
        req.on("end", () => {
          if (open) controller.close();
          open = false;
        });
        req.on("close", () => broken("the client closed the connection before the body ended"));
        signal.addEventListener("abort", () => broken("the body did not arrive in time"), { once: true });
      },
      pull() {
        if (open) req.resume();
      },
      cancel: stop,
    },
    { highWaterMark: BODY_BUFFER_BYTES, size: (chunk) => chunk.byteLength },
  );
}

/**
 * Writes `response` to `res` at the pace the client reads, within
 * `writeTimeoutMs`; a client that went away or stopped reading only ends
 * the writing. One listener at a time: nothing accumulates on `res`.
 */
async function send(req, res, response, limits) {
  if (res.destroyed) return discard(response);
  res.statusCode = response.status;
  for (const [name, value] of response.headers) {
    if (name !== "set-cookie") res.setHeader(name, value);
  }
  const cookies = response.headers.getSetCookie?.() ?? [];
  if (cookies.length > 0) res.setHeader("set-cookie", cookies);
  // A body left unread leaves the connection unusable for a next request.
  if (!req.complete) res.setHeader("connection", "close");
  if (!response.body || req.method === "HEAD") {
    discard(response);
    res.end();
    return;
  }
  const deadline = Date.now() + limits.writeTimeoutMs;
  const reader = response.body.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      if (!res.write(value) && !(await drained(res, deadline - Date.now()))) throw new Error("the client stopped reading");
    }
    res.end();
  } catch {
    reader.cancel().catch(() => {});
    res.destroy();
  }
}

/** Whether `res` drained within `ms` (false: it closed, or the time ran out). */
function drained(res, ms) {
  return new Promise((resolve) => {
    const done = (ok) => () => {
      clearTimeout(timer);
      res.off("drain", ready);
      res.off("close", closed);
      resolve(ok);
    };
    const [ready, closed] = [done(true), done(false)];
    const timer = setTimeout(closed, Math.max(ms, 0));
    res.on("drain", ready);
    res.on("close", closed);
  });
}

/** An answer made here, shaped like the proxy's own errors. */
function refusal(status, message, headers = {}) {
  const code = status >= 500 ? "server_error" : "invalid_request";
  return Response.json({ error: { code, message } }, { status, headers: { "x-content-type-options": "nosniff", ...headers } });
}
