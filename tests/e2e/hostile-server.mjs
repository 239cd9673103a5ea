// A hostile "service" for the e2e tests: real HTTP on 127.0.0.1 that answers
// each class of hostile answer, started by the test files like the mock.
//
//   const hostile = await startHostile();
//   hostile.url       the service; a client's baseUrl is `${url}/<route>`, and
//                     the route (the first path segment) picks the answer
//   hostile.otherUrl  another origin (another port): a redirect target that
//                     only logs what reaches it
//   (route "padded-<n>": a valid job document of n MiB, for the wasm trap tests;
//   "delay-<ms>": a sane answer after that long; "cdn": ids and signed URLs
//   that look like credentials; "odd-zero", "odd-empty": Kling tasks that
//   succeed with a 0 s video or a video without an id; "lists-<n>": a valid
//   job document of exactly n MiB whose member is a list of one-item lists,
//   the shape that takes the most wasm memory per byte)
//   hostile.rawUrl    a raw TCP server: `${rawUrl}/status/<n>` answers
//                     `HTTP/1.1 <n>`, which node:http cannot write;
//                     `${rawUrl}/chunked-past` a chunked body far past the
//                     content-length it declares
//   GET  {url}/__hostile/log    → { main, other, raw }: what each received
//   POST {url}/__hostile/reset  → clears the logs
//   await hostile.close()
//
// Every answer carries CORS headers, so pages can call it. Every slow or
// endless answer is bounded in time and stops when the client goes away.
import { createServer } from "node:http";
import { createServer as createTcpServer } from "node:net";

/** The size of the endless body, and the size the over-limit one declares. */
export const HUGE_BYTES = 200 * 2 ** 20;
export const DECLARED_BYTES = 10 * 2 ** 30;
/** How long a slow answer takes at most (the client's timeout is far shorter). */
const SLOW_MS = 10_000;
const CHUNK = Buffer.alloc(64 * 1024, " ");

const CORS = {
  "access-control-allow-origin": "*",
  "access-control-expose-headers": "x-request-id, retry-after",
};

export async function startHostile() {
  const logs = { main: [], other: [], raw: [] };
  const timers = new Set();
  const main = createServer((req, res) => serveMain(req, res, logs, urls, timers));
  const other = createServer((req, res) => {
    if (req.method !== "OPTIONS") logs.other.push(entry(req));
    res.writeHead(req.method === "OPTIONS" ? 204 : 200, { ...CORS, ...preflight(req), "content-type": "application/json" });
    res.end(req.method === "OPTIONS" ? undefined : JSON.stringify(jobDocument("job_other")));
  });
  const raw = createTcpServer((socket) => serveRaw(socket, logs.raw));
  const urls = {};
  for (const [name, server] of Object.entries({ url: main, otherUrl: other, rawUrl: raw })) {
    await new Promise((resolve, reject) => {
      server.once("error", reject);
      server.listen(0, "127.0.0.1", resolve);
    });
    urls[name] = `http://127.0.0.1:${server.address().port}`;
  }
  const stop = (server) =>
    new Promise((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections?.();
    });
  return {
    ...urls,
    logs,
    async close() {
      for (const timer of timers) clearTimeout(timer);
      raw.unref();
      await Promise.all([stop(main), stop(other)]);
      await new Promise((resolve) => raw.close(() => resolve()));
    },
  };
}

function entry(req) {
  return {
    method: req.method,
    path: req.url,
    key: req.headers["x-api-key"] ?? req.headers.authorization ?? null,
    at: Date.now(),
    sent: 0,
    closed: false,
  };
}

function preflight(req) {
  if (req.method !== "OPTIONS") return {};
  return {
    "access-control-allow-methods": "GET, POST",
    "access-control-allow-headers": req.headers["access-control-request-headers"] ?? "*",
    "access-control-max-age": "600",
  };
}

/** A JWT that a CDN signed, not the client: the service's data, never a credential of ours. */
export const CDN_JWT =
  "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJ2aWRlby03IiwiZXhwIjoxOTk5OTk5OTk5fQ.3q2-7wAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";

function jobDocument(id, extra = {}) {
  return {
    id,
    model: "kling-extend-video",
    status: "succeeded",
    output: { outputs: [{ url: "https://cdn.example/out.mp4", type: "video" }] },
    credits_charged: 190,
    ...extra,
  };
}

/** The answer of a well-behaved service, for the call after a hostile one. */
function ok(req) {
  if (req.method === "POST") return { status: 202, body: { job_id: "job_hostile_ok", status: "queued" } };
  const id = decodeURIComponent(req.url.split("/").pop());
  return { status: 200, body: jobDocument(id) };
}

async function serveMain(req, res, logs, urls, timers) {
  req.on("error", () => {});
  res.on("error", () => {});
  if (req.method === "OPTIONS") {
    res.writeHead(204, { ...CORS, ...preflight(req) });
    return res.end();
  }
  const [, route = "", ...rest] = req.url.split("/");
  if (route === "__hostile") return control(req, res, rest.join("/"), logs);
  const record = entry(req);
  logs.main.push(record);
  res.once("close", () => {
    record.closed = true;
  });
  const wait = (ms) =>
    new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        timers.delete(timer);
        res.off("close", done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      timers.add(timer);
      res.once("close", done);
    });
  const json = (status, body, headers = {}) => {
    const text = typeof body === "string" ? body : JSON.stringify(body);
    record.sent = Buffer.byteLength(text);
    res.writeHead(status, { ...CORS, "content-type": "application/json", ...headers });
    res.end(text);
  };
  const tail = `/${rest.join("/")}`;
  const key = record.key ?? "";
  const redirect = /^redirect-(\d{3})-(same|other)$/.exec(route);
  if (redirect) {
    const target = `${redirect[2] === "same" ? urls.url : urls.otherUrl}/ok${tail}`;
    return json(Number(redirect[1]), { moved: target }, { location: target });
  }
  const delay = /^delay-(\d+)$/.exec(route);
  if (delay) {
    await wait(Number(delay[1]));
    if (res.destroyed) return;
    const { status, body } = ok(req);
    return json(status, body);
  }
  const odd = /^odd-(zero|empty)$/.exec(route);
  if (odd) return json(200, oddTask(req.method, odd[1]));
  const padded = /^padded-(\d+)$/.exec(route);
  // A valid job document of that many MiB: more than a wasm with little memory left can take.
  if (padded) return stream(res, record, Number(padded[1]) * 2 ** 20, decodeURIComponent(tail.split("/").pop()));
  const lists = /^lists-(\d+)$/.exec(route);
  if (lists) return streamLists(res, record, Number(lists[1]) * 2 ** 20, decodeURIComponent(tail.split("/").pop()));
  switch (route) {
    case "ok": {
      const { status, body } = ok(req);
      return json(status, body);
    }
    case "huge":
      return stream(res, record, HUGE_BYTES, "job_huge");

    case "huge-declared":
      res.writeHead(200, { ...CORS, "content-type": "application/json", "content-length": String(DECLARED_BYTES) });
      res.write(CHUNK);
      record.sent = CHUNK.length;
      await wait(SLOW_MS);
      return res.destroy();
    case "slow-headers":
      await wait(SLOW_MS);
      if (!res.destroyed) json(200, jobDocument("job_slow"));
      return;
    case "slow-body": {
      res.writeHead(200, { ...CORS, "content-type": "application/json" });
      res.write('{"id":"job_slow","status":"running"');
      for (let i = 0; i < SLOW_MS / 100 && !res.destroyed; i++) {
        res.write(" ");
        record.sent += 1;
        await wait(100);
      }
      return res.end("}");
    }
    case "reflect-html":
      // A 404 page that echoes the path it was asked for, as many servers' do.
      return json(404, `<!doctype html><p>No page ${decodeURIComponent(req.url)}</p>`, { "content-type": "text/html" });
    case "svg-json":
      return json(200, jobDocument(decodeURIComponent(tail.split("/").pop())), { "content-type": "image/svg+xml" });
    case "html":
      return json(200, "<!doctype html><html><body><h1>502 Bad Gateway</h1></body></html>", { "content-type": "text/html" });
    case "binary":
      record.sent = 4096;
      res.writeHead(200, { ...CORS, "content-type": "application/json" });
      return res.end(Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 151 + 0x80) & 0xff)));
    case "nested":
      return json(200, `${"[".repeat(100_000)}${"]".repeat(100_000)}`);
    case "numbers": {
      const numbers = Array.from({ length: Math.ceil(65_536 / 7) }, () => "1e-300").join(",");
      return json(200, `{"id":"job_numbers","status":"running","samples":[${numbers}]}`);
    }
    case "echo":
      // A service that repeats the caller's credential everywhere it can.
      if (req.method === "POST") {
        return json(400, { error: { message: `bad key ${key}`, field: key, detail: key } }, { "x-request-id": key });
      }
      return json(
        200,
        jobDocument(decodeURIComponent(tail.split("/").pop()), { status: "failed", error: `key ${key} is suspended`, echo: { key } }),
        { "x-request-id": key },
      );
    case "cdn":
      // Ids that hold the caller's key glued inside, URLs signed with another party's JWT,
      // and the key once as a whole token: only that may be taken out.
      if (req.method === "POST") return json(202, { job_id: `job_${key}_a7`, status: "queued" });
      return json(200, cdnDocument(decodeURIComponent(tail.split("/").pop()), key));
    case "escaped": {
      // The key echoed with its first character as a JSON escape, in a value and as a key.
      const escaped = key ? `\\u${key.charCodeAt(0).toString(16).padStart(4, "0")}${key.slice(1)}` : "";
      const id = JSON.stringify(decodeURIComponent(tail.split("/").pop()));
      return json(200, `{"id":${id},"status":"running","note":"key ${escaped} echoed","${escaped}":1}`);
    }
    case "retry-after-zero":
      return json(503, { error: { message: "overloaded" } }, { "retry-after": "0" });
    case "mismatch":
      return json(200, jobDocument("job_someone_else"));
    default:
      return json(404, { error: { message: `no hostile route ${route}` } });
  }
}

/** A finished job whose every string looks like a secret but the one that is. */
export function cdnDocument(id, key) {
  const url = `https://customer-7.cloudflarestream.com/${CDN_JWT}/downloads/default.mp4?token=${CDN_JWT}`;
  return jobDocument(id, {
    output: { outputs: [{ url, type: "video", id: `vid_${key}_b8` }] },
    signed: CDN_JWT,
    glued: `x${key}y`,
    note: `served for key ${key} today`,
  });
}

/** A Kling task that succeeds with a video no chain can go on from. */
function oddTask(method, kind) {
  const video = kind === "zero" ? { id: "vid_odd", url: "https://cdn.example/odd.mp4", duration: "0" } : { id: "", url: "https://cdn.example/odd.mp4", duration: "10" };
  const data =
    method === "POST"
      ? { task_id: "t_odd", task_status: "submitted" }
      : { task_id: "t_odd", task_status: "succeed", task_result: { videos: [video] }, final_unit_deduction: "1" };
  return { code: 0, message: "SUCCEED", request_id: "req_odd", data };
}

/** Writes job `id`'s document with `total` bytes of padding, as fast as the client reads. */
async function stream(res, record, total, id) {
  res.writeHead(200, { ...CORS, "content-type": "application/json" });
  res.write(`{"id":${JSON.stringify(id)},"status":"running","padding":"`);
  while (record.sent < total && !res.destroyed) {
    record.sent += CHUNK.length;
    if (!res.write(CHUNK)) await new Promise((resolve) => {
      const done = () => {
        res.off("drain", done);
        res.off("close", done);
        resolve();
      };
      res.once("drain", done);
      res.once("close", done);
    });
  }
  if (!res.destroyed) res.end('"}');
}

/** One-item lists, `[0],` each, 64 KiB at a time. */
const LISTS = Buffer.from("[0],".repeat(CHUNK.length / 4));

/**
 * A valid job document of exactly `total` bytes: `padding` is a list of `[0]`
 * lists, each 4 bytes of text that the wasm holds as a value and a one-item
 * list (BENCHMARKS.md, "Large documents"), spaces making up the rest.
 */
async function streamLists(res, record, total, id) {
  const head = `{"id":${JSON.stringify(id)},"status":"running","padding":[`;
  // The lists are written "[0]," but the last, "[0]", and "]}" close the document.
  const spaces = (total - head.length - 1) % 4;
  let left = (total - head.length - spaces - 1) / 4 - 1;
  res.writeHead(200, { ...CORS, "content-type": "application/json", "content-length": String(total) });
  res.write(head + " ".repeat(spaces));
  record.sent = head.length + spaces;
  while (left > 0 && !res.destroyed) {
    const chunk = LISTS.subarray(0, Math.min(left * 4, LISTS.length));
    left -= chunk.length / 4;
    record.sent += chunk.length;
    if (!res.write(chunk)) await drained(res);
  }
  if (!res.destroyed) res.end("[0]]}");
}

/** Until `res` takes more, or closes. */
function drained(res) {
  return new Promise((resolve) => {
    const done = () => {
      res.off("drain", done);
      res.off("close", done);
      resolve();
    };
    res.once("drain", done);
    res.once("close", done);
  });
}

function control(req, res, what, logs) {
  res.writeHead(200, { ...CORS, "content-type": "application/json" });
  if (what === "reset" && req.method === "POST") {
    for (const list of Object.values(logs)) list.length = 0;
    return res.end("{}");
  }
  res.end(JSON.stringify(logs));
}

/**
 * A job document chunked past the `content-length` it declares (100 bytes):
 * 64 MiB of it, which only a client that trusts the declared length over
 * `transfer-encoding` reads whole; `record.sent` counts what was written.
 */
function chunkedPast(socket, cors, record) {
  record.sent = 0;
  socket.write(
    `HTTP/1.1 200 OK\r\n${cors}content-type: application/json\r\ncontent-length: 100\r\n` +
      `transfer-encoding: chunked\r\nconnection: close\r\n\r\n`,
  );
  const chunk = (text) => `${Buffer.byteLength(text).toString(16)}\r\n${text}\r\n`;
  socket.write(chunk('{"id":"job_c","status":"running","padding":"'));
  const pad = chunk(CHUNK.toString());
  const more = (left) => {
    while (left > 0 && !socket.destroyed) {
      left -= 1;
      record.sent += CHUNK.length;
      if (!socket.write(pad)) return socket.once("drain", () => more(left));
    }
    if (!socket.destroyed) socket.end(chunk('"}') + "0\r\n\r\n");
  };
  more(1024);
}

/**
 * The raw server: reads a request head and answers `HTTP/1.1 <n>` for
 * `/status/<n>/…`, then closes. A preflight gets a plain 204.
 */
function serveRaw(socket, log) {
  socket.on("error", () => {});
  let head = "";
  socket.setTimeout(SLOW_MS, () => socket.destroy());
  socket.on("data", (data) => {
    head += data.toString("latin1");
    if (!head.includes("\r\n\r\n")) return;
    const [method, path] = head.split(" ");
    const preflightHeaders = /\r\naccess-control-request-headers: *([^\r]*)/i.exec(head)?.[1] ?? "*";
    const cors = Object.entries(CORS).map(([k, v]) => `${k}: ${v}\r\n`).join("");
    if (method === "OPTIONS") {
      socket.end(
        `HTTP/1.1 204 No Content\r\n${cors}access-control-allow-methods: GET, POST\r\n` +
          `access-control-allow-headers: ${preflightHeaders}\r\ncontent-length: 0\r\nconnection: close\r\n\r\n`,
      );
      return;
    }
    log.push({ method, path, at: Date.now() });
    if (path.startsWith("/chunked-past/")) return chunkedPast(socket, cors, log.at(-1));
    const status = /^\/status\/(\d+)\//.exec(path)?.[1] ?? "404";
    const body = JSON.stringify(jobDocument("job_raw"));
    socket.end(
      `HTTP/1.1 ${status} Odd\r\n${cors}content-type: application/json\r\n` +
        `content-length: ${body.length}\r\nconnection: close\r\n\r\n${body}`,
    );
  });
}
