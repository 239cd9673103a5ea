// Tests of the mock (src/mock): the Trinetra gateway and the official Kling
// API, over real HTTP on 127.0.0.1.
import { test, describe, before, after, beforeEach } from "node:test";
import assert from "node:assert/strict";
import http from "node:http";
import { spawn } from "node:child_process";
import { createHmac } from "node:crypto";
import { fileURLToPath } from "node:url";
import { startMock, FAILURE_MESSAGE, CANCELED_MESSAGE, KLING_CODES } from "../src/mock/index.js";

const KEY = "test-key-s3cret";
const SUBMIT = "/v1/video/kling-extend-video";
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const CLI = fileURLToPath(new URL("../src/mock/cli.js", import.meta.url));

/** Starts the mock's CLI with `args`; resolves with the process and the first line it prints. */
async function startCli(args) {
  const child = spawn(process.execPath, [CLI, ...args], { stdio: ["ignore", "pipe", "inherit"] });
  const line = await new Promise((resolve, reject) => {
    let out = "";
    child.stdout.on("data", (d) => {
      out += d;
      if (out.includes("\n")) resolve(out.split("\n")[0]);
    });
    child.on("exit", () => reject(new Error("CLI exited early")));
  });
  return { child, line };
}

/** SIGTERM stops the CLI cleanly (exit code 0). */
async function stopCli(child) {
  const exited = new Promise((resolve) => child.on("exit", (code) => resolve(code)));
  child.kill("SIGTERM");
  assert.equal(await exited, 0);
}

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

/** How long the MP4 at a job's media URL lasts: its movie header's duration over its time scale. */
async function mediaSeconds(mock, name) {
  const bytes = Buffer.from(await (await fetch(`${mock.url}/media/${name}.mp4`)).arrayBuffer());
  const mvhd = bytes.indexOf("mvhd") + 4; // version 0: flags, two times, then the scale and the duration
  return bytes.readUInt32BE(mvhd + 16) / bytes.readUInt32BE(mvhd + 12);
}
const readJob = (mock, id, opts) => call(mock, "GET", `/v1/jobs/${id}`, opts);

test("startMock refuses an unknown option as configure does (no silent default)", async () => {
  for (const options of [{ videoSeconds: 10 }, { sourceSecond: 10 }]) {
    await assert.rejects(startMock(options), { name: "TypeError", message: `unknown config field "${Object.keys(options)[0]}"` });
  }
  await assert.rejects(startMock({ sourceSeconds: -1 }), TypeError);
});

describe("gateway routes (polls mode, auth on)", () => {
  let mock;
  before(async () => {
    mock = await startMock({ apiKeys: [KEY], advance: { mode: "polls", stepPolls: 1 } });
  });
  after(() => mock.close());
  beforeEach(() => mock.reset());

  test("url has no trailing slash and is on 127.0.0.1", () => {
    assert.match(mock.url, /^http:\/\/127\.0\.0\.1:\d+$/);
  });

  test("submit 202, then queued → running → succeeded with output and credits (a 5 s source + 5 s, at 720p)", async () => {
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

  test("1080p is priced at 30 credits/s of output; stepPolls 2 doubles each step", async () => {
    mock.configure({ advance: { stepPolls: 2 }, sourceSeconds: 10 });
    try {
      const { json } = await submit(mock, { video_id: "v", resolution: "1080p" });
      const statuses = [];
      for (let i = 0; i < 5; i++) statuses.push((await readJob(mock, json.job_id)).json);
      assert.deepEqual(
        statuses.map((d) => d.status),
        ["queued", "queued", "running", "running", "succeeded"],
      );
      assert.equal(statuses[4].credits_charged, 450, "a 10 s source + 5 s, at 1080p");
    } finally {
      mock.configure({ advance: { stepPolls: 1 }, sourceSeconds: 5 });
    }
  });

  test("a job bills its whole output in whole seconds: the source (sourceSeconds, or a job of the mock's) and 5 s", async () => {
    mock.configure({ sourceSeconds: 7.3 });
    try {
      const first = (await submit(mock, { video_id: "vid_outside", resolution: "1080p" })).json.job_id;
      const second = (await submit(mock, { video_id: first })).json.job_id; // a chain passes the job id on
      const unknown = (await submit(mock, { video_id: "job_klingextendvideo_000000" })).json.job_id;
      const charged = async (id) => {
        for (let i = 0; i < 2; i++) await readJob(mock, id);
        return (await readJob(mock, id)).json.credits_charged;
      };
      assert.equal(await charged(first), 13 * 30, "12.3 s billed as 13");
      assert.equal(await charged(second), 18 * 19, "17.3 s billed as 18, at 720p");
      assert.equal(await charged(unknown), 13 * 19, "an id the mock never made lasts sourceSeconds");
      assert.deepEqual([await mediaSeconds(mock, first), await mediaSeconds(mock, second)], [12.3, 17.3], "the media plays what was billed");
    } finally {
      mock.configure({ sourceSeconds: 5 });
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
  });

  test("media URLs serve a real MP4 as long as the job's video; no other", async () => {
    const { job_id } = (await submit(mock, { video_id: "v" })).json;
    const res = await fetch(`${mock.url}/media/${job_id}.mp4`);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get("content-type"), "video/mp4");
    const bytes = Buffer.from(await res.arrayBuffer());
    assert.ok(bytes.length > 10_000, `${bytes.length} bytes`);
    assert.equal(bytes.toString("latin1", 4, 8), "ftyp", "an ISO media file");
    assert.equal(await mediaSeconds(mock, job_id), 10);
    assert.equal(res.headers.get("accept-ranges"), "bytes");
    assert.equal((await fetch(`${mock.url}/media/job_x.mp4`)).status, 404, "a video the mock did not make");

    // Byte ranges, so a player can seek.
    const range = async (value) => {
      const answer = await fetch(`${mock.url}/media/${job_id}.mp4`, { headers: { range: value } });
      return { status: answer.status, range: answer.headers.get("content-range"), bytes: Buffer.from(await answer.arrayBuffer()) };
    };
    const total = bytes.length;
    assert.deepEqual(await range("bytes=0-99"), { status: 206, range: `bytes 0-99/${total}`, bytes: bytes.subarray(0, 100) });
    assert.deepEqual(await range("bytes=1000-"), { status: 206, range: `bytes 1000-${total - 1}/${total}`, bytes: bytes.subarray(1000) });
    assert.deepEqual(await range("bytes=-10"), { status: 206, range: `bytes ${total - 10}-${total - 1}/${total}`, bytes: bytes.subarray(total - 10) });
    assert.deepEqual(await range(`bytes=${total - 5}-${total + 100}`), { status: 206, range: `bytes ${total - 5}-${total - 1}/${total}`, bytes: bytes.subarray(total - 5) });
    for (const unsatisfiable of [`bytes=${total}-`, "bytes=9-3", "bytes=-0", "bytes=-"]) {
      assert.deepEqual(await range(unsatisfiable), { status: 416, range: `bytes */${total}`, bytes: Buffer.alloc(0) }, unsatisfiable);
    }
    assert.equal((await range("items=0-9")).status, 200, "not bytes: the whole file");
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
      assert.deepEqual(mock.config, { auth: false, advance: { mode: "time", stepMs: 300, stepPolls: 1 }, sourceSeconds: 5 });
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

  test("skip: the fault lets its first matching requests pass, counting those other faults take", async () => {
    mock.fault([
      { method: "POST", path: SUBMIT, skip: 2, status: 503 },
      { method: "POST", path: SUBMIT, status: 500 },
    ]);
    assert.equal(mock.faults[0].skip, 2);
    assert.equal((await submit(mock, { video_id: "v" })).status, 500, "skipped by the first, taken by the second");
    assert.equal((await submit(mock, { video_id: "v" })).status, 202, "skipped, and no other fault");
    assert.equal((await readJob(mock, "job_x")).status, 404, "a request it does not match does not count");
    assert.equal((await submit(mock, { video_id: "v" })).status, 503, "then it applies");
    assert.equal((await submit(mock, { video_id: "v" })).status, 202, "used up");
    assert.equal(mock.jobs.length, 2);
    for (const bad of [{ skip: -1 }, { skip: 1.5 }, { skip: "1" }]) {
      assert.throws(() => mock.fault({ ...bad, status: 500 }), /fault\.skip/, JSON.stringify(bad));
    }
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

    const cfg = await call(mock, "POST", "/__mock/config", { body: { apiKeys: [], advance: { mode: "polls", stepPolls: 0 }, sourceSeconds: 2 } });
    assert.equal(cfg.status, 204);
    assert.equal((await call(mock, "POST", "/__mock/config", { body: { advance: { mode: "x" } } })).status, 400);
    assert.equal((await call(mock, "POST", "/__mock/config", { body: { apiKey: "k" } })).status, 400);
    const sub = await submit(mock, { video_id: "v", resolution: "720p" }, { key: null });
    assert.equal(sub.status, 202, "no auth after apiKeys: []");
    const doc = (await readJob(mock, sub.json.job_id, { key: null })).json;
    assert.equal(doc.status, "succeeded");
    assert.equal(doc.credits_charged, 133, "a 2 s source + 5 s, at 720p");

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
    mock.configure({ apiKeys: [KEY], advance: { mode: "polls", stepPolls: 1 }, sourceSeconds: 5 });
  });

  test("configure rejects bad input and changes nothing", () => {
    const before = mock.config;
    assert.throws(() => mock.configure({ sourceSeconds: 6, advance: { stepMs: -1 } }), TypeError);
    for (const sourceSeconds of [0, -1, 3601, Number.NaN, "5"]) {
      assert.throws(() => mock.configure({ sourceSeconds }), /sourceSeconds must be a number of seconds > 0 and at most 3600/);
    }
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
    const { child, line } = await startCli(["--port", "0", "--api-key", KEY, "--advance", "polls", "--step-polls", "1"]);
    try {
      const m = /^kling-extend mock listening on (http:\/\/127\.0\.0\.1:\d+)$/.exec(line);
      assert.ok(m, line);
      const mock = { url: m[1] };
      const sub = await submit(mock, { video_id: "v" });
      assert.equal(sub.status, 202);
      assert.equal((await readJob(mock, sub.json.job_id)).json.status, "queued");
      assert.equal((await readJob(mock, sub.json.job_id)).json.status, "running");
      await stopCli(child);
    } finally {
      child.kill("SIGKILL");
    }
  });
});

// ---------------------------------------------------------------------------
// The official Kling API (same server, same faults, log and control routes).

const AK = "ak_test_access";
const SK = "sk_test_s3cret_value";
const KSUBMIT = "/v1/videos/video-extend";

/** An HS256 JWT as the Kling docs describe it; `claims` override iss/exp/nbf. */
function signJwt({ accessKey = AK, secretKey = SK, ...claims } = {}) {
  const now = Math.floor(Date.now() / 1000);
  const part = (o) => Buffer.from(JSON.stringify(o)).toString("base64url");
  const input = `${part({ alg: "HS256", typ: "JWT" })}.${part({ iss: accessKey, exp: now + 1800, nbf: now - 5, ...claims })}`;
  return `${input}.${createHmac("sha256", secretKey).update(input).digest("base64url")}`;
}

/** Kling call: signs a fresh token unless `token` is given (null = no Authorization header). */
function kcall(mock, method, path, { token = signJwt(), headers = {}, ...opts } = {}) {
  return call(mock, method, path, {
    key: null,
    headers: { ...(token === null ? {} : { authorization: `Bearer ${token}` }), ...headers },
    ...opts,
  });
}
const ksubmit = (mock, body, opts) => kcall(mock, "POST", KSUBMIT, { body, ...opts });
const kread = (mock, id, opts) => kcall(mock, "GET", `${KSUBMIT}/${encodeURIComponent(id)}`, opts);

/** Asserts an error envelope (and that its request_id is the x-request-id header). */
function assertKlingError(res, status, code, message) {
  assert.equal(res.status, status, res.text);
  assert.equal(res.json.code, code, res.text);
  assert.equal(res.json.request_id, res.headers.get("x-request-id"));
  assert.equal(res.json.data, undefined);
  if (message instanceof RegExp) assert.match(res.json.message, message);
  else if (message !== undefined) assert.equal(res.json.message, message);
}

/** Reads a task `n` times and returns the last `data`. */
async function kreadN(mock, id, n) {
  let res;
  for (let i = 0; i < n; i++) res = await kread(mock, id);
  assert.equal(res.json.code, 0, res.text);
  return res.json.data;
}

describe("Kling routes (polls mode, auth on)", () => {
  let mock;
  before(async () => {
    mock = await startMock({
      apiKeys: [KEY],
      klingKeys: [{ accessKey: "ak_other", secretKey: "sk_other" }, { accessKey: AK, secretKey: SK }],
      advance: { mode: "polls", stepPolls: 1 },
    });
  });
  after(() => mock.close());
  beforeEach(() => mock.reset());

  test("submit, then submitted → processing → succeed with the extended video", async () => {
    const t0 = Date.now();
    const sub = await ksubmit(mock, { video_id: "vid_source", prompt: "more", cfg_scale: 0.5, mode: "std", duration: "5", model_name: "kling-v1" });
    assert.equal(sub.status, 200);
    assert.equal(sub.headers.get("content-type"), "application/json");
    const { code, message, request_id, data } = sub.json;
    assert.deepEqual([code, message, request_id], [0, "SUCCEED", sub.headers.get("x-request-id")]);
    assert.match(data.task_id, /^task_[0-9a-f]+$/);
    assert.equal(data.task_status, "submitted");
    assert.deepEqual(data.task_info, {});
    assert.ok(data.created_at >= t0 && data.created_at <= Date.now());
    assert.equal(data.updated_at, data.created_at);

    const id = data.task_id;
    const seen = [];
    for (let i = 0; i < 4; i++) seen.push((await kread(mock, id)).json);
    assert.deepEqual(seen.map((r) => [r.code, r.data.task_status]), [[0, "submitted"], [0, "processing"], [0, "succeed"], [0, "succeed"]]);
    assert.equal(seen[0].data.task_result, undefined);
    assert.equal(seen[0].data.final_unit_deduction, undefined);
    assert.equal(seen[0].data.task_status_msg, undefined);
    const done = seen[2].data;
    assert.match(done.task_result.videos[0].id, /^vid_[0-9a-f]+$/);
    assert.deepEqual(done, {
      task_id: id,
      task_status: "succeed",
      task_info: { parent_video: { id: "vid_source", url: null, duration: "5" } },
      task_result: {
        videos: [
          {
            id: done.task_result.videos[0].id,
            url: `${mock.url}/media/${id}.mp4`,
            watermark_url: `${mock.url}/media/${id}-watermark.mp4`,
            duration: "10",
          },
        ],
      },
      final_unit_deduction: "1",
      created_at: data.created_at,
      updated_at: done.updated_at,
    });
    assert.ok(done.updated_at >= seen[1].data.updated_at && seen[1].data.updated_at > 0);
    assert.equal(seen[3].data.updated_at, done.updated_at, "no change, same updated_at");
    const [job] = mock.jobs;
    assert.deepEqual([job.provider, job.video_id, job.status, job.polls, job.external_task_id], ["kling", "vid_source", "succeed", 4, null]);
  });

  test("read by external_task_id; pro mode deducts 3.5 units", async () => {
    const sub = await ksubmit(mock, { task_id: "task_seed", external_task_id: "mine-1", mode: "professional" });
    assert.deepEqual(sub.json.data.task_info, { external_task_id: "mine-1" });
    const byExternal = await kreadN(mock, "mine-1", 3);
    assert.equal(byExternal.task_id, sub.json.data.task_id);
    assert.equal(byExternal.task_status, "succeed");
    assert.deepEqual(byExternal.task_info, { parent_video: { id: "task_seed", url: null, duration: "5" } }, "no echo, as Kling documents");
    assert.equal(byExternal.final_unit_deduction, "3.5");
    const byId = (await kread(mock, sub.json.data.task_id)).json.data;
    assert.deepEqual(byId, byExternal, "the same task either way");
    assert.equal(mock.jobs[0].polls, 4, "reads by either id are polls of one job");
    assert.equal(mock.jobs[0].external_task_id, "mine-1");
    mock.configure({ klingQueryEcho: true });
    try {
      assert.equal(mock.config.klingQueryEcho, true);
      assert.deepEqual((await kread(mock, "mine-1")).json.data.task_info, { external_task_id: "mine-1", parent_video: byId.task_info.parent_video });
    } finally {
      mock.configure({ klingQueryEcho: false });
    }
    assert.equal(mock.config.klingQueryEcho, undefined, "shown only when set");
  });

  test("auth: 1001 / 1002 / 1000 / 1004 / 1003, no job, no poll, nothing echoed", async () => {
    const now = Math.floor(Date.now() / 1000);
    const cases = [
      [null, 1001],
      ["", 1001],
      [signJwt({ secretKey: "wrong-secret" }), 1000],
      [signJwt({ accessKey: "ak_nobody" }), 1000],
      [signJwt({ exp: now - 1 }), 1004],
      [signJwt({ exp: now }), 1004],
      [signJwt({ nbf: now + 60 }), 1003],
      ["not-a-jwt", 1002],
      ["a.b", 1002],
    ];
    const texts = [];
    for (const [token, code] of cases) {
      const headers = token === "" ? { authorization: "" } : {};
      const res = await ksubmit(mock, { video_id: "v" }, { token: token === "" ? null : token, headers });
      assertKlingError(res, 401, code);
      texts.push(res.text);
    }
    // Without "Bearer ", and with a Trinetra key only.
    assertKlingError(await ksubmit(mock, { video_id: "v" }, { token: null, headers: { authorization: signJwt() } }), 401, 1002);
    assertKlingError(await ksubmit(mock, { video_id: "v" }, { token: null, headers: { "x-api-key": KEY } }), 401, 1001);
    assert.equal(mock.jobs.length, 0);

    // A signed token of the other configured key works; unauthorized reads are no polls.
    const sub = await ksubmit(mock, { video_id: "v" }, { token: signJwt({ accessKey: "ak_other", secretKey: "sk_other" }) });
    assert.equal(sub.status, 200);
    assertKlingError(await kread(mock, sub.json.data.task_id, { token: signJwt({ secretKey: "x" }) }), 401, 1000);
    assert.equal(mock.jobs[0].polls, 0);

    for (const p of ["/__mock/log", "/__mock/config", "/__mock/jobs"]) texts.push((await call(mock, "GET", p)).text);
    const tokens = cases.map(([token]) => token).filter((t) => t && t.includes("."));
    for (const text of texts) {
      for (const secret of [SK, "sk_other", "wrong-secret", "eyJ", ...tokens]) assert.ok(!text.includes(secret), `${secret} leaked in ${text}`);
    }
    assert.ok(mock.log.length > 0 && mock.log.every((e) => e.headers.authorization === undefined || e.headers.authorization === "[redacted]"));
  });

  test("auth with a Kling API key: the key as the bearer token, beside the JWT keys; an unknown key is 1000", async () => {
    const apiKey = "kling_api_key_mock_test";
    await call(mock, "POST", "/__mock/config", { body: { klingApiKeys: [apiKey] } });
    try {
      const sub = await ksubmit(mock, { video_id: "v" }, { token: apiKey });
      assert.equal(sub.status, 200, sub.text);
      assert.equal((await kread(mock, sub.json.data.task_id, { token: apiKey })).status, 200);
      assert.equal((await ksubmit(mock, { video_id: "v" }, { token: signJwt() })).status, 200, "JWTs still work");
      const wrong = await ksubmit(mock, { video_id: "v" }, { token: `${apiKey}x` });
      assertKlingError(wrong, 401, 1000);
      assert.ok(!wrong.text.includes(apiKey), "the key is not echoed");
      const config = await call(mock, "GET", "/__mock/config");
      assert.ok(!config.text.includes(apiKey) && config.json.klingAuth === true, config.text);
    } finally {
      await call(mock, "POST", "/__mock/config", { body: { klingApiKeys: [] } });
    }
  });

  test("400 / 1201 validation naming the field; 1200 for a body that is not a JSON object", async () => {
    const cases = [
      [{}, "video_id or task_id is required"],
      [{ prompt: "p" }, "video_id or task_id is required"],
      [{ video_id: "" }, "video_id must be a non-empty string"],
      [{ task_id: 7 }, "task_id must be a non-empty string"],
      [{ video_id: "v", cfg_scale: 1.5 }, "cfg_scale must be a number from 0 to 1"],
      [{ video_id: "v", cfg_scale: "0.5" }, "cfg_scale must be a number from 0 to 1"],
      [{ video_id: "v", mode: "turbo" }, 'mode must be "std" or "pro"'],
      [{ video_id: "v", duration: "10" }, 'duration must be "5"'],
      [{ video_id: "v", duration: 5 }, 'duration must be "5"'],
      [{ video_id: "v", prompt: 1 }, "prompt must be a string"],
      [{ video_id: "v", prompt: "x".repeat(2501) }, "prompt must be at most 2500 characters"],
      [{ video_id: "v", external_task_id: "" }, "external_task_id must be a non-empty string"],
      [{ video_id: "v", watermark_info: true }, "watermark_info.enabled must be a boolean"],
      [{ video_id: "v", watermark_info: { enabled: "yes" } }, "watermark_info.enabled must be a boolean"],
    ];
    for (const [body, message] of cases) assertKlingError(await ksubmit(mock, body), 400, 1201, message);
    assertKlingError(await ksubmit(mock, "video_id=v"), 400, 1200);
    assertKlingError(await ksubmit(mock, []), 400, 1200);
    assert.equal(mock.jobs.length, 0);
    for (const mode of ["std", "pro", "standard", "professional"]) {
      assert.equal((await ksubmit(mock, { video_id: "v", mode, cfg_scale: 0 })).json.code, 0, mode);
    }
    const documented = { video_id: "v", callback_url: "", watermark_info: { enabled: false } };
    assert.equal((await ksubmit(mock, documented)).json.code, 0, "the docs' example");
  });

  test("a duplicate external_task_id is refused", async () => {
    assert.equal((await ksubmit(mock, { video_id: "v", external_task_id: "dup" })).json.code, 0);
    assertKlingError(await ksubmit(mock, { task_id: "t", external_task_id: "dup" }), 400, 1201, "external_task_id already exists");
    assert.equal(mock.jobs.length, 1);
    mock.reset();
    assert.equal((await ksubmit(mock, { video_id: "v", external_task_id: "dup" })).json.code, 0, "reset forgets external ids");
  });

  test("chains: durations grow 5 → 10 → 15 → 20 by video_id or task_id", async () => {
    const first = (await ksubmit(mock, { video_id: "seed_video" })).json.data.task_id;
    const a = await kreadN(mock, first, 3);
    assert.equal(a.task_result.videos[0].duration, "10");

    const second = (await ksubmit(mock, { video_id: a.task_result.videos[0].id })).json.data.task_id;
    const b = await kreadN(mock, second, 3);
    assert.equal(b.task_result.videos[0].duration, "15");
    assert.deepEqual(b.task_info.parent_video, { id: a.task_result.videos[0].id, url: a.task_result.videos[0].url, duration: "10" });

    const third = (await ksubmit(mock, { task_id: second })).json.data.task_id;
    const c = await kreadN(mock, third, 3);
    assert.equal(c.task_result.videos[0].duration, "20");
    assert.deepEqual(c.task_info.parent_video, { id: b.task_result.videos[0].id, url: b.task_result.videos[0].url, duration: "15" });
    assert.deepEqual([await mediaSeconds(mock, third), await mediaSeconds(mock, `${third}-watermark`)], [20, 20], "the media plays as long");
  });

  test("a source the mock did not make lasts sourceSeconds; units stay per extension", async () => {
    mock.configure({ sourceSeconds: 12.345 });
    try {
      const id = (await ksubmit(mock, { video_id: "vid_outside", mode: "pro" })).json.data.task_id;
      const done = await kreadN(mock, id, 3);
      assert.deepEqual(done.task_info.parent_video, { id: "vid_outside", url: null, duration: "12.345" });
      assert.deepEqual([done.task_result.videos[0].duration, done.final_unit_deduction], ["17.345", "3.5"]);
      assert.equal(await mediaSeconds(mock, id), 17.345);
    } finally {
      mock.configure({ sourceSeconds: 5 });
    }
  });

  test("magic prefixes: fail, cancel (failed, \"canceled\"), unknown", async () => {
    const ids = {};
    for (const v of ["fail_x", "cancel_x", "unknown_x"]) ids[v] = (await ksubmit(mock, { video_id: v })).json.data.task_id;
    const failed = await kreadN(mock, ids.fail_x, 3);
    assert.deepEqual([failed.task_status, failed.task_status_msg, failed.task_result, failed.final_unit_deduction], ["failed", FAILURE_MESSAGE, undefined, undefined]);
    const canceled = await kreadN(mock, ids.cancel_x, 3);
    assert.deepEqual([canceled.task_status, canceled.task_status_msg], ["failed", CANCELED_MESSAGE]);
    assert.equal(CANCELED_MESSAGE, "canceled");
    const unknown = await kreadN(mock, ids.unknown_x, 5);
    assert.deepEqual([unknown.task_status, unknown.task_status_msg, unknown.task_result], ["paused_for_review", undefined, undefined]);
    const byTask = (await ksubmit(mock, { task_id: "fail_task" })).json.data.task_id;
    assert.equal((await kreadN(mock, byTask, 3)).task_status, "failed", "task_id prefixes count too");
  });

  test("404 / 1203 for an unknown task (Trinetra jobs included); 404 / 1202 for a wrong method", async () => {
    assertKlingError(await kread(mock, "task_nope"), 404, 1203, "task not found");
    const trinetra = await submit(mock, { video_id: "v" });
    assertKlingError(await kread(mock, trinetra.json.job_id), 404, 1203);
    assert.equal((await readJob(mock, trinetra.json.job_id)).status, 200, "and the other way round");
    const kling = (await ksubmit(mock, { video_id: "v", external_task_id: "ext" })).json.data.task_id;
    assert.equal((await readJob(mock, kling)).status, 404);
    assertKlingError(await kcall(mock, "GET", KSUBMIT), 404, 1202);
    assertKlingError(await kcall(mock, "DELETE", `${KSUBMIT}/${kling}`), 404, 1202);
  });

  test("named job ids: the next jobs of either service take them in order, then random ones; bad lists change nothing", async () => {
    const long = `k.${"7".repeat(300)}`;
    assert.equal(mock.nameJobs(["k.7", "k_7"]), 2);
    assert.equal((await call(mock, "POST", "/__mock/job-ids", { body: [long] })).json.queued, 3);
    for (const bad of [[], ["k.7"], [""], ["x".repeat(513)], [7], ["a", "a"], "k.7"]) {
      assert.throws(() => mock.nameJobs(bad), TypeError, JSON.stringify(bad));
    }
    assert.equal((await call(mock, "POST", "/__mock/job-ids", { body: ["k_7"] })).status, 400);
    assert.equal((await submit(mock, { video_id: "v" })).json.job_id, "k.7");
    assert.equal((await ksubmit(mock, { video_id: "v" })).json.data.task_id, "k_7");
    assert.equal((await submit(mock, { video_id: "v" })).json.job_id, long);
    assert.match((await submit(mock, { video_id: "v" })).json.job_id, /^job_klingextendvideo_[0-9a-f]{12}$/);
    assert.throws(() => mock.nameJobs(["k.7"]), /already a job's/);
    assert.equal((await readJob(mock, "k.7")).json.id, "k.7");
    assert.equal((await kread(mock, "k_7")).json.data.task_id, "k_7");
    assert.equal((await readJob(mock, encodeURIComponent(long))).json.id, long);
    mock.nameJobs(["k.8"]);
    mock.reset();
    assert.match((await submit(mock, { video_id: "v" })).json.job_id, /^job_klingextendvideo_/, "reset() forgets named ids");
  });

  test("log: Kling requests are logged with the token redacted", async () => {
    const sub = await ksubmit(mock, { video_id: "v" });
    await kread(mock, sub.json.data.task_id);
    assert.deepEqual(mock.log.map((e) => [e.method, e.path, e.outcome, e.headers.authorization]), [
      ["POST", KSUBMIT, 200, "[redacted]"],
      ["GET", `${KSUBMIT}/${sub.json.data.task_id}`, 200, "[redacted]"],
    ]);
    assert.equal(mock.log[0].requestId, sub.json.request_id);
  });
});

describe("Kling faults", () => {
  let mock;
  before(async () => {
    mock = await startMock({ klingKeys: [{ accessKey: AK, secretKey: SK }], advance: { mode: "polls", stepPolls: 1 } });
  });
  after(() => mock.close());
  beforeEach(() => mock.reset());

  test("klingCode answers the code's status and envelope; no task is created", async () => {
    mock.fault([
      { method: "POST", path: KSUBMIT, klingCode: 1102 },
      { method: "POST", path: KSUBMIT, klingCode: 1302, headers: { "retry-after": "2" } },
      { method: "POST", path: KSUBMIT, klingCode: 5001 },
    ]);
    assertKlingError(await ksubmit(mock, { video_id: "v" }), 429, 1102, KLING_CODES[1102][1]);
    const limited = await ksubmit(mock, { video_id: "v" });
    assertKlingError(limited, 429, 1302);
    assert.equal(limited.headers.get("retry-after"), "2");
    assertKlingError(await ksubmit(mock, { video_id: "v" }), 503, 5001);
    assert.equal(mock.jobs.length, 0);
    assert.equal((await ksubmit(mock, { video_id: "v" })).json.code, 0, "faults used up");
    assert.deepEqual(mock.log.map((e) => e.outcome), [429, 429, 503, 200]);
  });

  test("every code of the table has its documented HTTP status", () => {
    const expected = {
      1000: 401, 1001: 401, 1002: 401, 1003: 401, 1004: 401, 1100: 429, 1101: 429, 1102: 429, 1103: 403,
      1200: 400, 1201: 400, 1202: 404, 1203: 404, 1300: 400, 1301: 400, 1302: 429, 1303: 429, 1304: 429,
      5000: 500, 5001: 503, 5002: 504,
    };
    assert.deepEqual(Object.fromEntries(Object.entries(KLING_CODES).map(([c, [status]]) => [c, status])), expected);
  });

  test("a plain fault can send HTTP 200 with code 1201", async () => {
    mock.fault({ path: KSUBMIT, status: 200, body: { code: 1201, message: "bad prompt", request_id: "r2" } });
    const res = await ksubmit(mock, { video_id: "v" });
    assert.equal(res.status, 200);
    assert.deepEqual(res.json, { code: 1201, message: "bad prompt", request_id: "r2" });
    assert.equal(mock.jobs.length, 0);
  });

  test("invalid klingCode faults are rejected (JS and HTTP)", async () => {
    for (const bad of [{ klingCode: 4242 }, { klingCode: 0 }, { klingCode: "1102" }, { klingCode: 1102, status: 429 }, { klingCode: 1102, body: "x" }, { klingCode: 1102, drop: "after" }]) {
      assert.throws(() => mock.fault(bad), TypeError, JSON.stringify(bad));
    }
    const res = await call(mock, "POST", "/__mock/faults", { key: null, body: { klingCode: 9999 } });
    assert.equal(res.status, 400);
    assert.match(res.json.error.message, /klingCode/);
    const ok = await call(mock, "POST", "/__mock/faults", { key: null, body: { klingCode: 1303, path: KSUBMIT } });
    assert.deepEqual(ok.json, { queued: 1 });
    assert.deepEqual(mock.faults, [{ klingCode: 1303, path: KSUBMIT, times: 1 }]);
  });

  test("drop after on submit: exactly one task, found by its external_task_id", async () => {
    mock.fault({ method: "POST", path: KSUBMIT, drop: "after" });
    await assert.rejects(ksubmit(mock, { video_id: "v", external_task_id: "lost-answer" }));
    assert.equal(mock.jobs.length, 1);
    assert.equal(mock.log.at(-1).outcome, "dropped");
    const found = await kread(mock, "lost-answer");
    assert.equal(found.json.code, 0);
    assert.equal(found.json.data.task_id, mock.jobs[0].id);
    assert.equal(found.json.data.task_info.external_task_id, undefined, "a read does not echo it");
    assertKlingError(await ksubmit(mock, { video_id: "v", external_task_id: "lost-answer" }), 400, 1201, "external_task_id already exists");
    assert.equal(mock.jobs.length, 1);
  });

  test("drop before, delay and a status fault on reads apply to Kling routes too", async () => {
    mock.fault([{ method: "POST", path: KSUBMIT, drop: "before" }, { method: "GET", path: `${KSUBMIT}/`, status: 502, body: "<html>bad gateway</html>", headers: { "content-type": "text/html" } }, { path: KSUBMIT, delayMs: 150 }]);
    await assert.rejects(ksubmit(mock, { video_id: "v", external_task_id: "x1" }));
    assert.equal(mock.jobs.length, 0);
    const t0 = Date.now();
    const sub = await ksubmit(mock, { video_id: "v", external_task_id: "x1" });
    assert.ok(Date.now() - t0 >= 140);
    assert.equal(sub.json.code, 0);
    const html = await kread(mock, "x1");
    assert.deepEqual([html.status, html.text], [502, "<html>bad gateway</html>"]);
    assert.equal((await kread(mock, "x1")).json.data.task_status, "submitted", "the faulted read was no poll");
  });
});

describe("Kling settings", () => {
  test("no klingKeys: no auth on Kling routes; keys set at run time over HTTP", async () => {
    const mock = await startMock({ advance: { mode: "polls", stepPolls: 0 } });
    try {
      assert.equal(mock.config.klingAuth, undefined);
      const open = await ksubmit(mock, { video_id: "v" }, { token: null });
      assert.equal(open.json.code, 0);
      assert.equal((await kread(mock, open.json.data.task_id, { token: "garbage" })).json.data.task_status, "succeed");

      const cfg = await call(mock, "POST", "/__mock/config", { key: null, body: { klingKeys: [{ accessKey: AK, secretKey: SK }] } });
      assert.equal(cfg.status, 204);
      const shown = await call(mock, "GET", "/__mock/config", { key: null });
      assert.deepEqual(shown.json, { auth: false, advance: { mode: "polls", stepMs: 300, stepPolls: 0 }, sourceSeconds: 5, klingAuth: true });
      assert.ok(!shown.text.includes(SK) && !shown.text.includes(AK));
      assertKlingError(await kread(mock, open.json.data.task_id, { token: null }), 401, 1001);
      assert.equal((await kread(mock, open.json.data.task_id)).json.code, 0);

      for (const bad of [
        { klingKeys: "ak:sk" },
        { klingKeys: [{ accessKey: AK }] },
        { klingKeys: [{ accessKey: "", secretKey: "s" }] },
        { klingKeys: [{ accessKey: AK, secretKey: SK, extra: 1 }] },
        { klingKeys: [{ accessKey: AK, secretKey: "a" }, { accessKey: AK, secretKey: "b" }] },
      ]) {
        assert.throws(() => mock.configure(bad), TypeError, JSON.stringify(bad));
        const res = await call(mock, "POST", "/__mock/config", { key: null, body: bad });
        assert.equal(res.status, 400);
        assert.ok(!res.text.includes(SK));
      }
      assert.equal(mock.config.klingAuth, true, "a bad update changes nothing");
      mock.configure({ klingKeys: [] });
      assert.equal(mock.config.klingAuth, undefined);
      assert.equal((await ksubmit(mock, { video_id: "v" }, { token: null })).json.code, 0);
    } finally {
      await mock.close();
    }
  });

  test("time mode advances Kling tasks too", async () => {
    const mock = await startMock({ advance: { mode: "time", stepMs: 150 } });
    try {
      const t0 = Date.now();
      const id = (await ksubmit(mock, { video_id: "v" }, { token: null })).json.data.task_id;
      assert.equal((await kread(mock, id, { token: null })).json.data.task_status, "submitted");
      await sleep(225 - (Date.now() - t0));
      assert.equal((await kread(mock, id, { token: null })).json.data.task_status, "processing");
      await sleep(320 - (Date.now() - t0));
      assert.equal((await kread(mock, id, { token: null })).json.data.task_status, "succeed");
    } finally {
      await mock.close();
    }
  });

  test("CLI --kling-key ACCESS:SECRET turns on Kling auth; a malformed one exits 2", async () => {
    const { child, line } = await startCli(["--kling-key", `${AK}:${SK}:with-colon`, "--advance", "polls"]);
    try {
      const mock = { url: /(http:\/\/\S+)$/.exec(line)[1] };
      assertKlingError(await ksubmit(mock, { video_id: "v" }, { token: null }), 401, 1001);
      assertKlingError(await ksubmit(mock, { video_id: "v" }), 401, 1000, /signature/);
      const ok = await ksubmit(mock, { video_id: "v" }, { token: signJwt({ secretKey: `${SK}:with-colon` }) });
      assert.equal(ok.json.code, 0, "the secret is everything after the first colon");
      await stopCli(child);
    } finally {
      child.kill("SIGKILL");
    }

    const bad = spawn(process.execPath, [CLI, "--kling-key", "no-colon-here"], { stdio: ["ignore", "ignore", "pipe"] });
    let err = "";
    bad.stderr.on("data", (d) => (err += d));
    const code = await new Promise((resolve) => bad.on("exit", resolve));
    assert.equal(code, 2);
    assert.match(err, /--kling-key must be ACCESS_KEY:SECRET_KEY/);
    assert.ok(!err.includes("no-colon-here"), "the value is not echoed");
  });
});

describe("callbacks", () => {
  const SECRET_BYTES = Buffer.from("mock callback secret for tests");
  const WEBHOOK_SECRET = `whsec_${SECRET_BYTES.toString("base64")}`;
  let receiver;
  let received;

  before(async () => {
    received = [];
    receiver = http.createServer((req, res) => {
      const chunks = [];
      req.on("data", (chunk) => chunks.push(chunk));
      req.on("end", () => {
        received.push({ headers: req.headers, body: Buffer.concat(chunks).toString("utf8") });
        res.writeHead(204).end();
      });
    });
    await new Promise((resolve) => receiver.listen(0, "127.0.0.1", resolve));
  });
  after(() => new Promise((resolve) => receiver.close(resolve)));
  beforeEach(() => {
    received.length = 0;
  });

  const hook = () => `http://127.0.0.1:${receiver.address().port}/hook`;
  const until = async (count) => {
    for (let i = 0; i < 200 && received.length < count; i++) await new Promise((r) => setTimeout(r, 10));
    assert.equal(received.length, count, `${count} deliveries`);
  };
  const expectedSignature = ({ headers, body }) =>
    `v1,${createHmac("sha256", SECRET_BYTES).update(`${headers["webhook-id"]}.${headers["webhook-timestamp"]}.${body}`).digest("base64")}`;

  test("Trinetra: the job document at every change, unsigned without a secret; nothing without a callback_url", async () => {
    const mock = await startMock({ advance: { mode: "polls", stepPolls: 1 } });
    try {
      await call(mock, "POST", "/v1/video/kling-extend-video", { key: null, body: { video_id: "vid_plain" } });
      const sub = await call(mock, "POST", "/v1/video/kling-extend-video", { key: null, body: { video_id: "vid_cb", callback_url: hook() } });
      await until(1);
      for (let i = 0; i < 3; i++) await call(mock, "GET", `/v1/jobs/${sub.json.job_id}`, { key: null });
      await until(3);
      assert.deepEqual(received.map((r) => JSON.parse(r.body).status), ["queued", "running", "succeeded"]);
      assert.equal(received[0].headers["webhook-signature"], undefined, "no secret, no signature");
      assert.equal(JSON.parse(received[2].body).credits_charged, 190);
      assert.deepEqual(mock.callbacks.map((d) => d.status), [204, 204, 204], "the mock's own record");
    } finally {
      await mock.close();
    }
  });

  test("Kling: signed deliveries (Standard Webhooks), the task document or the newer one", async () => {
    const mock = await startMock({ advance: { mode: "polls", stepPolls: 1 }, webhookSecret: WEBHOOK_SECRET });
    try {
      await call(mock, "POST", "/v1/videos/video-extend", { key: null, body: { video_id: "vid_none", callback_url: "" } });
      const body = { video_id: "vid_k", mode: "pro", callback_url: hook(), external_task_id: "ext-k" };
      const task = await call(mock, "POST", "/v1/videos/video-extend", { key: null, body });
      for (let i = 0; i < 3; i++) await call(mock, "GET", `/v1/videos/video-extend/${task.json.data.task_id}`, { key: null });
      await until(3);
      for (const delivery of received) assert.equal(delivery.headers["webhook-signature"], expectedSignature(delivery));
      const done = JSON.parse(received[2].body);
      assert.deepEqual([done.task_status, done.final_unit_deduction], ["succeed", "3.5"]);
      assert.equal(done.task_info.external_task_id, "ext-k", "a callback echoes the external id");
      assert.equal(mock.callbacks.length, 3, "an empty callback_url means none");

      received.length = 0;
      mock.configure({ klingCallbackShape: "newer" });
      const newer = await call(mock, "POST", "/v1/videos/video-extend", { key: null, body: { video_id: "vid_n", callback_url: hook() } });
      for (let i = 0; i < 3; i++) await call(mock, "GET", `/v1/videos/video-extend/${newer.json.data.task_id}`, { key: null });
      await until(3);
      const [first, , last] = received.map((r) => JSON.parse(r.body));
      assert.deepEqual([first.status, first.outputs, first.billing], ["submitted", [], []], "like the console's test callback");
      assert.equal(last.status, "succeeded");
      assert.deepEqual(last.billing, [{ charge_type: "unit", amount: "1", package_type: "video" }]);
      assert.equal(last.outputs[0].type, "video");
      assert.equal(received[2].headers["webhook-signature"], expectedSignature(received[2]));
      assert.equal(mock.config.signedCallbacks, true);
      assert.ok(!JSON.stringify(mock.config).includes(WEBHOOK_SECRET), "the secret is never shown");
    } finally {
      await mock.close();
    }
  });

  test("bad settings are refused", async () => {
    const mock = await startMock();
    try {
      assert.throws(() => mock.configure({ webhookSecret: "not-a-secret" }), TypeError);
      assert.throws(() => mock.configure({ klingCallbackShape: "v3" }), TypeError);
      assert.throws(() => mock.configure({ klingQueryEcho: "yes" }), TypeError);
    } finally {
      await mock.close();
    }
  });
});
