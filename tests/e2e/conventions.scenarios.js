// Scenarios for the habits users bring from other SDKs: one call that submits
// and waits (`run`, with `onSubmitted`), a logger, an early failure when no
// credential can reach the service, and a type guard for catch blocks.
import { createClient, createProxy, isKlingExtendError, KlingExtendError, pollJob, quote, run, validateRequest } from "kling-extend";
import * as assert from "./assert.js";
import {
  WRONG_KEY,
  addFaults,
  checkError,
  expectNothingSent,
  expectRejection,
  expectThrow,
  isBrowser,
  mockJobs,
  mockLog,
  posts,
  reads,
  scenario,
} from "./support.js";

/** A console-shaped logger that keeps its lines. */
function recorder() {
  const lines = [];
  const logger = {};
  for (const level of ["debug", "info", "warn", "error"]) logger[level] = (message) => lines.push({ level, message });
  return { lines, logger };
}

scenario("run submits, hands over the submission before the first wait, then resolves the video", {}, async (ctx) => {
  const events = [];
  const job = await run(
    { video_id: "vid_run", prompt: "the crowd cheers" },
    {
      ...ctx.options,
      intervalMs: 20,
      onSubmitted: (submission) => events.push({ submitted: submission }),
      onUpdate: (update) => events.push({ status: update.status }),
    },
  );
  assert.equal(job.status, "succeeded", "job.status");
  assert.equal(job.output.outputs[0].url, `${ctx.mockUrl}/media/${job.id}.mp4`, "the video");
  const [first, ...rest] = events;
  assert.equal(first.submitted?.job_id, job.id, "onSubmitted comes first, with the job id");
  assert.equal(first.submitted.provider, "trinetra", "submission.provider");
  assert.deepEqual(rest.map((e) => e.status), ["queued", "running", "succeeded"], "then the job's progress");
  const log = await mockLog(ctx);
  assert.equal(posts(log).length, 1, "exactly one submit");
  assert.equal(reads(log).length, 3, "then the reads");
  assert.equal((await mockJobs(ctx)).length, 1, "one job on the mock");
});

scenario("a client call's own bad option is its own invalid_request: calls in flight go on, the next works; a frozen job's raw still reads", {}, async (ctx) => {
  const client = createClient({ ...ctx.options, intervalMs: 20 });
  const { job_id: id } = await client.extendVideo({ video_id: "vid_inflight" });
  const polling = client.pollJob(id);
  for (const [own, field] of [
    [{ timeoutMs: NaN }, "timeoutMs"],
    [{ maxRetries: Infinity }, "maxRetries"],
    [{ headers: { "x-trace": Symbol("t") } }, "headers.x-trace"],
    [{ headers: { "x-trace": "\uD800" } }, "headers.x-trace"],
  ]) {
    await expectRejection(ctx, () => client.getJob(id, own), { code: "invalid_request", field });
  }
  const done = await polling;
  assert.equal(done.status, "succeeded", "the poll in flight was not touched");
  const read = await client.getJob(id);
  const expected = JSON.parse(JSON.stringify(read.raw));
  const frozen = Object.freeze(await client.getJob(id));
  assert.deepEqual(frozen.raw, expected, "raw of a frozen job");
  assert.deepEqual(JSON.parse(JSON.stringify(frozen)).raw, expected, "and in its JSON");
});

scenario("run on a client; a failed job rejects job_failed with its document", {}, async (ctx) => {
  const client = createClient({ ...ctx.options, intervalMs: 20 });
  let submitted;
  const err = await expectRejection(
    ctx,
    () => client.run({ video_id: "fail_run" }, { onSubmitted: (s) => (submitted = s) }),
    { code: "job_failed" },
  );
  assert.equal(err.job.id, submitted?.job_id, "error.job is the submitted job");
  assert.equal(err.job.status, "failed", "error.job.status");
  assert.ok(isKlingExtendError(err), "isKlingExtendError");
});

scenario("options and request fields given as undefined count as absent, as the types allow (an unset environment variable)", {}, async (ctx) => {
  const unset = { timeoutMs: undefined, maxRetries: undefined, signal: undefined, fetch: undefined, headers: undefined, logger: undefined, logLevel: undefined };
  const client = createClient({ ...ctx.options, ...unset, intervalMs: 20 });
  const request = { video_id: "vid_unset", prompt: undefined, negative_prompt: undefined, cfg_scale: undefined, callback_url: undefined, resolution: undefined };
  validateRequest(request, { provider: undefined });
  const job = await client.run(request, { onSubmitted: undefined, onUpdate: undefined, waitTimeoutMs: undefined });
  assert.equal(job.status, "succeeded", "job.status");
  const [submit, ...more] = posts(await mockLog(ctx));
  assert.equal(more.length, 0, "exactly one submit");
  assert.equal(submit.body, '{"video_id":"vid_unset"}', "only the fields given are sent");
  const trinetra = { seconds: 5, resolution: undefined, discountPercent: undefined, rates: { "720p": undefined }, mode: undefined, unitPrice: undefined };
  assert.deepEqual(quote(trinetra), quote({ seconds: 5 }), "a Trinetra quote");
  assert.deepEqual(quote({ provider: "kling", seconds: 5, mode: undefined, unitPrice: undefined }), quote({ provider: "kling", seconds: 5 }), "a Kling quote");
});

scenario("run: a submit the service refused calls no onSubmitted and reads nothing", { httpErrors: true }, async (ctx) => {
  let called = false;
  await expectRejection(
    ctx,
    () => run({ video_id: "vid_x" }, { ...ctx.options, apiKey: WRONG_KEY, onSubmitted: () => (called = true) }),
    { code: "unauthorized" },
    [WRONG_KEY],
  );
  assert.equal(called, false, "onSubmitted was not called");
  assert.equal(reads(await mockLog(ctx)).length, 0, "no read");
});

scenario("logLevel info logs each attempt with method, URL, status and time; warn the retry; never the key", { httpErrors: true }, async (ctx) => {
  const { lines, logger } = recorder();
  await addFaults(ctx, { method: "GET", status: 503, headers: { "retry-after": "0" } });
  const job = await run({ video_id: "vid_logged" }, { ...ctx.options, intervalMs: 20, logLevel: "info", logger });
  assert.equal(job.status, "succeeded");
  const levels = new Set(lines.map((l) => l.level));
  assert.ok(!levels.has("debug"), "no debug lines at info");
  const submit = lines.find((l) => l.message.includes("POST "));
  assert.match(submit?.message ?? "", /^\[kling-extend\] POST http:\/\/127\.0\.0\.1:\d+\/v1\/video\/kling-extend-video → 202 \(\d+ ms\)$/);
  assert.ok(lines.some((l) => l.level === "info" && / → 503 \(\d+ ms\)$/.test(l.message)), "the failed read, with its status");
  const retry = /^\[kling-extend\] retrying GET http:\/\/127\.0\.0\.1:\d+\/v1\/jobs\/job_\S+ in \d+ ms: it answered HTTP 503$/;
  assert.ok(lines.some((l) => l.level === "warn" && retry.test(l.message)), `the retry, with its request and status: ${assert.show(lines)}`);
  assert.ok(lines.some((l) => /GET .*\/v1\/jobs\/.* → 200 \(\d+ ms\)$/.test(l.message)), "the reads");
  for (const { message } of lines) {
    assert.notIncludes(message, ctx.apiKey, "a log line carries the key");
    assert.notIncludes(message, "vid_logged", "a log line carries the body");
  }
});

scenario("logLevel debug adds each request and wait; off (the default) logs nothing; a bad logger is refused", {}, async (ctx) => {
  const debug = recorder();
  const job = await run({ video_id: "vid_debug" }, { ...ctx.options, intervalMs: 20, logLevel: "debug", logger: debug.logger });
  assert.ok(debug.lines.some((l) => l.level === "debug" && /next read in \d+ ms$/.test(l.message)), "the poll's waits");
  assert.ok(debug.lines.some((l) => l.level === "debug" && l.message === `[kling-extend] GET ${ctx.mockUrl}/v1/jobs/${job.id}`), "a read as it leaves");
  const quiet = recorder();
  await pollJob(job.id, { ...ctx.options, logger: quiet.logger });
  assert.deepEqual(quiet.lines, [], "nothing logged by default");
  const throwing = { debug() {}, info() { throw new Error("disk full"); }, warn() {}, error() {} };
  const again = await pollJob(job.id, { ...ctx.options, logLevel: "info", logger: throwing });
  assert.equal(again.id, job.id, "a logger that throws changes nothing");
  await expectRejection(ctx, () => pollJob(job.id, { ...ctx.options, logger: { info() {} } }), { code: "invalid_request", field: "logger" });
  await expectRejection(ctx, () => pollJob(job.id, { ...ctx.options, logLevel: "loud" }), { code: "invalid_request", field: "logLevel" });
});

scenario("no credential for the service's own URL fails before any request, naming the option", {}, async (ctx) => {
  const err = await expectRejection(ctx, () => run({ video_id: "vid_nokey" }), { code: "invalid_request", field: "apiKey" });
  assert.match(err.message, /^apiKey is required to call https:\/\/brahmand-api\.bulletshorts\.co directly/);
  if (ctx.runtime === "node") assert.match(err.message, /TRINETRA_API_KEY/, "Node names the variable");
  else assert.notIncludes(err.message, "TRINETRA_API_KEY", "only Node reads the environment");
  const kling = await expectRejection(ctx, () => pollJob("task_1", { provider: "kling" }), { code: "invalid_request", field: "apiKey" });
  assert.match(kling.message, /api-singapore\.klingai\.com/);
  await expectNothingSent(ctx, "calls without a credential");
});

scenario("KlingExtendError narrows by code: job errors carry the job, invalid_request a field", {}, async (ctx) => {
  const invalid = await expectRejection(ctx, () => run({ prompt: "no video" }, ctx.options), { code: "invalid_request" });
  assert.equal(invalid.field, "video_id", "invalid_request names its field");
  assert.ok(isKlingExtendError(invalid) && invalid instanceof KlingExtendError, "guard and instanceof agree");
  // One made by another copy of the package: the guard knows it, instanceof cannot.
  const foreign = Object.assign(new Error("from another copy"), { name: "KlingExtendError", code: "timeout" });
  assert.ok(isKlingExtendError(foreign), "a KlingExtendError of another copy");
  assert.ok(!isKlingExtendError(new Error("plain")) && !isKlingExtendError({ name: "KlingExtendError", code: "x" }), "others are not");
  checkError(ctx, invalid, { code: "invalid_request", field: "video_id" });
});

scenario("createProxy({ basePath }) serves the service's routes under a prefix, and nothing outside it", {}, async (ctx) => {
  const config = { baseUrl: ctx.mockUrl, apiKey: ctx.apiKey, allowedOrigins: ["*"], basePath: "/api/video" };
  if (isBrowser(ctx)) {
    // A page never holds the key, so it cannot be the proxy: its first request says why.
    const proxy = createProxy(config);
    await expectRejection(ctx, () => proxy(new Request("https://app.example/api/video/v1/jobs/j")), { code: "invalid_request", field: "apiKey" });
    return;
  }
  const proxy = createProxy(config);
  // The client reaches the proxy in-process (its own fetch option); the proxy reaches the mock over HTTP.
  const client = createClient({ baseUrl: "https://app.example/api/video", fetch: (url, init) => proxy(new Request(url, init)), intervalMs: 20 });
  const job = await client.run({ video_id: "vid_prefixed" });
  assert.equal(job.status, "succeeded", "a job through the prefixed proxy");
  const log = await mockLog(ctx);
  assert.equal(posts(log).length, 1, "the submit reached the service's own path");
  assert.ok(reads(log).length >= 1, "so did the reads");
  for (const path of ["/v1/jobs/" + job.id, "/api/videos/v1/jobs/" + job.id, "/api/video//v1/jobs/" + job.id]) {
    const answer = await proxy(new Request(`https://app.example${path}`));
    assert.equal(answer.status, 404, `${path} is outside the prefix`);
  }
  assert.equal((await mockLog(ctx)).length, log.length, "nothing outside the prefix reached the service");
  expectThrow(ctx, () => createProxy({ ...config, basePath: "api" }), { code: "invalid_request", field: "basePath" });
});
