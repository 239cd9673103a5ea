// examples/rust-worker, the Worker written in Rust (workers-rs over the Rust
// client, crates/client with its `fetch` feature): built by worker-build as
// wrangler would build it (scripts/build-rust-worker.sh, offline, skipped
// when nothing changed), then run in workerd by Miniflare on a real port,
// against the package's mock over 127.0.0.1. One job goes through its routes
// (extend, then read until it ends) while the mock posts its signed
// callbacks to the Worker's webhook route, which verifies each; forged,
// altered, stale and unreadable deliveries are refused.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { createHmac, randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { Miniflare } from "miniflare";
import { REPO, bundledWorker, closeAll } from "./consumer.mjs";
import { startMock } from "../../src/mock/index.js";

const KEY = "rust-worker-key";
const SECRET = `whsec_${randomBytes(24).toString("base64")}`;
const BUILD = join(REPO, "target/rust-worker/build");

// All set-up happens before the first test() is registered (see workerd.test.mjs).
const built = await promisify(execFile)("bash", ["scripts/build-rust-worker.sh"], { cwd: REPO, maxBuffer: 64 << 20 });
let mock;
let mf;
let worker;
const teardown = () => closeAll([() => mf?.dispose(), () => mock?.close()]);
try {
  mock = await startMock({ port: 0, apiKeys: [KEY], webhookSecret: SECRET, advance: { mode: "polls", stepPolls: 1 } });
  mf = new Miniflare(bundledWorker(BUILD, {
    compatibilityDate: "2026-04-01",
    // The Worker's secrets and its one variable, as wrangler.toml and `wrangler secret put` give them.
    bindings: { TRINETRA_API_KEY: KEY, WEBHOOK_SECRET: SECRET, UPSTREAM_URL: mock.url },
    host: "127.0.0.1",
    port: 0,
  }));
  worker = String(await mf.ready).replace(/\/$/, "");
} catch (err) {
  await teardown();
  throw err;
}
after(teardown);

/** `method path` on the Worker: its status and its body (JSON, or null when empty). */
async function call(method, path, body, headers = {}) {
  const answer = await fetch(`${worker}${path}`, { method, headers, body: typeof body === "string" ? body : JSON.stringify(body) });
  const text = await answer.text();
  assert.ok(!text.includes(KEY) && !text.includes(SECRET.slice(6)), `no secret in an answer: ${text}`);
  return { status: answer.status, body: text ? JSON.parse(text) : null };
}

/** `body` signed with the webhook secret as the mock signs it, at `timestamp` (Unix seconds). */
function signed(body, timestamp = Math.floor(Date.now() / 1000), id = `msg_${randomBytes(6).toString("hex")}`) {
  const mac = createHmac("sha256", Buffer.from(SECRET.slice("whsec_".length), "base64"));
  const signature = mac.update(`${id}.${timestamp}.${body}`).digest("base64");
  return { "content-type": "application/json", "webhook-id": id, "webhook-timestamp": String(timestamp), "webhook-signature": `v1,${signature}` };
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

test("rust-worker: worker-build made an ES module Worker importing its wasm, where wrangler.toml looks for it", () => {
  assert.match(built.stdout, /build-rust-worker: (built in \d+ ms|up to date)/, built.stdout + built.stderr);
  const wasm = readFileSync(join(BUILD, "index_bg.wasm"));
  // Not WebAssembly.validate: the module uses exception handling, which Node 20 lacks (workerd runs it below).
  assert.deepEqual([...wasm.subarray(0, 4)], [0, 0x61, 0x73, 0x6d], "index_bg.wasm is a wasm module");
  assert.match(readFileSync(join(BUILD, "index.js"), "utf8"), /from"\.\/index_bg\.wasm"/, "index.js imports the wasm as a module");
  assert.ok(wasm.length < 1 << 20, `the wasm is ${wasm.length} B`);
  const wrangler = readFileSync(join(REPO, "examples/rust-worker/wrangler.toml"), "utf8");
  assert.match(wrangler, /^main = "build\/index\.js"$/m, "wrangler deploys what worker-build makes");
  assert.match(wrangler, /^command = ".*worker-build --release"$/m, "and builds it first");
});

test("rust-worker: one job end to end: POST /extend, GET /jobs/:id until it succeeds, each signed callback verified (204)", async () => {
  const request = { video_id: "vid_rust", prompt: "the camera pulls back", callback_url: `${worker}/webhook` };
  const submitted = await call("POST", "/extend", request);
  assert.equal(submitted.status, 202, JSON.stringify(submitted.body));
  const { job_id: id, status, provider } = submitted.body;
  assert.deepEqual({ status, provider }, { status: "queued", provider: "trinetra" });
  const sent = mock.log.find((entry) => entry.method === "POST");
  assert.equal(JSON.parse(sent.body).video_id, "vid_rust", "the mock got the Worker's submit");

  let job;
  for (let reads = 0; reads < 10 && job?.status !== "succeeded"; reads++) {
    const read = await call("GET", `/jobs/${encodeURIComponent(id)}`);
    assert.equal(read.status, 200, JSON.stringify(read.body));
    job = read.body;
  }
  assert.equal(job.id, id);
  assert.equal(job.status, "succeeded", JSON.stringify(job));
  assert.match(job.output.outputs[0].url, /^http/);

  // The mock posts each change of phase to the Worker's /webhook, signed.
  for (let waited = 0; mock.callbacks.some((delivery) => delivery.status === null) && waited < 5000; waited += 50) await sleep(50);
  const deliveries = mock.callbacks.map((delivery) => ({ phase: delivery.body.status, answered: delivery.status, error: delivery.error }));
  assert.deepEqual(deliveries, ["queued", "running", "succeeded"].map((phase) => ({ phase, answered: 204, error: null })));
});

test("rust-worker: POST /webhook refuses what does not verify: 401 naming the header, 400 for a signed body that is no job", async () => {
  const body = JSON.stringify({ id: "job_1", model: "kling-extend-video", status: "succeeded", output: { outputs: [{ type: "video", url: "https://cdn.test/1.mp4" }] } });
  assert.equal((await call("POST", "/webhook", body, signed(body))).status, 204, "a delivery signed with the secret verifies");

  const refusals = [
    ["altered after signing", body.replace("succeeded", "failed"), signed(body), 401, "headers.webhook-signature"],
    ["signed with another secret", body, { ...signed(body), "webhook-signature": `v1,${randomBytes(32).toString("base64")}` }, 401, "headers.webhook-signature"],
    ["unsigned", body, { "content-type": "application/json" }, 401, "headers.webhook-id"],
    ["an hour old (a replay)", body, signed(body, Math.floor(Date.now() / 1000) - 3600), 401, "headers.webhook-timestamp"],
    ["signed, but not JSON", "not json", signed("not json"), 400, "rawBody"],
  ];
  for (const [what, text, headers, status, field] of refusals) {
    const answer = await call("POST", "/webhook", text, headers);
    assert.equal(answer.status, status, `${what}: ${JSON.stringify(answer.body)}`);
    assert.deepEqual([answer.body.error.code, answer.body.error.field], ["invalid_request", field], what);
  }
});

test("rust-worker: a request the client refuses gets 400 naming the field, and nothing reaches the service", async () => {
  const before = mock.log.length;
  const badUrl = await call("POST", "/extend", { video_id: "vid_rust", prompt: "more", callback_url: "ftp://example.com/cb" });
  assert.equal(badUrl.status, 400, JSON.stringify(badUrl.body));
  assert.deepEqual([badUrl.body.error.code, badUrl.body.error.field], ["invalid_request", "callback_url"]);
  const noVideo = await call("POST", "/extend", { prompt: "more" });
  assert.equal(noVideo.status, 400, JSON.stringify(noVideo.body));
  assert.deepEqual([noVideo.body.error.code, noVideo.body.error.field], ["invalid_request", "video_id"]);
  const misspelt = await call("POST", "/extend", { video_id: "vid_rust", callbackUrl: "https://example.com/cb" });
  assert.equal(misspelt.status, 400, JSON.stringify(misspelt.body));
  assert.match(misspelt.body.error.message, /unknown field `callbackUrl`/);
  assert.equal(mock.log.length, before, "no request was sent");

  const unknown = await call("GET", "/jobs/job_unknown");
  assert.equal(unknown.status, 404, JSON.stringify(unknown.body));
  assert.equal(unknown.body.error.code, "not_found");
});
