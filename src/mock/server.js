/**
 * Provider-neutral HTTP plumbing of the mock: routing, CORS, request ids,
 * body limits, the request log and fault injection. Providers (and the
 * control API) only supply routes; they never see faults, sockets or CORS.
 *
 * A route is `{ method, path, handle(ctx) }`: `path` is an exact string or a
 * RegExp whose groups become `ctx.params` (percent-decoded); `handle` returns (or resolves to)
 * `{ status, headers?, body? }` where a non-string body is sent as JSON.
 * `ctx.requestId` is the id sent in `x-request-id` (Kling's envelope repeats
 * it). A route with `method: "*"` takes any method; put it after the routes
 * of the same path, so it only sees what they did not take (a provider's own
 * "wrong method" answer instead of the generic 405).
 *
 * Requests under CONTROL_PREFIX are the control API: never logged, never
 * faulted, so a test can always drive the mock. OPTIONS is answered here
 * (CORS preflight) and is likewise never logged or faulted.
 */
import { createServer } from "node:http";
import { klingError } from "./klingcodes.js";

export const CONTROL_PREFIX = "/__mock/";
export const MAX_BODY_BYTES = 1024 * 1024;
/** Past this, an oversized upload is cut off instead of drained for a 413. */
const MAX_DRAIN_BYTES = 64 * MAX_BODY_BYTES;
const SECRET_HEADERS = new Set(["x-api-key", "authorization"]);

/**
 * @param {{ host: string, port: number, routes: any[], log: any[],
 *           faults: import("./faults.js").FaultQueue }} options
 *   `log` is appended to in place, so callers can hold on to the array.
 * @returns {Promise<{ url: string, port: number, close(): Promise<void> }>}
 */
export async function startServer({ host, port, routes, log, faults }) {
  let requestCount = 0;

  const server = createServer((req, res) => {
    const requestId = `req_${++requestCount}`;
    handle(req, res, requestId).catch((err) => {
      // Last resort: handle() catches route errors itself, so this is a mock bug.
      console.error("kling-extend mock: unexpected error", err);
      if (!res.headersSent && !res.destroyed) res.destroy();
    });
  });
  // Node's fetch subtracts 2 s from the `keep-alive: timeout` hint and closes
  // the connection when nothing is left, so 2 s would mean a new connection
  // per request; close() ends idle sockets anyway.
  server.keepAliveTimeout = 10_000;
  server.on("clientError", (err, socket) => {
    // Malformed HTTP or a reset socket: answer if still possible, never throw.
    if (socket.writable && err.code !== "ECONNRESET") {
      const body = JSON.stringify({ error: { message: "malformed HTTP request" } });
      socket.end(
        `HTTP/1.1 400 Bad Request\r\ncontent-type: application/json\r\n` +
          `content-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
      );
    } else {
      socket.destroy();
    }
  });

  async function handle(req, res, requestId) {
    // Writes to a socket the client already closed must not crash the process.
    req.on("error", noop);
    res.on("error", noop);
    let gone = false;
    res.once("close", () => {
      if (!res.writableFinished) gone = true;
    });

    const base = { ...corsHeaders(req.headers), "x-request-id": requestId };
    if (req.method === "OPTIONS") {
      send(res, { status: 204 }, base);
      return;
    }

    const target = originForm(req.url ?? "/");
    const path = pathOf(target);
    const control = path.startsWith(CONTROL_PREFIX);
    const read = await readBody(req, res);
    if (read === null) return; // client went away mid-upload

    const entry = control
      ? null
      : {
          seq: log.length + 1,
          requestId,
          at: Date.now(),
          method: req.method,
          path: target,
          headers: redact(req.headers),
          body: read.text,
          outcome: null,
        };
    if (entry) log.push(entry);
    const finish = (outcome) => {
      if (entry) entry.outcome = outcome;
    };

    if (read.tooLarge) {
      const answer = errorAnswer(413, `body too large (limit ${MAX_BODY_BYTES} bytes)`);
      send(res, answer, read.close ? { ...base, connection: "close" } : base);
      finish(answer.status);
      return;
    }

    const fault = control ? undefined : faults.take(req.method, target);
    if (fault?.delayMs) {
      await delay(fault.delayMs, res);
      if (gone) return finish("aborted");
    }
    if (fault?.drop === "before") {
      req.socket.destroy();
      return finish("dropped");
    }

    const answer = isAnswering(fault) ? faultAnswer(fault, requestId) : await dispatch(req, path, read.text, requestId);
    if (fault?.drop === "after") {
      req.socket.destroy();
      return finish("dropped");
    }
    if (gone) return finish("aborted");
    send(res, answer, base);
    finish(answer.status);
  }

  /** Runs the matching route; 404 / 405 / 500 as JSON otherwise. */
  async function dispatch(req, path, text, requestId) {
    const allowed = [];
    for (const route of routes) {
      const params = matchPath(route.path, path);
      if (!params) continue;
      if (route.method !== req.method && route.method !== "*") {
        allowed.push(route.method);
        continue;
      }
      try {
        return await route.handle({ method: req.method, path, params, headers: req.headers, text, requestId });
      } catch (err) {
        console.error("kling-extend mock: route failed", err);
        return errorAnswer(500, "mock internal error");
      }
    }
    if (allowed.length) {
      return { ...errorAnswer(405, `method ${req.method} not allowed`), headers: { allow: allowed.join(", ") } };
    }
    return errorAnswer(404, `no route for ${req.method} ${path}`);
  }

  await new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  // After listen, a server error (rare) must not become an uncaught exception.
  server.on("error", (err) => console.error("kling-extend mock: server error", err));

  const actualPort = /** @type {import("node:net").AddressInfo} */ (server.address()).port;
  let closing;
  return {
    url: `http://${urlHost(host)}:${actualPort}`,
    port: actualPort,
    /** Stops listening and destroys every open socket, keep-alive ones included. */
    close() {
      closing ??= new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return closing;
    },
  };
}

/** JSON error body in the gateway's shape. */
export function errorAnswer(status, message, extra = {}) {
  return { status, body: { error: { message, ...extra } } };
}

/** True when the fault answers in place of the request (status or klingCode). */
function isAnswering(fault) {
  return fault !== undefined && (fault.status !== undefined || fault.klingCode !== undefined);
}

function faultAnswer(fault, requestId) {
  if (fault.klingCode !== undefined) {
    // Kling's envelope with the table's status; fault headers still override.
    return { ...klingError(fault.klingCode, requestId), headers: fault.headers };
  }
  return {
    status: fault.status,
    headers: fault.headers,
    body: fault.body === undefined ? { error: { message: "injected fault" } } : fault.body,
  };
}

/**
 * CORS for every response: tests load pages from another localhost origin.
 * Echoing the requested headers keeps preflights working for any client.
 */
function corsHeaders(h) {
  const headers = {
    "access-control-allow-origin": h.origin ?? "*",
    "access-control-allow-methods": "GET, POST, OPTIONS",
    "access-control-allow-headers": h["access-control-request-headers"] ?? "content-type, x-api-key, authorization",
    "access-control-expose-headers": "retry-after, x-request-id",
    "access-control-max-age": "600",
  };
  if (h.origin) headers.vary = "Origin, Access-Control-Request-Headers";
  if (h["access-control-request-private-network"] === "true") {
    headers["access-control-allow-private-network"] = "true";
  }
  return headers;
}

/** Writes an answer unless the client is gone; base headers first, so a fault can override them. */
function send(res, answer, base) {
  if (res.headersSent || res.destroyed) return;
  const noBody = answer.status === 204 || answer.status === 304 || answer.body === undefined;
  const headers = noBody
    ? { ...base, ...answer.headers }
    : { ...base, "content-type": "application/json", "cache-control": "no-store", ...answer.headers };
  res.statusCode = answer.status;
  for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
  if (noBody) {
    res.end();
  } else {
    // setHeader (not writeHead) lets Node add content-length itself.
    const raw = typeof answer.body === "string" || answer.body instanceof Uint8Array;
    res.end(raw ? answer.body : JSON.stringify(answer.body));
  }
}

/**
 * Reads the body as UTF-8. Resolves null if the client disconnects first;
 * over MAX_BODY_BYTES it keeps draining (so the client can read the 413)
 * and resolves `{ tooLarge: true }`.
 */
function readBody(req, res) {
  return new Promise((resolve) => {
    const chunks = [];
    let size = 0;
    let settled = false;
    const settle = (value) => {
      if (!settled) {
        settled = true;
        resolve(value);
      }
    };
    if (Number(req.headers["content-length"]) > MAX_DRAIN_BYTES) {
      // Not worth draining: answer 413 and close the connection (best effort).
      settle({ tooLarge: true, close: true, text: "" });
      return;
    }
    req.on("data", (chunk) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) chunks.push(chunk);
      else chunks.length = 0;
      if (size > MAX_DRAIN_BYTES) req.socket.destroy();
    });
    req.on("end", () =>
      settle(size > MAX_BODY_BYTES ? { tooLarge: true, text: "" } : { tooLarge: false, text: Buffer.concat(chunks).toString("utf8") }),
    );
    req.on("error", () => settle(null));
    res.once("close", () => settle(null));
  });
}

/** Waits `ms`, or less if the client disconnects meanwhile. */
function delay(ms, res) {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      res.off("close", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    res.once("close", done);
  });
}

function matchPath(pattern, path) {
  if (typeof pattern === "string") return pattern === path ? [] : null;
  const m = pattern.exec(path);
  return m ? m.slice(1).map(decodeSegment) : null;
}

/** A percent-decoded path segment; a malformed escape is kept as it came. */
function decodeSegment(segment) {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/** Path without the query; origin-form targets are not URL-parsed, so odd ones cannot throw. */
function pathOf(target) {
  const q = target.indexOf("?");
  return q < 0 ? target : target.slice(0, q);
}

/** Request target as path + query, also for absolute-form ("http://host/path") requests. */
function originForm(target) {
  if (target.startsWith("/")) return target;
  try {
    const url = new URL(target);
    return url.pathname + url.search;
  } catch {
    return target;
  }
}

/** Request headers for the log, with credentials blanked (the log is served over HTTP). */
function redact(headers) {
  const out = {};
  for (const [name, value] of Object.entries(headers)) {
    out[name] = SECRET_HEADERS.has(name) ? "[redacted]" : value;
  }
  return out;
}

function urlHost(host) {
  if (host === "0.0.0.0" || host === "") return "127.0.0.1";
  if (host === "::") return "[::1]";
  return host.includes(":") ? `[${host}]` : host;
}

function noop() {}
