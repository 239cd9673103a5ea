// kling-extend/node: a node:http request listener around a fetch-API handler
// (createProxy's), so a Node server needs no glue of its own. It holds no
// wasm: it only converts IncomingMessage → Request and Response →
// ServerResponse, and answers what the fetch API cannot even represent.
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";

/** Methods a fetch Request refuses to carry (`new Request` throws). */
const FORBIDDEN_METHODS = new Set(["CONNECT", "TRACE", "TRACK"]);
/** What the body stream buffers ahead of its reader, in bytes. */
const BODY_BUFFER_BYTES = 64 * 1024;

/**
 * `handler(request) → Response` as a `node:http` listener. It never throws and
 * never rejects: a method or URL the fetch API refuses is answered 405 / 400,
 * a handler that throws 500, all as JSON; a client that goes away aborts
 * `request.signal`; a body the handler left unread closes the connection.
 */
export function toNodeListener(handler) {
  if (typeof handler !== "function") throw new TypeError("toNodeListener: handler must be a function");
  return (req, res) => {
    // A socket the client closed must not crash the process with an unhandled 'error'.
    req.on("error", () => {});
    res.on("error", () => {});
    serve(handler, req, res).catch(() => res.destroy());
  };
}

async function serve(handler, req, res) {
  const gone = new AbortController();
  res.once("close", () => gone.abort());
  let response;
  if (FORBIDDEN_METHODS.has(req.method)) {
    response = refusal(405, "the method is not allowed");
  } else {
    const request = toRequest(req, gone.signal);
    if (!request) response = refusal(400, "the request cannot be represented");
    else response = await answer(handler, request);
  }
  await send(req, res, response);
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
    const body = req.method === "GET" || req.method === "HEAD" ? undefined : bodyStream(req);
    return new Request(url, { method: req.method, headers, body, duplex: "half", signal });
  } catch {
    return null;
  }
}

/**
 * `req`'s body as a ReadableStream that reads only as fast as its reader.
 * Cancelling it stops reading without destroying the socket, so an answer
 * (a 413) can still be sent; send() then closes the connection.
 */
function bodyStream(req) {
  let open = true;
  const stop = () => {
    open = false;
    req.pause();
  };
  return new ReadableStream(
    {
      start(controller) {
        req.pause();
        req.on("data", (chunk) => {
          if (!open) return;
          controller.enqueue(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
          if (controller.desiredSize <= 0) req.pause();
        });
        req.on("end", () => {
          if (open) controller.close();
          open = false;
        });
        req.on("close", () => {
          if (open) controller.error(new Error("the client closed the connection before the body ended"));
          open = false;
        });
      },
      pull() {
        if (open) req.resume();
      },
      cancel: stop,
    },
    { highWaterMark: BODY_BUFFER_BYTES, size: (chunk) => chunk.byteLength },
  );
}

/** Writes `response` to `res`; a client that went away only ends the writing. */
async function send(req, res, response) {
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
  try {
    await pipeline(Readable.fromWeb(response.body), res);
  } catch {
    res.destroy();
  }
}

function discard(response) {
  response.body?.cancel().catch(() => {});
}

/** An answer made here, shaped like the proxy's own errors. */
function refusal(status, message) {
  const code = status === 500 ? "server_error" : "invalid_request";
  return Response.json({ error: { code, message } }, { status });
}
