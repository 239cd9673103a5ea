// Tests of the Trinetra gateway mock (src/mock), over real HTTP on 127.0.0.1.
import { test, describe, before, after, beforeEach } from "node:test";
import assert from "node:assert/strict";
import http from "node:http";
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { startMock, FAILURE_MESSAGE } from "../src/mock/index.js";

const KEY = "test-key-s3cret";
const SUBMIT = "/v1/video/kling-extend-video";
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Small fetch wrapper: JSON in, { status, headers, text, json } out. */
async function call(mock, method, path, { body, headers = {}, key = KEY, ...init } = {}) {
  const res = await fetch(mock.url + path, {
    method,
    headers: { ...(key ? { "x-api-key": key } : {}), ...(body !== undefined ? { "content-type": "application/json" } : {}), ...headers },
    body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
    ...init,
  });
  const text = await res.text();
  let json;
  try {
    json = JSON.parse(text);
  } catch {}
  return { status: res.status, headers: res.headers, text, json };
}

const submit = (mock, body, opts) => call(mock, "POST", SUBMIT, { body, ...opts });
const readJob = (mock, id, opts) => call(mock, "GET", `/v1/jobs/${id}`, opts);

describe("gateway routes (polls mode, auth on)", () => {
  let mock;
  before(async () => {
    mock = await startMock({ apiKeys: [KEY], advance: { mode: "polls", stepPolls: 1 }, videoSeconds: 10 });
  });
  after(() => mock.close());
  beforeEach(() => mock.reset());

  test("url has no trailing slash and is on 127.0.0.1", () => {
    assert.match(mock.url, /^http:\/\/127\.0\.0\.1:\d+$/);
  });

  test("submit 202, then queued → running → succeeded with output and credits", async () => {
    const sub = await submit(mock, { video_id: "vid_123", prompt: "keep going" });
    assert.equal(sub.status, 202);
    assert.equal(sub.headers.get("content-type"), "application/json");
    assert.match(sub.headers.get("x-request-id"), /^req_\d+$/);
    assert.match(sub.json.job_id, /^job_klingextendvideo_[0-9a-f]+$/);
    assert.equal(sub.json.status, "queued");

    const id = sub.json.job_id;
    const seen = [];
    for (let i = 0; i < 4; i++) seen.push((await readJob(mock, id)).json);
    assert.deepEqual(
      seen.map((d) => d.status),
      ["queued", "running", "succeeded", "succeeded"],
    );
    assert.equal(seen[0].output, undefined);
    assert.equal(seen[0].credits_charged, undefined);
    assert.deepEqual(seen[2], {
      id,
      model: "kling-extend-video",
      status: "succeeded",
      output: { outputs: [{ url: `${mock.url}/media/${id}.mp4`, type: "video" }] },
      credits_charged: 190,
    });
    assert.equal(mock.jobs[0].polls, 4);
    assert.equal(mock.jobs[0].status, "succeeded");
  });

  test("1080p is priced at 30 credits/s; stepPolls 2 doubles each step", async () => {
    mock.configure({ advance: { stepPolls: 2 }, videoSeconds: 5 });
    try {
      const { json } = await submit(mock, { video_id: "v", resolution: "1080p" });
      const statuses = [];
      for (let i = 0; i < 5; i++) statuses.push((await readJob(mock, json.job_id)).json);
      assert.deepEqual(
        statuses.map((d) => d.status),
        ["queued", "queued", "running", "running", "succeeded"],
      );
      assert.equal(statuses[4].credits_charged, 150);
    } finally {
      mock.configure({ advance: { stepPolls: 1 }, videoSeconds: 10 });
    }
  });

  test("magic prefixes: fail, cancel, unknown", async () => {
    const ids = {};
    for (const v of ["fail_x", "cancel_x", "unknown_x"]) ids[v] = (await submit(mock, { video_id: v })).json.job_id;
    const finalOf = async (id, reads) => {
      let doc;
      for (let i = 0; i < reads; i++) doc = (await readJob(mock, id)).json;
      return doc;
    };
    assert.deepEqual(await finalOf(ids.fail_x, 3), {
      id: ids.fail_x,
      model: "kling-extend-video",
      status: "failed",
      error: FAILURE_MESSAGE,
    });
    assert.equal(FAILURE_MESSAGE, "Extension failed: the source video was rejected (mock)");
    const canceled = await finalOf(ids.cancel_x, 3);
    assert.equal(canceled.status, "canceled");
    assert.equal(canceled.output, undefined);
    assert.equal((await finalOf(ids.unknown_x, 3)).status, "paused_for_review");
    assert.equal((await finalOf(ids.unknown_x, 5)).status, "paused_for_review");
  });

  test("401 without or with a wrong key, and the key is never echoed", async () => {
    for (const key of [null, "wrong-key"]) {
      const res = await submit(mock, { video_id: "v" }, { key });
      assert.equal(res.status, 401);
      assert.deepEqual(res.json, { error: { message: "Invalid or missing API key" } });
    }
    const sub = await submit(mock, { video_id: "v" });
    const read = await readJob(mock, sub.json.job_id, { key: "wrong-key" });
    assert.equal(read.status, 401);
    assert.equal(mock.jobs.length, 1);
    assert.equal(mock.jobs[0].polls, 0, "unauthorized reads are no polls");

    // Nothing the mock serves contains the key: answers, log, config.
    const everything = [sub.text, read.text];
    for (const p of ["/__mock/log", "/__mock/config", "/__mock/jobs"]) everything.push((await call(mock, "GET", p)).text);
    for (const text of everything) assert.ok(!text.includes(KEY), `key leaked in ${text}`);
    assert.equal(mock.log.find((e) => e.outcome === 202).headers["x-api-key"], "[redacted]");
  });

  test("400 validation", async () => {
    const cases = [
      [{}, "video_id"],
      [{ video_id: "" }, "video_id"],
      [{ video_id: 42 }, "video_id"],
      [[], "video_id"],
      [null, "video_id"],
      [{ video_id: "v", cfg_scale: 2 }, "cfg_scale"],
      [{ video_id: "v", resolution: "4k" }, "resolution"],
      [{ video_id: "v", prompt: 5 }, "prompt"],
    ];
    for (const [body, field] of cases) {
      const res = await submit(mock, body);
      assert.equal(res.status, 400, JSON.stringify(body));
      assert.equal(res.json.error.field, field);
    }
    assert.deepEqual((await submit(mock, {})).json, { error: { message: "video_id is required", field: "video_id" } });
    const notJson = await submit(mock, "video_id=v");
    assert.equal(notJson.status, 400);
    assert.deepEqual(notJson.json, { error: { message: "body must be JSON" } });
    assert.equal(mock.jobs.length, 0);
  });

  test("404 for unknown job and route, 405 for wrong method", async () => {
    const job = await readJob(mock, "job_klingextendvideo_nope");
    assert.equal(job.status, 404);
    assert.deepEqual(job.json, { error: { message: "job not found" } });
    const route = await call(mock, "GET", "/v2/whatever");
    assert.equal(route.status, 404);
    assert.equal(route.headers.get("content-type"), "application/json");
    assert.ok(route.json.error.message);
    const method = await call(mock, "GET", SUBMIT);
    assert.equal(method.status, 405);
    assert.equal(method.headers.get("allow"), "POST");
    const media = await call(mock, "GET", "/media/job_x.mp4");
    assert.equal(media.status, 404);
  });

  test("413 for bodies over 1 MiB", async () => {
    const res = await submit(mock, JSON.stringify({ video_id: "v", pad: "x".repeat(2 * 1024 * 1024) }));
    assert.equal(res.status, 413);
    assert.equal(mock.jobs.length, 0);
    assert.equal(mock.log.at(-1).outcome, 413);
  });
});

describe("time mode", () => {
  test("status advances with time since creation", async () => {
    const mock = await startMock({ advance: { mode: "time", stepMs: 150 } });
    try {
      const { json } = await submit(mock, { video_id: "v" }, { key: null });
      const t0 = Date.now();
      assert.equal((await readJob(mock, json.job_id)).json.status, "queued");
      await sleep(225 - (Date.now() - t0));
      assert.equal((await readJob(mock, json.job_id)).json.status, "running");
      await sleep(320 - (Date.now() - t0));
      assert.equal((await readJob(mock, json.job_id)).json.status, "succeeded");
    } finally {
      await mock.close();
    }
  });

  test("defaults: no auth, time mode with 300 ms steps", async () => {
    const mock = await startMock();
    try {
      assert.deepEqual(mock.config, { auth: false, advance: { mode: "time", stepMs: 300, stepPolls: 1 }, videoSeconds: 10 });
      assert.equal((await submit(mock, { video_id: "v" }, { key: null })).status, 202);
    } finally {
      await mock.close();
    }
  });
});

describe("faults", () => {
  let mock;
  before(async () => {
    mock = await startMock({ apiKeys: [KEY], advance: { mode: "polls", stepPolls: 1 } });
  });
  after(() => mock.close());
  beforeEach(() => mock.reset());

  test("status + retry-after answers without processing (no job)", async () => {
    mock.fault({ method: "POST", path: SUBMIT, status: 429, headers: { "Retry-After": "1" } });
    const res = await submit(mock, { video_id: "v" });
    assert.equal(res.status, 429);
    assert.equal(res.headers.get("retry-after"), "1");
    assert.deepEqual(res.json, { error: { message: "injected fault" } });
    assert.equal(mock.jobs.length, 0);
    assert.equal((await submit(mock, { video_id: "v" })).status, 202, "fault used up");
    assert.equal(mock.jobs.length, 1);
  });

  test("times, method and path matching in insertion order", async () => {
    const n = mock.fault([
      { method: "GET", path: "/v1/jobs/", status: 503, times: 2 },
      { path: "/v1/", status: 500 },
    ]);
    assert.equal(n, 2);
    const { json } = await submit(mock, { video_id: "v" }); // POST: skips the GET fault, takes the second
    assert.equal(json.error.message, "injected fault");
    assert.equal(mock.jobs.length, 0);
    const ok = await submit(mock, { video_id: "v" });
    assert.equal(ok.status, 202);
    assert.equal((await readJob(mock, ok.json.job_id)).status, 503);
    assert.equal((await readJob(mock, ok.json.job_id)).status, 503);
    const read = await readJob(mock, ok.json.job_id);
    assert.equal(read.status, 200);
    assert.equal(read.json.status, "queued", "faulted reads are not polls");
    assert.deepEqual(mock.faults, []);
  });

  test("drop after: the job is created but the connection closes unanswered", async () => {
    mock.fault({ method: "POST", drop: "after" });
    await assert.rejects(submit(mock, { video_id: "v" }));
    assert.equal(mock.jobs.length, 1);
    assert.equal(mock.log.at(-1).outcome, "dropped");
  });

  test("drop before: no job", async () => {
    mock.fault({ method: "POST", drop: "before" });
    await assert.rejects(submit(mock, { video_id: "v" }));
    assert.equal(mock.jobs.length, 0);
    assert.equal(mock.log.at(-1).outcome, "dropped");
    assert.equal((await submit(mock, { video_id: "v" })).status, 202, "server still fine");
  });

  test("delay, then normal processing", async () => {
    mock.fault({ path: SUBMIT, delayMs: 200 });
    const t0 = Date.now();
    const res = await submit(mock, { video_id: "v" });
    assert.ok(Date.now() - t0 >= 190);
    assert.equal(res.status, 202);
  });

  test("client abort during a delay: nothing processed, nothing crashes", async () => {
    mock.fault({ path: SUBMIT, delayMs: 300 });
    await assert.rejects(submit(mock, { video_id: "v" }, { signal: AbortSignal.timeout(50) }));
    await sleep(350);
    assert.equal(mock.jobs.length, 0);
    assert.equal(mock.log.at(-1).outcome, "aborted");
    assert.equal((await submit(mock, { video_id: "v" })).status, 202);
  });

  test("HTML error page and malformed JSON bodies", async () => {
    mock.fault([
      { status: 502, headers: { "content-type": "text/html" }, body: "<html><body>Bad gateway</body></html>" },
      { status: 200, body: '{"id": ' },
    ]);
    const html = await submit(mock, { video_id: "v" });
    assert.equal(html.status, 502);
    assert.equal(html.headers.get("content-type"), "text/html");
    assert.equal(html.text, "<html><body>Bad gateway</body></html>");
    const bad = await readJob(mock, "anything");
    assert.equal(bad.status, 200);
    assert.equal(bad.text, '{"id": ');
    assert.equal(bad.headers.get("content-type"), "application/json");
  });

  test("object body is sent as JSON; invalid faults are rejected", async () => {
    mock.fault({ status: 400, body: { error: { message: "nope", field: "prompt" } } });
    assert.deepEqual((await submit(mock, { video_id: "v" })).json, { error: { message: "nope", field: "prompt" } });
    for (const bad of [{ status: "500" }, { drop: "sideways" }, { times: 0 }, { delayMs: -1 }, { path: "v1" }, { stauts: 500 }, 7]) {
      assert.throws(() => mock.fault(bad), TypeError, JSON.stringify(bad));
    }
    assert.throws(() => mock.fault([{ status: 500 }, { status: 1 }]), TypeError);
    assert.deepEqual(mock.faults, [], "an invalid array queues nothing");
  });
});

describe("CORS, log and control routes", () => {
  let mock;
  before(async () => {
    mock = await startMock({ apiKeys: [KEY], advance: { mode: "polls", stepPolls: 1 } });
  });
  after(() => mock.close());
  beforeEach(() => mock.reset());

  test("preflight 204 with CORS headers, not logged, no fault consumed", async () => {
    mock.fault({ status: 500 });
    const res = await fetch(mock.url + SUBMIT, {
      method: "OPTIONS",
      headers: {
        origin: "http://localhost:5173",
        "access-control-request-method": "POST",
        "access-control-request-headers": "content-type,x-api-key",
      },
    });
    assert.equal(res.status, 204);
    assert.equal(res.headers.get("access-control-allow-origin"), "http://localhost:5173");
    assert.equal(res.headers.get("access-control-allow-methods"), "GET, POST, OPTIONS");
    assert.equal(res.headers.get("access-control-allow-headers"), "content-type,x-api-key");
    assert.equal(res.headers.get("access-control-max-age"), "600");
    assert.equal(mock.log.length, 0);
    assert.equal(mock.faults.length, 1);
  });

  test("CORS headers on error and fault answers", async () => {
    const origin = { origin: "http://localhost:3000" };
    const unauth = await submit(mock, { video_id: "v" }, { key: null, headers: origin });
    assert.equal(unauth.status, 401);
    assert.equal(unauth.headers.get("access-control-allow-origin"), "http://localhost:3000");
    assert.equal(unauth.headers.get("access-control-expose-headers"), "retry-after, x-request-id");
    mock.fault({ status: 503, headers: { "retry-after": "2" } });
    const faulted = await call(mock, "GET", "/v1/jobs/x");
    assert.equal(faulted.headers.get("access-control-allow-origin"), "*");
    const control = await call(mock, "GET", "/__mock/log", { headers: origin });
    assert.equal(control.headers.get("access-control-allow-origin"), "http://localhost:3000");
  });

  test("log entries", async () => {
    const before = Date.now();
    const sub = await submit(mock, { video_id: "v" });
    await readJob(mock, sub.json.job_id);
    await call(mock, "GET", "/__mock/jobs"); // control routes are not logged
    assert.equal(mock.log.length, 2);
    const [a, b] = mock.log;
    assert.equal(a.seq, 1);
    assert.equal(b.seq, 2);
    assert.ok(a.at >= before && a.at <= Date.now());
    assert.equal(a.method, "POST");
    assert.equal(a.path, SUBMIT);
    assert.equal(a.headers["content-type"], "application/json");
    assert.equal(a.body, '{"video_id":"v"}');
    assert.equal(a.outcome, 202);
    assert.equal(b.method, "GET");
    assert.equal(b.path, `/v1/jobs/${sub.json.job_id}`);
    assert.equal(b.body, "");
    assert.equal(b.outcome, 200);
    assert.equal(a.requestId, sub.headers.get("x-request-id"));
  });

  test("control routes over HTTP", async () => {
    const faults = await call(mock, "POST", "/__mock/faults", { body: [{ path: SUBMIT, status: 500 }, { status: 502 }] });
    assert.equal(faults.status, 201);
    assert.deepEqual(faults.json, { queued: 2 });
    assert.equal((await call(mock, "GET", "/__mock/faults")).json.length, 2);
    const bad = await call(mock, "POST", "/__mock/faults", { body: { status: "x" } });
    assert.equal(bad.status, 400);
    assert.match(bad.json.error.message, /status/);
    assert.equal((await call(mock, "POST", "/__mock/faults", { body: "{" })).status, 400);
    assert.equal((await submit(mock, { video_id: "v" })).status, 500);

    assert.equal((await call(mock, "POST", "/__mock/reset")).status, 204);
    assert.equal(mock.faults.length, 0);
    assert.equal(mock.log.length, 0);

    const cfg = await call(mock, "POST", "/__mock/config", { body: { apiKeys: [], advance: { mode: "polls", stepPolls: 0 }, videoSeconds: 4 } });
    assert.equal(cfg.status, 204);
    assert.equal((await call(mock, "POST", "/__mock/config", { body: { advance: { mode: "x" } } })).status, 400);
    assert.equal((await call(mock, "POST", "/__mock/config", { body: { apiKey: "k" } })).status, 400);
    const sub = await submit(mock, { video_id: "v", resolution: "720p" }, { key: null });
    assert.equal(sub.status, 202, "no auth after apiKeys: []");
    const doc = (await readJob(mock, sub.json.job_id, { key: null })).json;
    assert.equal(doc.status, "succeeded");
    assert.equal(doc.credits_charged, 76);

    const jobs = await call(mock, "GET", "/__mock/jobs");
    assert.equal(jobs.status, 200);
    assert.equal(jobs.json.length, 1);
    const job = jobs.json[0];
    assert.equal(job.id, sub.json.job_id);
    assert.equal(job.video_id, "v");
    assert.equal(job.status, "succeeded");
    assert.equal(job.polls, 1);
    assert.equal(typeof job.created_at, "number");
    assert.deepEqual(job.body, { video_id: "v", resolution: "720p" });

    const log = await call(mock, "GET", "/__mock/log");
    assert.deepEqual(log.json.map((e) => [e.method, e.outcome]), [["POST", 202], ["GET", 200]]);
    assert.equal((await call(mock, "GET", "/__mock/nope")).status, 404);
    assert.equal((await call(mock, "GET", "/__mock/reset")).status, 405);
    mock.configure({ apiKeys: [KEY], advance: { mode: "polls", stepPolls: 1 }, videoSeconds: 10 });
  });

  test("configure rejects bad input and changes nothing", () => {
    const before = mock.config;
    assert.throws(() => mock.configure({ videoSeconds: 5, advance: { stepMs: -1 } }), TypeError);
    assert.deepEqual(mock.config, before);
  });
});

describe("lifecycle", () => {
  test("close() resolves promptly with a keep-alive connection open", async () => {
    const mock = await startMock();
    const agent = new http.Agent({ keepAlive: true });
    await new Promise((resolve, reject) => {
      http
        .get(mock.url + "/__mock/log", { agent }, (res) => {
          res.resume();
          res.on("end", resolve);
        })
        .on("error", reject);
    });
    assert.equal(Object.values(agent.freeSockets).flat().length, 1, "socket kept alive");
    const t0 = Date.now();
    await mock.close();
    assert.ok(Date.now() - t0 < 500, "close took too long");
    await mock.close(); // idempotent
    agent.destroy();
  });

  test("close() while a delayed request is pending", async () => {
    const mock = await startMock();
    mock.fault({ delayMs: 5000 });
    const pending = fetch(mock.url + "/v1/jobs/x").catch((e) => e);
    await sleep(50);
    const t0 = Date.now();
    await mock.close();
    assert.ok(Date.now() - t0 < 500);
    assert.ok((await pending) instanceof Error);
  });

  test("CLI prints its URL and stops on SIGTERM", async () => {
    const cli = fileURLToPath(new URL("../src/mock/cli.js", import.meta.url));
    const child = spawn(process.execPath, [cli, "--port", "0", "--api-key", KEY, "--advance", "polls", "--step-polls", "1"], {
      stdio: ["ignore", "pipe", "inherit"],
    });
    try {
      const line = await new Promise((resolve, reject) => {
        let out = "";
        child.stdout.on("data", (d) => {
          out += d;
          if (out.includes("\n")) resolve(out.split("\n")[0]);
        });
        child.on("exit", () => reject(new Error("CLI exited early")));
      });
      const m = /^kling-extend mock listening on (http:\/\/127\.0\.0\.1:\d+)$/.exec(line);
      assert.ok(m, line);
      const mock = { url: m[1] };
      const sub = await submit(mock, { video_id: "v" });
      assert.equal(sub.status, 202);
      assert.equal((await readJob(mock, sub.json.job_id)).json.status, "queued");
      assert.equal((await readJob(mock, sub.json.job_id)).json.status, "running");
      const exited = new Promise((resolve) => child.on("exit", (code) => resolve(code)));
      child.kill("SIGTERM");
      assert.equal(await exited, 0);
    } finally {
      child.kill("SIGKILL");
    }
  });
});
