// createProxy end to end, from the installed package:
// - workerd: the example Worker (examples/worker) copied into a consumer
//   project as a user would, bundled by `wrangler deploy --dry-run`, run in
//   Miniflare on a real port, once per provider, with the mock upstream;
// - Node: createProxy in a plain node:http server, with an `authorize` hook.
// A page-like client (the installed package in Node, no key, an Origin
// header) talks to each proxy; raw fetches probe what the proxy refuses.
// Every response received is kept and finally searched for the secrets.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, readdirSync } from "node:fs";
import { createHmac } from "node:crypto";
import { execFile } from "node:child_process";
import { createServer } from "node:http";
import { join } from "node:path";
import { Readable } from "node:stream";
import { promisify } from "node:util";
import { Miniflare } from "miniflare";
import { REPO, assertWorkerdBundle, bundledWorker, closeAll, createConsumer, importFrom, wranglerDryRun } from "./consumer.mjs";


const API_KEY = "server-key-123";
const ACCESS_KEY = "ak_proxy";
const SECRET_KEY = "sk_proxy_secret";
const SECRETS = [API_KEY, SECRET_KEY, ACCESS_KEY];
const APP = "https://app.example.com";
const EVIL = "https://evil.example";
const USER_TOKEN = "Bearer user-ok";
const EXAMPLE = join(REPO, "examples", "worker");

const ROUTES = {
  trinetra: { submit: "/v1/video/kling-extend-video", job: (id) => `/v1/jobs/${id}`, accepted: 202 },
  kling: { submit: "/v1/videos/video-extend", job: (id) => `/v1/videos/video-extend/${id}`, accepted: 200 },
};

// ------------------------------------------------------------------ set-up
// All of it before the first test(): Node 20 runs after() hooks as soon as
// the registered tests are done, even while the module is still awaiting.
const consumer = await createConsumer({
  name: "proxy",
  files: {
    // The example as a user copies it after `npm install kling-extend`.
    "src/index.js": readFileSync(join(EXAMPLE, "src", "index.js"), "utf8"),
    "wrangler.toml": readFileSync(join(EXAMPLE, "wrangler.toml"), "utf8"),
  },
});
let mock;
const workers = {}; // provider → { mf, url }
let nodeServer;
const teardown = () =>
  closeAll([
    () => workers.trinetra?.mf.dispose(),
    () => workers.kling?.mf.dispose(),

    () => nodeServer && closeServer(nodeServer),
    () => mock?.close(),
    () => consumer.cleanup(),
  ]);

const dist = join(consumer.dir, "dist");
let wranglerOutput;
let bundle;
let scriptName;
let pkg;
let nodeProxyUrl;
let compatibilityDate;
let authorizeCalls = 0;
try {
  pkg = await importFrom(consumer, "package-entry.mjs");
  const { startMock } = await importFrom(consumer, "mock-entry.mjs");
  mock = await startMock({
    port: 0,
    apiKeys: [API_KEY],
    klingKeys: [{ accessKey: ACCESS_KEY, secretKey: SECRET_KEY }],
    advance: { mode: "polls", stepPolls: 1 },
  });

  wranglerOutput = await wranglerDryRun(consumer);
  scriptName = readdirSync(dist).find((f) => f.endsWith(".js"));
  bundle = readFileSync(join(dist, scriptName), "utf8");
  const toml = readFileSync(join(EXAMPLE, "wrangler.toml"), "utf8");
  compatibilityDate = /^compatibility_date\s*=\s*"([^"]+)"/m.exec(toml)[1];
  const compatibilityFlags = JSON.parse(/^compatibility_flags\s*=\s*(\[.*\])/m.exec(toml)[1]);

  const common = { ALLOWED_ORIGINS: APP, UPSTREAM_URL: mock.url };
  const bindings = {
    trinetra: { ...common, PROVIDER: "trinetra", TRINETRA_API_KEY: API_KEY },
    kling: { ...common, PROVIDER: "kling", KLING_ACCESS_KEY: ACCESS_KEY, KLING_SECRET_KEY: SECRET_KEY },
  };
  for (const provider of ["trinetra", "kling"]) {
    const options = { compatibilityDate, compatibilityFlags, bindings: bindings[provider], host: "127.0.0.1", port: 0 };
    const mf = new Miniflare(bundledWorker(dist, options));
    workers[provider] = { mf };
    workers[provider].url = String(await mf.ready).replace(/\/$/, "");
  }

  // The Node proxy: the installed createProxy behind node:http, with the
  // app's own user check.
  const proxy = pkg.createProxy({
    baseUrl: mock.url,
    apiKey: API_KEY,
    allowedOrigins: [APP],
    authorize: async (request) => {
      authorizeCalls += 1;
      return request.headers.get("authorization") === USER_TOKEN;
    },
  });
  nodeServer = await serve(proxy);
  nodeProxyUrl = `http://127.0.0.1:${nodeServer.address().port}`;
} catch (err) {
  await teardown();
  throw err;
}
after(teardown);

// ------------------------------------------------------------------ helpers

/** Everything received from a proxy, for the final secrets check. */
const received = [];

function keep(where, status, headers, text) {
  received.push({ where, status, headers: [...headers], text });
}

/**
 * A request whose declared body is over the limit: the proxy answers 413
 * without reading it, and under load the client may still be writing the
 * body when the connection closes (undici then reports no response at all).
 * One more try tells that race from a proxy that never answers.
 */
async function callOverLimit(base, path, init) {
  try {
    return await call(base, path, init);
  } catch (error) {
    if (error?.message !== "fetch failed") throw error;
    return call(base, path, init);
  }
}

/** A raw request to a proxy; the answer is kept. */
async function call(base, path, init = {}) {
  const res = await fetch(`${base}${path}`, init);
  const text = await res.text();
  keep(`${init.method ?? "GET"} ${base}${path}`, res.status, res.headers, text);
  let json;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, text, json };
}

/** The package's `fetch` option: records what it sends and keeps what it gets. */
const sentByPackage = [];
function recordingFetch(rewriteBody) {
  return async (url, init) => {
    sentByPackage.push({ url, method: init.method, headers: { ...init.headers } });
    const body = rewriteBody && init.body !== undefined ? rewriteBody(init.body) : init.body;
    const res = await fetch(url, { ...init, body });
    const text = await res.clone().text();
    keep(`package ${init.method} ${url}`, res.status, res.headers, text);
    return res;
  };
}

/** Options of a page-like client: the proxy's URL, no key, an Origin. */
function pageOptions(provider, base, extra = {}) {
  return {
    provider,
    baseUrl: base,
    headers: { origin: APP },
    fetch: recordingFetch(),
    intervalMs: 10,
    maxRetries: 0,
    ...extra,
  };
}

async function rejection(promise) {
  try {
    const value = await promise;
    assert.fail(`expected a rejection, got ${JSON.stringify(value)}`);
  } catch (err) {
    if (err instanceof assert.AssertionError) throw err;
    keep("package error", 0, [], `${err.message} ${JSON.stringify(err)}`);
    return err;
  }
}

/** What the mock has seen so far, to check that nothing more reached it. */
const snapshot = () => ({ log: mock.log.length, jobs: mock.jobs.length });
const newEntries = (before) => mock.log.slice(before.log);

function assertNotForwarded(before, what) {
  assert.deepEqual(
    newEntries(before).map((e) => `${e.method} ${e.path}`),
    [],
    `${what}: nothing may reach the upstream`,
  );
  assert.equal(mock.jobs.length, before.jobs, `${what}: no job created or cleared`);
}

function assertErrorBody(res, status, code, field) {
  assert.equal(res.status, status, `status of ${res.text}`);
  assert.match(res.headers.get("content-type") ?? "", /application\/json/);
  assert.equal(res.json?.error?.code, code, res.text);
  assert.equal(typeof res.json.error.message, "string");
  if (field !== undefined) assert.equal(res.json.error.field, field, res.text);
}

function assertCors(res, what) {
  assert.equal(res.headers.get("access-control-allow-origin"), APP, `${what}: allow-origin`);
  assert.match(res.headers.get("vary") ?? "", /origin/i, `${what}: vary`);
}

const json = (value, headers = {}) => ({
  method: "POST",
  headers: { "content-type": "application/json", origin: APP, ...headers },
  body: typeof value === "string" ? value : JSON.stringify(value),
});

/** A body Node's fetch sends chunked (no content-length). */
function streamed(bytes, chunk = 16 * 1024) {
  let at = 0;
  return new ReadableStream({
    pull(controller) {
      if (at >= bytes.length) return controller.close();
      controller.enqueue(bytes.subarray(at, at + chunk));
      at += chunk;
    },
  });
}

/**
 * POSTs `text` as a chunked body (no content-length) that is over the
 * proxy's limit, and returns the answer. The proxy answers 413 before the
 * client has sent everything, so the server may reset the connection while
 * the client is still writing (workerd does in roughly 1 of 10 tries): the
 * client then never sees the 413. A few such resets are tolerated; any other
 * failure is not.
 */
async function streamedOverLimit(base, path, headers, text) {
  const resets = [];
  for (let attempt = 0; attempt < 6; attempt++) {
    try {
      return await call(base, path, { method: "POST", headers, body: streamed(new TextEncoder().encode(text)), duplex: "half" });
    } catch (err) {
      const code = err?.cause?.code;
      if (!["ECONNRESET", "EPIPE", "UND_ERR_SOCKET"].includes(code)) throw err;
      resets.push(code);
    }
  }
  assert.fail(`no answer to a streamed over-limit body, only connection resets: ${resets.join(", ")}`);
}

/** A valid submit of about `size` bytes (a long prompt). */
function bigBody(size) {
  return JSON.stringify({ video_id: "v_big", prompt: "x".repeat(size) });
}

/** node:http ⇄ fetch API, as a user's server would do it. */
function serve(handler) {
  const server = createServer(async (req, res) => {
    try {
      const headers = new Headers();
      for (let i = 0; i < req.rawHeaders.length; i += 2) headers.append(req.rawHeaders[i], req.rawHeaders[i + 1]);
      const hasBody = req.method !== "GET" && req.method !== "HEAD";
      const request = new Request(new URL(req.url, `http://${req.headers.host}`), {
        method: req.method,
        headers,
        body: hasBody ? Readable.toWeb(req) : undefined,
        duplex: "half",
      });
      const response = await handler(request);
      const out = Object.fromEntries(response.headers);
      // The proxy refuses a large body without reading it all (413). Node
      // then leaves the keep-alive connection unusable (after a declared-length
      // 413 and a chunked 413 on it, the next request there is reset after
      // ~6 s), so close it whenever the body was not read to its end.
      if (!req.complete) out.connection = "close";
      res.writeHead(response.status, out);
      if (response.body) for await (const chunk of response.body) res.write(chunk);
      res.end();
    } catch (err) {
      if (!res.headersSent) res.writeHead(500, { "content-type": "text/plain" });
      res.end(`proxy handler threw: ${err?.stack ?? err}`);
    }
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve(server));
  });
}

function closeServer(server) {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

// ------------------------------------------------------------------ workerd

test("workerd: the example Worker bundles with the package's workerd entry, importing the wasm as a module", () => {
  assertWorkerdBundle(assert, dist, bundle, wranglerOutput);
  assert.ok(bundle.includes("ProxyCore"), "the bundle holds createProxy (its core, ProxyCore)");
  assert.match(pkg.resolved, /\/node_modules\/kling-extend\/node\.js$/, "the page-like client is the installed package");
});

for (const provider of ["trinetra", "kling"]) {
  const routes = ROUTES[provider];
  const worker = () => workers[provider].url;
  const name = (what) => `workerd ${provider}: ${what}`;

  test(name("a page-like client without a key submits and polls to succeeded through the Worker"), async () => {
    const before = snapshot();
    const options = pageOptions(provider, worker());
    const submission = await pkg.extendVideo({ video_id: `v_${provider}_page`, prompt: "go on" }, options);
    assert.equal(submission.provider, provider);
    assert.equal(submission.status, "queued");
    const updates = [];
    const job = await pkg.pollJob(submission.job_id, { ...options, onUpdate: (j) => updates.push(j.status) });
    assert.equal(job.status, "succeeded");
    assert.equal(job.id, submission.job_id);
    assert.ok(job.output.outputs[0].url.startsWith(`${mock.url}/media/`), JSON.stringify(job.output));
    assert.deepEqual(updates, ["queued", "running", "succeeded"]);
    const entries = newEntries(before);
    assert.deepEqual(
      entries.map((e) => `${e.method} ${e.path} ${e.outcome}`),
      [
        `POST ${routes.submit} ${routes.accepted}`,
        `GET ${routes.job(submission.job_id)} 200`,
        `GET ${routes.job(submission.job_id)} 200`,
        `GET ${routes.job(submission.job_id)} 200`,
      ],
    );
    for (const e of entries) {
      assert.equal(e.headers.origin, undefined, "the caller's Origin is not forwarded");
      if (provider === "trinetra") assert.equal(e.headers["x-api-key"], "[redacted]");
      else assert.equal(e.headers.authorization, "[redacted]");
    }

    if (provider === "kling") {
      // The package makes a Kling submit findable by an external_task_id; the
      // proxy keeps it, and a task reads by either id through the Worker.
      const task = mock.jobs.find((j) => j.id === submission.job_id);
      assert.ok(task.external_task_id, `the external_task_id reached the service: ${JSON.stringify(task)}`);
      const byId = await pkg.getJob(submission.job_id, options);
      assert.equal(byId.status, "succeeded");
      assert.equal(byId.id, submission.job_id);
      const byExternal = await pkg.getJob(task.external_task_id, options);
      assert.equal(byExternal.id, submission.job_id);
      assert.equal(byExternal.status, "succeeded");
    }
  });

  test(name("answers carry CORS headers for the allowed origin and the upstream's status and body"), async () => {
    const submit = await call(worker(), routes.submit, json({ video_id: "v_cors" }));
    assert.equal(submit.status, routes.accepted, submit.text);
    assertCors(submit, "submit");
    assert.match(submit.headers.get("access-control-expose-headers") ?? "", /x-request-id/);
    assert.match(submit.headers.get("x-request-id") ?? "", /^req_\d+$/, "x-request-id passed back");
    assert.match(submit.headers.get("content-type") ?? "", /application\/json/);
    const id = provider === "trinetra" ? submit.json.job_id : submit.json.data.task_id;
    assert.ok(id, submit.text);

    const read = await call(worker(), routes.job(id), { headers: { origin: APP } });
    assert.equal(read.status, 200, read.text);
    assertCors(read, "job read");
    assert.equal(provider === "trinetra" ? read.json.id : read.json.data.task_id, id);

    const missing = await call(worker(), routes.job("job_does_not_exist"), { headers: { origin: APP } });
    assert.equal(missing.status, 404, `the upstream's 404 is passed back: ${missing.text}`);
    assertCors(missing, "upstream 404");

    // No Origin: not a page, so allowed, and no CORS headers.
    const server = await call(worker(), routes.job(id));
    assert.equal(server.status, 200, server.text);
    assert.equal(server.headers.get("access-control-allow-origin"), null);
  });

  test(name("paths outside the two routes are 404 and never reach the upstream"), async () => {
    await call(worker(), routes.submit, json({ video_id: "v_before_forbidden" })); // so there is a job and a log to lose
    const before = snapshot();
    assert.ok(before.log > 0 && before.jobs > 0);
    const other = provider === "trinetra" ? ROUTES.kling : ROUTES.trinetra;
    for (const [method, path] of [
      ["GET", "/v1/admin"],
      ["POST", "/__mock/reset"],
      ["GET", "/__mock/log"],
      ["POST", "/__mock/config"],
      ["GET", "/"],
      ["POST", other.submit],
      ["GET", routes.job("a/b")],
      ["GET", `${routes.job("")}`],
    ]) {
      const res = await call(worker(), path, {
        method,
        headers: { origin: APP, "content-type": "application/json" },
        body: method === "POST" ? JSON.stringify({ advance: { mode: "time" } }) : undefined,
      });
      assertErrorBody(res, 404, "not_found");
      assertCors(res, `${method} ${path}`);
    }
    assertNotForwarded(before, "forbidden paths");
    assert.equal(mock.config.advance.mode, "polls", "the mock's config is untouched");
  });

  test(name("a wrong method is 405 with Allow, and not forwarded"), async () => {
    const before = snapshot();
    const del = await call(worker(), routes.job("x"), { method: "DELETE", headers: { origin: APP } });
    assertErrorBody(del, 405, "invalid_request");
    assert.equal(del.headers.get("allow"), "GET, OPTIONS");
    assertCors(del, "405");
    const get = await call(worker(), routes.submit, { headers: { origin: APP } });
    assertErrorBody(get, 405, "invalid_request");
    assert.equal(get.headers.get("allow"), "POST, OPTIONS");
    const put = await call(worker(), routes.submit, { ...json({ video_id: "v" }), method: "PUT" });
    assertErrorBody(put, 405, "invalid_request");
    assertNotForwarded(before, "wrong methods");
  });

  test(name("a bad body is 400 with its field, also as err.field through the package, and not forwarded"), async () => {
    const before = snapshot();
    const cfg = await call(worker(), routes.submit, json({ video_id: "v", cfg_scale: 7 }));
    assertErrorBody(cfg, 400, "invalid_request", "cfg_scale");
    assertCors(cfg, "400");
    const notJson = await call(worker(), routes.submit, json("<html>"));
    assertErrorBody(notJson, 400, "invalid_request", "body");
    const empty = await call(worker(), routes.submit, json("{}"));
    assertErrorBody(empty, 400, "invalid_request", "video_id");

    // The package validates cfg_scale itself, so a client that passes its own
    // checks has its body changed on the way (as an older client might send).
    const err = await rejection(
      pkg.extendVideo(
        { video_id: "v_bad_through_package" },
        pageOptions(provider, worker(), {
          fetch: recordingFetch((body) => JSON.stringify({ ...JSON.parse(body), cfg_scale: 7 })),
        }),
      ),
    );
    assert.ok(err instanceof pkg.KlingExtendError, String(err));
    assert.equal(err.code, "invalid_request", err.message);
    assert.equal(err.status, 400);
    assert.equal(err.field, "cfg_scale", `err.field from the proxy's answer (${JSON.stringify(err)})`);
    assert.equal(err.retryable, false);
    assertNotForwarded(before, "bad bodies");
  });

  test(name("an unknown field is 400 naming it, and not forwarded"), async () => {
    const before = snapshot();
    const res = await call(worker(), routes.submit, json({ video_id: "v", colour: "red" }));
    assertErrorBody(res, 400, "invalid_request", "colour");
    const other = provider === "trinetra" ? { video_id: "v", mode: "pro" } : { video_id: "v", resolution: "1080p" };
    const res2 = await call(worker(), routes.submit, json(other));
    assertErrorBody(res2, 400, "invalid_request", Object.keys(other)[1]);
    assertNotForwarded(before, "unknown fields");
  });

  test(name("a body over 64 KiB is 413, with content-length and streamed, and not forwarded"), async () => {
    const before = snapshot();
    const huge = bigBody(200 * 1024);
    const declared = await callOverLimit(worker(), routes.submit, json(huge));
    assertErrorBody(declared, 413, "invalid_request");
    assertCors(declared, "413");
    const chunked = await streamedOverLimit(worker(), routes.submit, json("").headers, huge);
    assertErrorBody(chunked, 413, "invalid_request");
    const justOver = await callOverLimit(worker(), routes.submit, json(bigBody(65536)));
    assertErrorBody(justOver, 413, "invalid_request");
    assertNotForwarded(before, "huge bodies");

    // A streamed body under the limit is read and forwarded.
    const small = await call(worker(), routes.submit, {
      ...json(""),
      body: streamed(new TextEncoder().encode(JSON.stringify({ video_id: "v_streamed", prompt: "p".repeat(2000) })), 1000),
      duplex: "half",
    });
    assert.equal(small.status, routes.accepted, small.text);
    const [entry] = newEntries(before);
    assert.equal(entry?.method, "POST");
    assert.equal(JSON.parse(entry.body).video_id, "v_streamed");
  });

  test(name("the client's X-API-Key, Authorization and cookies are dropped; the server's credential is used"), async () => {
    const before = snapshot();
    const res = await call(
      worker(),
      routes.submit,
      json(
        { video_id: "v_client_keys" },
        {
          "x-api-key": "client-key-wrong",
          authorization: "Bearer nope",
          cookie: "session=abc",
          "x-client-secret": "shh",
        },
      ),
    );
    assert.equal(res.status, routes.accepted, `the upstream accepted the server's credential: ${res.text}`);
    if (provider === "kling") assert.equal(res.json.code, 0, res.text);
    const entries = newEntries(before);
    assert.equal(entries.length, 1);
    const { headers } = entries[0];
    if (provider === "trinetra") {
      assert.equal(headers["x-api-key"], "[redacted]", "the key is present (and redacted in the log)");
      assert.equal(headers.authorization, undefined, "the client's Authorization is not forwarded");
    } else {
      assert.equal(headers.authorization, "[redacted]", "a token is present (and redacted in the log)");
      assert.equal(headers["x-api-key"], undefined, "the client's X-API-Key is not forwarded");
    }
    for (const name of ["cookie", "x-client-secret", "origin"]) {
      assert.equal(headers[name], undefined, `${name} is not forwarded (${JSON.stringify(headers)})`);
    }

    // Through the package too: extra headers never replace the proxy's credential.
    const submission = await pkg.extendVideo(
      { video_id: "v_client_keys_pkg" },
      pageOptions(provider, worker(), {
        headers: { origin: APP, "x-api-key": "client-key-wrong", authorization: "Bearer nope" },
      }),
    );
    assert.equal(submission.status, "queued");
  });

  test(name("a disallowed origin is 403 and not forwarded"), async () => {
    const before = snapshot();
    const submit = await call(worker(), routes.submit, json({ video_id: "v_evil" }, { origin: EVIL }));
    assertErrorBody(submit, 403, "forbidden");
    const read = await call(worker(), routes.job("x"), { headers: { origin: EVIL } });
    assertErrorBody(read, 403, "forbidden");
    const lookalike = await call(worker(), routes.job("x"), { headers: { origin: `${APP}.evil.example` } });
    assertErrorBody(lookalike, 403, "forbidden");
    // The page can read why: the refusal carries its origin's CORS header, and says what to change.
    assert.equal(submit.headers.get("access-control-allow-origin"), EVIL);
    assert.equal(submit.headers.get("access-control-expose-headers"), null, "the refusal alone: nothing more exposed");
    assert.match(submit.text, /allowedOrigins/);
    const err = await rejection(pkg.extendVideo({ video_id: "v_evil_pkg" }, pageOptions(provider, worker(), { headers: { origin: EVIL } })));
    assert.equal(err.code, "forbidden", err.message);
    assert.equal(err.status, 403);
    assert.equal(err.maybeSubmitted, false, "a 403 took nothing");
    assert.match(err.message, /^HTTP 403: this page's origin is not in createProxy's allowedOrigins/);
    assertNotForwarded(before, "another origin");
  });

  test(name("a preflight is 204 with CORS headers, from another origin too (its request is then refused readably)"), async () => {
    const before = snapshot();
    const preflight = (path, origin, method) =>
      call(worker(), path, {
        method: "OPTIONS",
        headers: { origin, "access-control-request-method": method, "access-control-request-headers": "content-type" },
      });
    for (const [path, method] of [
      [routes.submit, "POST"],
      [routes.job("job_1"), "GET"],
    ]) {
      const ok = await preflight(path, APP, method);
      assert.equal(ok.status, 204, ok.text);
      assert.equal(ok.text, "");
      assert.equal(ok.headers.get("access-control-allow-origin"), APP);
      assert.equal(ok.headers.get("access-control-allow-methods"), `${method}, OPTIONS`);
      assert.match(ok.headers.get("access-control-allow-headers") ?? "", /content-type/);
      assert.equal(ok.headers.get("access-control-max-age"), "600");
      const evil = await preflight(path, EVIL, method);
      assert.equal(evil.status, 204, evil.text);
      assert.equal(evil.headers.get("access-control-allow-origin"), EVIL);
    }
    const unknown = await preflight("/v1/admin", APP, "GET");
    assert.equal(unknown.status, 404);
    assertNotForwarded(before, "preflights");
  });

  test(name("upstream errors come back with their status, body and Retry-After, and the package reads them"), async () => {
    const before = snapshot();
    const rateLimit =
      provider === "trinetra"
        ? { method: "POST", status: 429, headers: { "retry-after": "1" } }
        : { method: "POST", klingCode: 1302, headers: { "retry-after": "1" } };
    mock.fault(rateLimit);
    const raw = await call(worker(), routes.submit, json({ video_id: "v_limited" }));
    assert.equal(raw.status, 429, raw.text);
    assert.equal(raw.headers.get("retry-after"), "1");
    assert.match(raw.headers.get("access-control-expose-headers") ?? "", /retry-after/);
    assertCors(raw, "429");
    if (provider === "kling") assert.equal(raw.json.code, 1302, raw.text);
    else assert.equal(raw.json.error.message, "injected fault");

    mock.fault(rateLimit);
    const limited = await rejection(pkg.extendVideo({ video_id: "v_limited_pkg" }, pageOptions(provider, worker())));
    assert.equal(limited.code, "rate_limited", limited.message);
    assert.equal(limited.status, 429);
    assert.equal(limited.retryAfterMs, 1000);
    if (provider === "kling") assert.equal(limited.providerCode, 1302);

    mock.fault({ method: "GET", status: 503 });
    const down = await rejection(pkg.getJob("job_x", pageOptions(provider, worker())));
    assert.equal(down.code, "server_error", down.message);
    assert.equal(down.status, 503);
    assert.equal(mock.faults.length, 0);
    assert.deepEqual(
      newEntries(before).map((e) => e.outcome),
      [429, 429, 503],
      "each went upstream once (maxRetries 0), none created a job",
    );
    assert.equal(mock.jobs.length, before.jobs);
  });

  // A service that echoes the credential in an error (the threat
  // node.test.mjs guards against for the client, whose errors are redacted)
  // must not show it to the page, whose client has no key to scrub: the proxy
  // scrubs the upstream body. These answers are checked here, not in
  // `received` (the last test checks the ordinary traffic).
  test(name("an upstream error that echoes the credential does not reveal it to the page"), async () => {
    const echoed = provider === "trinetra" ? API_KEY : ACCESS_KEY;
    const fault =
      provider === "trinetra"
        ? { method: "POST", status: 403, body: { error: { message: `key ${API_KEY} is not allowed here` } } }
        : { method: "POST", status: 401, body: { code: 1000, message: `unknown iss ${ACCESS_KEY}`, request_id: "r_echo" } };
    mock.fault(fault);
    const res = await fetch(`${worker()}${routes.submit}`, json({ video_id: "v_echo" }));
    const text = await res.text();
    assert.equal(res.status, fault.status, text);
    mock.fault(fault);
    const err = await pkg
      .extendVideo({ video_id: "v_echo_pkg" }, { ...pageOptions(provider, worker()), fetch: undefined })
      .then(
        () => assert.fail("expected a rejection"),
        (e) => e,
      );
    const leaks = [
      [`raw ${res.status} body`, text],
      ["the package's error (page side)", `${err.message} ${JSON.stringify(err)}`],
    ].filter(([, seen]) => seen.includes(echoed));
    assert.deepEqual(
      leaks,
      [],
      `the upstream echoed ${echoed}; the proxy passed it to the page (expected it redacted, as the package's client does)`,
    );
  });

  test(name("every header the package sends through the proxy passes its preflight"), async () => {
    // A page's fetch with a non-simple header needs it in access-control-allow-headers.
    const ours = sentByPackage.filter((r) => r.url.startsWith(worker()));
    assert.ok(ours.length > 0);
    const allowed = (await call(worker(), routes.submit, {
      method: "OPTIONS",
      headers: { origin: APP, "access-control-request-method": "POST" },
    })).headers
      .get("access-control-allow-headers")
      .split(",")
      .map((h) => h.trim().toLowerCase());
    // Headers a browser sets itself or that CORS treats as safe.
    const safe = ["origin", "accept", "accept-language", "content-language"];
    const sent = new Set(ours.flatMap((r) => Object.keys(r.headers).map((h) => h.toLowerCase())));
    // The tests themselves add these on purpose (page-like Origin, dropped client keys).
    for (const own of ["origin", "x-api-key", "authorization"]) sent.delete(own);
    const missing = [...sent].filter((h) => !safe.includes(h) && !allowed.includes(h));
    assert.deepEqual(missing, [], `headers the package sends that a browser preflight would refuse (allowed: ${allowed})`);
  });
}

// ------------------------------------------------------------------ Node

test("node: an authorized page submits and polls through createProxy in node:http; the user token stays home", async () => {
  const before = snapshot();
  const calls = authorizeCalls;
  const options = pageOptions("trinetra", nodeProxyUrl, { headers: { origin: APP, authorization: USER_TOKEN } });
  const submission = await pkg.extendVideo({ video_id: "v_node_ok" }, options);
  const job = await pkg.pollJob(submission.job_id, options);
  assert.equal(job.status, "succeeded");
  assert.ok(authorizeCalls >= calls + 4, "authorize was asked for each request");
  const entries = newEntries(before);
  assert.deepEqual(
    entries.map((e) => `${e.method} ${e.path} ${e.outcome}`),
    [
      `POST ${ROUTES.trinetra.submit} 202`,
      ...Array(3).fill(`GET ${ROUTES.trinetra.job(submission.job_id)} 200`),
    ],
  );
  for (const e of entries) {
    assert.equal(e.headers.authorization, undefined, `the user's token is not forwarded: ${JSON.stringify(e.headers)}`);
    assert.equal(e.headers["x-api-key"], "[redacted]");
    assert.ok(!JSON.stringify(e).includes("user-ok"));
  }

  // Server-to-server (no Origin) with the token is fine too; no CORS headers.
  const read = await call(nodeProxyUrl, ROUTES.trinetra.job(submission.job_id), { headers: { authorization: USER_TOKEN } });
  assert.equal(read.status, 200, read.text);
  assert.equal(read.headers.get("access-control-allow-origin"), null);
  const withOrigin = await call(nodeProxyUrl, ROUTES.trinetra.job(submission.job_id), {
    headers: { authorization: USER_TOKEN, origin: APP },
  });
  assertCors(withOrigin, "node proxy");
});

test("node: without the user token the proxy answers 401 unauthorized and the upstream sees nothing", async () => {
  const before = snapshot();
  const err = await rejection(pkg.extendVideo({ video_id: "v_node_no_user" }, pageOptions("trinetra", nodeProxyUrl)));
  assert.ok(err instanceof pkg.KlingExtendError);
  assert.equal(err.code, "unauthorized", err.message);
  assert.equal(err.status, 401);
  const wrong = await rejection(
    pkg.getJob("job_x", pageOptions("trinetra", nodeProxyUrl, { headers: { origin: APP, authorization: "Bearer user-bad" } })),
  );
  assert.equal(wrong.code, "unauthorized", wrong.message);
  const raw = await call(nodeProxyUrl, ROUTES.trinetra.submit, json({ video_id: "v" }, { "x-api-key": API_KEY }));
  assertErrorBody(raw, 401, "unauthorized");
  assertCors(raw, "401");
  assertNotForwarded(before, "unauthorized calls");
});

test("node: forbidden paths are 404, wrong methods 405, bad bodies 400, huge bodies 413, other origins 403", async () => {
  const before = snapshot();
  const user = { authorization: USER_TOKEN };
  assertErrorBody(await call(nodeProxyUrl, "/v1/admin", { headers: { ...user, origin: APP } }), 404, "not_found");
  assertErrorBody(await call(nodeProxyUrl, "/__mock/reset", json({}, user)), 404, "not_found");
  const del = await call(nodeProxyUrl, ROUTES.trinetra.job("x"), { method: "DELETE", headers: user });
  assertErrorBody(del, 405, "invalid_request");
  assert.equal(del.headers.get("allow"), "GET, OPTIONS");
  assertErrorBody(
    await call(nodeProxyUrl, ROUTES.trinetra.submit, json({ video_id: "v", cfg_scale: 7 }, user)),
    400,
    "invalid_request",
    "cfg_scale",
  );
  assertErrorBody(
    await call(nodeProxyUrl, ROUTES.trinetra.submit, json({ video_id: "v", colour: "red" }, user)),
    400,
    "invalid_request",
    "colour",
  );
  assertErrorBody(await call(nodeProxyUrl, ROUTES.trinetra.submit, json(bigBody(200 * 1024), user)), 413, "invalid_request");
  const chunked = await streamedOverLimit(nodeProxyUrl, ROUTES.trinetra.submit, json("", user).headers, bigBody(200 * 1024));
  assertErrorBody(chunked, 413, "invalid_request");
  assertErrorBody(await call(nodeProxyUrl, ROUTES.trinetra.submit, json({ video_id: "v" }, { ...user, origin: EVIL })), 403, "forbidden");
  assertNotForwarded(before, "node refusals");
});

test("node: createProxy names config mistakes; a slow upstream is 504 timeout, an unreachable one 503 (nothing sent)", async () => {
  const mistakes = [
    [{ apiKey: API_KEY }, "allowedOrigins"],
    [{ allowedOrigins: [APP], baseUrl: "ftp://x" }, "baseUrl"],
    [{ provider: "kling", accessKey: ACCESS_KEY, allowedOrigins: [APP] }, "secretKey"],
    [{ apiKey: API_KEY, allowedOrigins: [APP], logger: console.log }, "logger"],
    [{ apiKey: API_KEY, allowedOrigins: [APP], logLevel: "loud" }, "logLevel"],
    [{ apiKey: API_KEY, allowedOrigins: [`${APP}/`] }, "allowedOrigins[0]"],
    [{ apiKey: API_KEY, allowedOrigins: ["*"], authorize: true }, "authorize"],
    [{ apiKey: API_KEY, allowedOrigins: ["*"], baseUrl: "ftp://x" }, "baseUrl"],
    [{ apiKey: API_KEY, allowedOrigins: ["*"], maxBodyBytes: 0 }, "maxBodyBytes"],
  ];
  for (const [config, field] of mistakes) {
    let thrown;
    try {
      pkg.createProxy(config);
    } catch (err) {
      thrown = err;
    }
    assert.ok(thrown instanceof pkg.KlingExtendError, `${JSON.stringify(config)} throws a KlingExtendError (${thrown})`);
    assert.equal(thrown.code, "invalid_request");
    assert.equal(thrown.field, field, thrown.message);
    assert.ok(!`${thrown.message} ${JSON.stringify(thrown)}`.includes(API_KEY), thrown.message);
    if (field === "allowedOrigins") assert.match(thrown.message, /\["https:\/\/app\.example\.com"\].*\[\] when only servers call it/);
  }

  // Called directly: the handler is a plain (Request) => Promise<Response>.
  const slow = pkg.createProxy({ baseUrl: mock.url, apiKey: API_KEY, allowedOrigins: [APP], timeoutMs: 200 });
  mock.fault({ method: "GET", delayMs: 1500 });
  const started = Date.now();
  const timedOut = await slow(new Request("http://proxy.local/v1/jobs/job_slow", { headers: { origin: APP } }));
  const timedOutText = await timedOut.text();
  keep("slow upstream", timedOut.status, timedOut.headers, timedOutText);
  assert.equal(timedOut.status, 504, timedOutText);
  assert.equal(JSON.parse(timedOutText).error.code, "timeout");
  assert.equal(timedOut.headers.get("access-control-allow-origin"), APP);
  assert.ok(Date.now() - started < 1400, "the proxy gave up after its timeoutMs");

  const closed = await serve(() => new Response(null));
  const deadUrl = `http://127.0.0.1:${closed.address().port}`;
  await closeServer(closed);
  const dead = pkg.createProxy({ baseUrl: deadUrl, apiKey: API_KEY, allowedOrigins: [APP] });
  const unreachable = await dead(new Request("http://proxy.local/v1/video/kling-extend-video", json({ video_id: "v" })));
  const unreachableText = await unreachable.text();
  keep("unreachable upstream", unreachable.status, unreachable.headers, unreachableText);
  assert.equal(unreachable.status, 503, unreachableText);
  assert.equal(JSON.parse(unreachableText).error.code, "network_error");
  // Through the package, a submit the proxy could not deliver is known not to have been accepted.
  const proxied = await serve(dead);
  const err = await pkg.extendVideo({ video_id: "v" }, { baseUrl: `http://127.0.0.1:${proxied.address().port}`, maxRetries: 0 }).catch((e) => e);
  await closeServer(proxied);
  assert.equal(err.maybeSubmitted, false, `${err.message}: never reached the service`);
  assert.doesNotMatch(err.message, /may have accepted/);
});

/** A logger that keeps its lines, by level. */
function recordingLogger() {
  const lines = [];
  const at = (level) => (message) => lines.push({ level, message });
  return { lines, logger: { debug: at("debug"), info: at("info"), warn: at("warn"), error: at("error") } };
}

test("node: createProxy without a key is made (as when a build loads the module); requests get 503 naming TRINETRA_API_KEY and apiKey, logged once, until the variable is set", async () => {
  const variables = ["TRINETRA_API_KEY", "KLING_API_KEY", "KLING_ACCESS_KEY", "KLING_SECRET_KEY", "KLING_EXTEND_LOG"];
  const saved = Object.fromEntries(variables.map((name) => [name, process.env[name]]));
  for (const name of variables) delete process.env[name];
  const { lines, logger } = recordingLogger();
  const proxy = pkg.createProxy({ baseUrl: mock.url, apiKey: process.env.TRINETRA_API_KEY, allowedOrigins: [APP], logger });
  const server = await serve(proxy);
  const base = `http://127.0.0.1:${server.address().port}`;
  try {
    const before = snapshot();
    const refused = await call(base, ROUTES.trinetra.submit, json({ video_id: "v_nokey" }));
    assertErrorBody(refused, 503, "server_error");
    assertCors(refused, "a missing key");
    for (const part of ["set TRINETRA_API_KEY", "pass apiKey", "nothing was sent"]) assert.ok(refused.json.error.message.includes(part), `${part}: ${refused.text}`);
    const err = await rejection(pkg.extendVideo({ video_id: "v_nokey_pkg" }, pageOptions("trinetra", base)));
    assert.equal(err.code, "server_error", err.message);
    assert.equal(err.status, 503);
    assert.equal(err.maybeSubmitted, false, "a 503 tells the page nothing was accepted");
    assert.match(err.message, /TRINETRA_API_KEY/);
    assert.equal((await call(base, ROUTES.trinetra.job("job_1"))).status, 503);
    assertNotForwarded(before, "a proxy without a key");
    assert.deepEqual(lines, [{ level: "error", message: `[kling-extend] ${refused.json.error.message}` }], "logged once");

    process.env.TRINETRA_API_KEY = API_KEY;
    const accepted = await call(base, ROUTES.trinetra.submit, json({ video_id: "v_late_key" }));
    assert.equal(accepted.status, 202, accepted.text);
    assert.equal(newEntries(before).at(-1)?.headers["x-api-key"], "[redacted]", "the variable's key reached the service");
    assert.equal(lines.length, 1);
  } finally {
    for (const name of variables) {
      if (saved[name] === undefined) delete process.env[name];
      else process.env[name] = saved[name];
    }
    await closeServer(server);
  }
});

test("node: a module that makes its proxy with an empty key loads and logs the missing key to the console at its first request", async () => {
  const script = `
    import { createProxy } from "kling-extend";
    const proxy = createProxy({ apiKey: process.env.TRINETRA_API_KEY, allowedOrigins: ["https://app.example.com"] });
    const answer = await proxy(new Request("http://proxy.local/v1/jobs/job_1"));
    console.log("status", answer.status);
  `;
  const env = { ...process.env };
  for (const name of ["KLING_API_KEY", "KLING_ACCESS_KEY", "KLING_SECRET_KEY", "KLING_EXTEND_LOG"]) delete env[name];
  // Set but empty, as a CI secret that is not defined: apiKey is "", which counts as none.
  env.TRINETRA_API_KEY = "";
  const { stdout, stderr } = await promisify(execFile)(process.execPath, ["--input-type=module", "-e", script], { cwd: consumer.dir, env, timeout: 15_000 });
  assert.match(stdout, /status 503/);
  assert.match(stderr, /^\[kling-extend\] createProxy has no credential for the service, so nothing was sent: set TRINETRA_API_KEY in the server's environment, or pass apiKey in createProxy's config$/m);
});

test("node: allowedOrigins [] serves servers only; each refused origin is logged once through the logger", async () => {
  const { lines, logger } = recordingLogger();
  const proxy = pkg.createProxy({ baseUrl: mock.url, apiKey: API_KEY, allowedOrigins: [], logger });
  const quiet = recordingLogger();
  const silent = pkg.createProxy({ baseUrl: mock.url, apiKey: API_KEY, allowedOrigins: [], logger: quiet.logger, logLevel: "off" });
  const server = await serve(proxy);
  const base = `http://127.0.0.1:${server.address().port}`;
  try {
    const fromServer = await call(base, ROUTES.trinetra.submit, { ...json({ video_id: "v_server" }), headers: { "content-type": "application/json" } });
    assert.equal(fromServer.status, 202, fromServer.text);
    const before = snapshot();
    const preflight = { method: "OPTIONS", headers: { origin: APP, "access-control-request-method": "POST" } };
    assert.equal((await call(base, ROUTES.trinetra.submit, preflight)).status, 204, "its preflight passes, to read the 403");
    assertErrorBody(await call(base, ROUTES.trinetra.submit, json({ video_id: "v_page" })), 403, "forbidden");
    assertErrorBody(await call(base, ROUTES.trinetra.job("job_1"), { headers: { origin: EVIL } }), 403, "forbidden");
    assertNotForwarded(before, "pages");
    assert.deepEqual(lines.map((line) => line.level), ["warn", "warn"], "one line per origin");
    assert.match(lines[0].message, /^\[kling-extend\] createProxy refuses the origin https:\/\/app\.example\.com \(OPTIONS \/v1\/video\/kling-extend-video\): it is not in allowedOrigins/);
    assert.match(lines[1].message, /the origin https:\/\/evil\.example \(GET \/v1\/jobs\/job_1\)/);
    assert.equal((await silent(new Request(`http://proxy.local${ROUTES.trinetra.job("j")}`, { headers: { origin: EVIL } }))).status, 403);
    assert.deepEqual(quiet.lines, [], "logLevel off");
  } finally {
    await closeServer(server);
  }
});

test("node: a Kling proxy signs a fresh HS256 token per request and sends only its own headers upstream", async () => {
  // An upstream that records what it gets (the mock redacts authorization).
  const seen = [];
  const upstream = await serve(async (request) => {
    seen.push({ url: request.url, headers: Object.fromEntries(request.headers) });
    return Response.json({ code: 0, message: "SUCCEED", request_id: "r", data: { task_id: "t1", task_status: "submitted" } });
  });
  try {
    const proxy = pkg.createProxy({
      provider: "kling",
      baseUrl: `http://127.0.0.1:${upstream.address().port}`,
      accessKey: ACCESS_KEY,
      secretKey: SECRET_KEY,
      allowedOrigins: [APP],
    });
    const read = () =>
      proxy(
        new Request("http://proxy.local/v1/videos/video-extend/t1", {
          headers: { origin: APP, authorization: "Bearer nope", cookie: "session=abc", "x-api-key": "client-key-wrong" },
        }),
      ).then(async (res) => {
        const text = await res.text();
        keep("kling token check", res.status, res.headers, text);
        return res.status;
      });
    assert.equal(await read(), 200);
    await new Promise((resolve) => setTimeout(resolve, 1100));
    assert.equal(await read(), 200);
    assert.equal(seen.length, 2);
    const claims = [];
    for (const { headers } of seen) {
      assert.deepEqual(
        Object.keys(headers).filter((h) => !["host", "connection", "accept-encoding", "accept-language", "sec-fetch-mode", "user-agent"].includes(h)).sort(),
        ["accept", "authorization"],
        `only the proxy's own headers go upstream: ${JSON.stringify(headers)}`,
      );
      const [, token] = /^Bearer (.+)$/.exec(headers.authorization) ?? [];
      const [header, payload, signature] = token.split(".");
      const expected = createHmac("sha256", SECRET_KEY).update(`${header}.${payload}`).digest("base64url");
      assert.equal(signature, expected, "signed with the secret key (HS256)");
      assert.deepEqual(JSON.parse(Buffer.from(header, "base64url")), { alg: "HS256", typ: "JWT" });
      claims.push(JSON.parse(Buffer.from(payload, "base64url")));
    }
    const now = Math.floor(Date.now() / 1000);
    for (const claim of claims) {
      assert.equal(claim.iss, ACCESS_KEY);
      assert.ok(Math.abs(claim.exp - 1800 - now) <= 3, JSON.stringify(claim));
      assert.ok(claim.nbf < now, JSON.stringify(claim));
    }
    assert.ok(claims[1].exp > claims[0].exp, `signed per request, not once (${JSON.stringify(claims)})`);
  } finally {
    await closeServer(upstream);
  }
});

// ------------------------------------------------------------------ secrets

test("no key, secret or access key appears in any response received", () => {
  assert.ok(received.length > 100, `responses collected: ${received.length}`);
  for (const r of received) {
    const text = `${r.status} ${r.headers.map(([k, v]) => `${k}: ${v}`).join("\n")}\n${r.text}`;
    for (const secret of SECRETS) {
      assert.ok(!text.includes(secret), `${secret} leaked in the answer to ${r.where}:\n${text}`);
    }
    assert.ok(!/Bearer ey/.test(text), `a token leaked in the answer to ${r.where}`);
  }
});

