// createProxy against a hostile upstream (hostile-server.mjs) and hostile
// callers, from the installed package, in Node: directly as a fetch-API
// handler and behind `kling-extend/node`'s toNodeListener in node:http. The
// handler never rejects, its answers are JSON, never carry the key, and the
// next request works. Also a real wasm trap inside the proxy.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { createServer } from "node:http";
import { connect } from "node:net";
import { closeAll, createConsumer, fillWasmMemory, importFrom } from "./consumer.mjs";
import { startHostile } from "./hostile-server.mjs";

const API_KEY = "proxy-hostile-key-42";
const APP = "https://app.example.com";

const consumer = await createConsumer({
  name: "proxy-hostile",
  files: { "adapter-entry.mjs": 'export * from "kling-extend/node";\n' },
});
let hostile;
const servers = [];
const teardown = () =>
  closeAll([...servers.map((server) => () => new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  })), () => hostile?.close(), () => consumer.cleanup()]);
let pkg;
let adapter;
try {
  pkg = await importFrom(consumer, "package-entry.mjs");
  adapter = await importFrom(consumer, "adapter-entry.mjs");
  hostile = await startHostile();
} catch (err) {
  await teardown();
  throw err;
}
after(teardown);

/** Every answer received, for the final key check. */
const received = [];

/** A proxy whose upstream is the hostile route `route` (or any base URL). */
const proxyTo = (route, extra = {}) =>
  pkg.createProxy({ baseUrl: route.startsWith("http") ? route : `${hostile.url}/${route}`, apiKey: API_KEY, allowedOrigins: [APP], ...extra });

/** Calls `proxy` with a page-like request; never rejects, or the test fails. */
async function ask(proxy, path = "/v1/jobs/job_1", init = {}) {
  const response = await proxy(new Request(`http://proxy.local${path}`, { ...init, headers: { origin: APP, ...init.headers } }));
  const text = await response.text();
  received.push(`${response.status} ${[...response.headers].join("\n")}\n${text}`);
  let json;
  try {
    json = JSON.parse(text);
  } catch {}
  return { status: response.status, headers: response.headers, text, json };
}

function assertJsonError(res, status, code) {
  assert.equal(res.status, status, res.text);
  assert.match(res.headers.get("content-type") ?? "", /application\/json/);
  assert.equal(res.json?.error?.code, code, res.text);
  assert.equal(res.headers.get("access-control-allow-origin"), APP, "CORS headers on the error");
}

async function nextRequestWorks(proxy = proxyTo("ok")) {
  const res = await ask(proxy, "/v1/jobs/job_next");
  assert.equal(res.status, 200, res.text);
  assert.equal(res.json.id, "job_next");
}

async function listen(listener) {
  const server = createServer(listener);
  servers.push(server);
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  return `http://127.0.0.1:${server.address().port}`;
}

/** A raw HTTP exchange: writes `text`, resolves with everything read until the server closes (or 5 s). */
function raw(base, text) {
  const { port } = new URL(base);
  return new Promise((resolve) => {
    const socket = connect(Number(port), "127.0.0.1");
    let answer = "";
    const done = () => {
      clearTimeout(timer);
      socket.destroy();
      resolve(answer);
    };
    const timer = setTimeout(done, 5_000);
    socket.on("data", (data) => (answer += data.toString("latin1")));
    socket.on("error", done);
    socket.on("close", done);
    socket.write(text);
  });
}

// First, while the instance's allocator has little free memory of its own.
test("proxy: a wasm trap while scrubbing an upstream answer is the proxy's own JSON 500; a read in flight is still answered; the core is made again", async () => {
  const proxy = proxyTo("padded-6");
  // A read whose upstream answers after the trap: the answer that arrived is passed back.
  const inFlight = ask(proxyTo("delay-800"), "/v1/jobs/job_waiting");
  await new Promise((resolve) => setTimeout(resolve, 100));
  await fillWasmMemory(consumer);
  const trapped = await ask(proxy);
  assertJsonError(trapped, 500, "internal_error");
  assert.doesNotMatch(trapped.json.error.message, /service/, "the proxy's failure never blames the service");
  const answered = await inFlight;
  assert.equal(answered.status, 200, answered.text.slice(0, 300));
  assert.equal(answered.json.id, "job_waiting");
  // The same proxy, made before the reset: its core is made again, and the answer that trapped now passes.
  const again = await ask(proxy);
  assert.equal(again.status, 200, again.text.slice(0, 300));
  assert.equal(again.json.id, "job_1");
  await nextRequestWorks();
});

test("proxy: upstream redirects are a JSON 502; nothing reaches their target", async () => {
  await fetch(`${hostile.url}/__hostile/reset`, { method: "POST" });
  for (const route of ["redirect-307-same", "redirect-302-other", "redirect-308-other"]) {
    assertJsonError(await ask(proxyTo(route)), 502, "bad_response");
    const submit = await ask(proxyTo(route), "/v1/video/kling-extend-video", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ video_id: "v1" }),
    });
    assertJsonError(submit, 502, "bad_response");
  }
  const logs = await (await fetch(`${hostile.url}/__hostile/log`)).json();
  assert.deepEqual(logs.other, [], "nothing reached the other origin");
  assert.equal(logs.main.length, 6, "one request per call, none to a redirect's target");
  await nextRequestWorks();
});

test("proxy: upstream statuses 600–999 are a JSON 502 instead of a thrown RangeError", async () => {
  for (const status of [600, 799, 999]) {
    assertJsonError(await ask(proxyTo(`${hostile.rawUrl}/status/${status}`)), 502, "bad_response");
  }
  await nextRequestWorks();
});

test("proxy: an upstream body of 200 MB is a JSON 502 after a bounded read", async () => {
  const started = Date.now();
  assertJsonError(await ask(proxyTo("huge")), 502, "bad_response");
  assertJsonError(await ask(proxyTo("huge-declared")), 502, "bad_response");
  assert.ok(Date.now() - started < 15_000, `answered in ${Date.now() - started} ms`);
  await nextRequestWorks();
});

test("proxy: an upstream that echoes the key: the body is scrubbed and headers carrying it are dropped", async () => {
  const res = await ask(proxyTo("echo"), "/v1/jobs/job_e");
  assert.equal(res.status, 200, res.text);
  assert.ok(!res.text.includes(API_KEY), res.text);
  assert.equal(res.headers.get("x-request-id"), null, "the echoed x-request-id is dropped");
  const refused = await ask(proxyTo("echo"), "/v1/video/kling-extend-video", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ video_id: "v1" }),
  });
  assert.equal(refused.status, 400, refused.text);
  assert.ok(!refused.text.includes(API_KEY), refused.text);
  await nextRequestWorks();
});

test("proxy: authorize fails closed: only true forwards, a Response it returns is the answer; a broken caller body is a JSON 400", async () => {
  await fetch(`${hostile.url}/__hostile/reset`, { method: "POST" });
  const refusals = [
    false, "false", "true", "no", 1, {}, [], { ok: false }, null, undefined, new Boolean(true),
    () => true, Promise.resolve("yes"), Promise.reject(new Error(`rejected ${API_KEY}`)),
  ];
  for (const verdict of refusals) {
    const res = await ask(proxyTo("ok", { authorize: () => verdict }));
    assertJsonError(res, 401, "unauthorized");
  }
  const throwing = await ask(proxyTo("ok", { authorize: () => { throw new Error(`authorize exploded with ${API_KEY}`); } }));
  assertJsonError(throwing, 401, "unauthorized");
  assert.ok(!throwing.text.includes("exploded"), throwing.text);
  // One that never settles is cut by the proxy's own timeout, and nothing is forwarded.
  const started = Date.now();
  const hung = await ask(proxyTo("ok", { timeoutMs: 300, authorize: () => new Promise(() => {}) }));
  assertJsonError(hung, 401, "unauthorized");
  assert.ok(Date.now() - started < 3_000, `answered after ${Date.now() - started} ms`);
  const logs = await (await fetch(`${hostile.url}/__hostile/log`)).json();
  assert.deepEqual(logs.main, [], "nothing was forwarded");

  const own = await ask(proxyTo("ok", { authorize: () => new Response("sign in first", { status: 302, headers: { location: "/login" } }) }));
  assert.equal(own.status, 302, "the app's own Response is the answer");
  assert.equal(own.text, "sign in first");
  for (const verdict of [true, Promise.resolve(true)]) {
    assert.equal((await ask(proxyTo("ok", { authorize: () => verdict }))).status, 200);
  }

  let pulls = 0;
  const broken = new ReadableStream({
    pull(controller) {
      if (pulls++ === 0) controller.enqueue(new TextEncoder().encode('{"video_id":'));
      else controller.error(new Error("the caller went away"));
    },
  });
  const submit = await ask(proxyTo("ok"), "/v1/video/kling-extend-video", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: broken,
    duplex: "half",
  });
  assertJsonError(submit, 400, "invalid_request");
  await nextRequestWorks();
});

test("kling-extend/node: toNodeListener serves createProxy; TRACE, garbage, CONNECT, aborted uploads, huge bodies and a bad upstream never crash it", async () => {
  const base = await listen(adapter.toNodeListener(proxyTo("ok")));
  const bad = await listen(adapter.toNodeListener(proxyTo(`${hostile.rawUrl}/status/799`)));
  const throwing = await listen(adapter.toNodeListener(() => {
    throw new Error("handler bug");
  }));
  const get = async (url, init = {}) => {
    const res = await fetch(url, { ...init, headers: { origin: APP, ...init.headers } });
    const text = await res.text();
    received.push(`${res.status} ${[...res.headers].join("\n")}\n${text}`);
    return { status: res.status, headers: res.headers, text, json: text ? JSON.parse(text) : undefined };
  };

  const ok = await get(`${base}/v1/jobs/job_n`);
  assert.equal(ok.status, 200, ok.text);
  assert.equal(ok.json.id, "job_n");
  assert.equal(ok.headers.get("access-control-allow-origin"), APP);

  const trace = await raw(base, "TRACE /v1/jobs/job_n HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n");
  assert.match(trace, /^HTTP\/1\.1 405 /, trace);
  assert.match(trace, /"code":"invalid_request"/, trace);
  assert.match(await raw(base, "FOO /v1/jobs/x HTTP/1.1\r\nhost: x\r\n\r\n"), /^HTTP\/1\.1 400 /, "a method Node does not know");
  await raw(base, "CONNECT example.com:443 HTTP/1.1\r\nhost: example.com:443\r\n\r\n");
  await raw(base, "\x00\x01garbage\r\n\r\n");

  // An upload the client abandons halfway.
  const { port } = new URL(base);
  await new Promise((resolve) => {
    const socket = connect(Number(port), "127.0.0.1", () => {
      socket.write(`POST /v1/video/kling-extend-video HTTP/1.1\r\nhost: x\r\norigin: ${APP}\r\ncontent-type: application/json\r\ncontent-length: 100000\r\n\r\n{"video_id":`);
      setTimeout(() => socket.destroy(), 50);
    });
    socket.on("close", resolve);
    socket.on("error", () => {});
  });

  // A chunked body over maxBodyBytes: 413, and the connection is closed.
  const huge = await raw(
    base,
    `POST /v1/video/kling-extend-video HTTP/1.1\r\nhost: x\r\norigin: ${APP}\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n` +
      `${(200 * 1024).toString(16)}\r\n${"x".repeat(200 * 1024)}\r\n`,
  );
  assert.match(huge, /^HTTP\/1\.1 413 /, huge.slice(0, 300));
  assert.match(huge, /\r\nconnection: close\r\n/i, "the connection is closed after a body refused unread");

  const head = await fetch(`${base}/v1/jobs/job_n`, { method: "HEAD", headers: { origin: APP } });
  assert.ok([200, 405].includes(head.status), `HEAD answered ${head.status}`);

  assertJsonError(await get(`${bad}/v1/jobs/job_n`), 502, "bad_response");
  const failed = await get(`${throwing}/anything`);
  assert.equal(failed.status, 500);
  assert.equal(failed.json.error.code, "server_error");
  assert.ok(!failed.text.includes("handler bug"));

  const after = await get(`${base}/v1/jobs/job_after`);
  assert.equal(after.status, 200, "the server still serves after all of that");
});

test("proxy: no answer carries the key", () => {
  assert.ok(received.length > 20, `answers collected: ${received.length}`);
  for (const text of received) assert.ok(!text.includes(API_KEY), `the key leaked:\n${text.slice(0, 2000)}`);
});

test("proxy: every answer is JSON with nosniff and a CSP; an HTML or SVG upstream becomes the proxy's own JSON error", async () => {
  const check = (res, status, code) => {
    assertJsonError(res, status, code);
    assert.equal(res.headers.get("x-content-type-options"), "nosniff");
    assert.match(res.headers.get("content-security-policy") ?? "", /default-src 'none'/);
    assert.ok(!res.text.includes("<"), `no markup passed on: ${res.text}`);
  };
  // A 404 page that reflects the path, and JSON labelled as SVG.
  check(await ask(proxyTo("reflect-html"), "/v1/jobs/%3Cimg%20src%3Dx%20onerror%3Dalert(1)%3E"), 404, "not_found");
  check(await ask(proxyTo("html")), 502, "bad_response");
  const svg = await ask(proxyTo("svg-json"));
  assert.equal(svg.status, 200, svg.text);
  assert.equal(svg.headers.get("content-type"), "application/json", "JSON labelled image/svg+xml is served as JSON");
  assert.equal(svg.headers.get("x-content-type-options"), "nosniff");
  // The proxy's own refusals carry the same headers.
  const refused = await ask(proxyTo("ok"), "/v1/unknown");
  assert.equal(refused.status, 404);
  assert.equal(refused.headers.get("x-content-type-options"), "nosniff");
  await nextRequestWorks();
});

test("proxy: a caller that goes away aborts the upstream request", async () => {
  await fetch(`${hostile.url}/__hostile/reset`, { method: "POST" });
  const proxy = proxyTo("slow-headers");
  const callers = Array.from({ length: 30 }, () => {
    const controller = new AbortController();
    const request = new Request("http://proxy.local/v1/jobs/job_1", { headers: { origin: APP }, signal: controller.signal });
    const answered = proxy(request);
    setTimeout(() => controller.abort(), 200);
    return answered;
  });
  await Promise.all(callers);
  const open = async () => (await (await fetch(`${hostile.url}/__hostile/log`)).json()).main.filter((e) => !e.closed).length;
  const started = Date.now();
  while ((await open()) > 0 && Date.now() - started < 3_000) await new Promise((resolve) => setTimeout(resolve, 50));
  assert.equal(await open(), 0, "every upstream request was closed once its caller left");
  await nextRequestWorks();
});

/**
 * A raw connection to `base` that writes `text` and then does nothing:
 * resolves with ms until the server closed it (10 s at most).
 */
function stall(base, text, { read = true, onSocket = () => {} } = {}) {
  const { port } = new URL(base);
  return new Promise((resolve) => {
    const started = Date.now();
    const socket = connect(Number(port), "127.0.0.1", () => socket.write(text));
    onSocket(socket);
    // A reading client consumes what it gets, so the server's close reaches it.
    if (read) socket.resume();
    else socket.pause();
    const timer = setTimeout(() => socket.destroy(), 10_000);
    socket.on("close", () => {
      clearTimeout(timer);
      resolve(Date.now() - started);
    });
    socket.on("error", () => {});
  });
}

test("kling-extend/node: headers, body, idle and write timeouts close what a slow client holds; a bounded number in flight", async () => {
  const limits = { headersTimeoutMs: 300, bodyTimeoutMs: 300, idleTimeoutMs: 500, writeTimeoutMs: 400 };
  const server = adapter.createServer(proxyTo("ok"), limits);
  servers.push(server);
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  const base = `http://127.0.0.1:${server.address().port}`;

  const headers = await stall(base, "GET /v1/jobs/job_1 HTTP/1.1\r\nhost: x\r\n");
  assert.ok(headers < 3_000, `headers that never end: closed after ${headers} ms`);
  const body = await stall(base, `POST /v1/video/kling-extend-video HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: 100\r\n\r\n{"video_id":`);
  assert.ok(body < 3_000, `a body that never ends: closed after ${body} ms`);
  const idle = await stall(base, "");
  assert.ok(idle < 3_000, `a connection that sends nothing: closed after ${idle} ms`);

  // A client that never reads a 64 MB answer: the server lets go of it (a paused client sees nothing).
  const bigListener = adapter.toNodeListener(() => new Response(new Uint8Array(64 * 2 ** 20)), limits);
  let letGo;
  const big = await listen((req, res) => {
    const started = Date.now();
    res.on("close", () => (letGo = Date.now() - started));
    bigListener(req, res);
  });
  let client;
  stall(big, "GET / HTTP/1.1\r\nhost: x\r\n\r\n", { read: false, onSocket: (socket) => (client = socket) });
  const waited = Date.now();
  while (letGo === undefined && Date.now() - waited < 5_000) await new Promise((resolve) => setTimeout(resolve, 50));
  client.destroy();
  assert.ok(letGo < 3_000, `an answer nobody reads: let go after ${letGo} ms`);

  // One request at a time: a second is answered 503 at once, and the first still completes.
  let release;
  const gate = new Promise((resolve) => (release = resolve));
  const single = await listen(adapter.toNodeListener(async () => (await gate, Response.json({ ok: true })), { maxInFlight: 1 }));
  const first = fetch(`${single}/a`);
  await new Promise((resolve) => setTimeout(resolve, 100));
  const second = await fetch(`${single}/b`);
  assert.equal(second.status, 503);
  assert.equal(second.headers.get("retry-after"), "1");
  assert.equal((await second.json()).error.code, "server_error");
  release();
  assert.equal((await first).status, 200);
  await nextRequestWorks();
});

test("kling-extend/node: 200 slow clients beside a normal one, 3,000 keep-alive requests with the app's own listeners, no listener warning", async () => {
  const warnings = [];
  const onWarning = (warning) => warnings.push(warning);
  process.on("warning", onWarning);
  try {
    const listener = adapter.toNodeListener(proxyTo("ok"), { bodyTimeoutMs: 2_000 });
    // An app that listens to every response itself, three times.
    const base = await listen((req, res) => {
      for (let i = 0; i < 3; i++) res.on("close", () => {});
      listener(req, res);
    });
    const slow = Array.from({ length: 200 }, () =>
      stall(base, `POST /v1/video/kling-extend-video HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: 100\r\n\r\n{`),
    );
    const started = Date.now();
    const normal = await fetch(`${base}/v1/jobs/job_normal`, { headers: { origin: APP } });
    assert.equal(normal.status, 200);
    assert.ok(Date.now() - started < 1_000, `the normal client waited ${Date.now() - started} ms`);
    const { Agent, request } = await import("node:http");
    const agent = new Agent({ keepAlive: true, maxSockets: 4 });
    const { port } = new URL(base);
    const one = () =>
      new Promise((resolve, reject) => {
        request({ agent, port, host: "127.0.0.1", path: "/v1/jobs/job_k", headers: { origin: APP } }, (res) => {
          res.resume();
          res.on("end", () => resolve(res.statusCode));
        }).on("error", reject).end();
      });
    for (let i = 0; i < 3_000; i += 100) {
      const statuses = await Promise.all(Array.from({ length: 100 }, one));
      assert.ok(statuses.every((status) => status === 200), statuses.join(","));
    }
    agent.destroy();
    const closed = await Promise.all(slow);
    assert.ok(closed.every((ms) => ms < 5_000), `slow clients held on: ${Math.max(...closed)} ms`);
  } finally {
    process.off("warning", onWarning);
  }
  assert.deepEqual(warnings.map(String), [], "no warning");
});

test("kling-extend/node: a request waiting on a slow service is not idle: it is answered past idleTimeoutMs", async () => {
  const server = adapter.createServer(proxyTo("delay-1000"), { idleTimeoutMs: 300 });
  servers.push(server);
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  const answered = await fetch(`http://127.0.0.1:${server.address().port}/v1/jobs/job_slow`, { headers: { origin: APP } });
  assert.equal(answered.status, 200);
  assert.equal((await answered.json()).id, "job_slow");
});
