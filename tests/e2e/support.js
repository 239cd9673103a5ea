// The scenarios' shared parts: mock control, error checks, the registry.
//
// Runtime-neutral: no Node APIs, no test framework. The same file runs in
// Node, in Chromium (bundled by Vite, and as a plain module page) and in
// workerd. It imports the package by its bare name, so each runtime resolves
// it through the package's `exports` like a real consumer does.
//
// ctx = {
//   mockUrl,   // "http://127.0.0.1:PORT" of a running mock (kling-extend/mock)
//   apiKey,    // a key the mock accepts
//   runtime,   // "node" | "chromium-vite" | "chromium-plain" | "workerd"
//   options,   // base call options: { baseUrl, apiKey, dangerouslyAllowBrowser? }
// }
//
// Each scenario resets the mock, sets how jobs advance, and drives it only
// through its HTTP control routes (/__mock/…) with the global fetch.
//
// A scenario may carry `httpErrors: true`: it deliberately makes requests that
// fail (4xx/5xx answers, dropped connections), which browsers report on the
// console; runners may use it to tell expected console errors from others.
import { extendVideo, KlingExtendError } from "kling-extend";
import * as assert from "./assert.js";

export const SUBMIT_PATH = "/v1/video/kling-extend-video";
export const JOBS_PATH = "/v1/jobs/";
export const FAILURE_MESSAGE = "Extension failed: the source video was rejected (mock)";
export const WRONG_KEY = "wrong-key-Zq8-do-not-leak";
export const BROWSERS = ["chromium-vite", "chromium-plain"];

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
export const isBrowser = (ctx) => BROWSERS.includes(ctx.runtime);

// ---------------------------------------------------------------- mock control

export async function control(ctx, method, route, body) {
  const init = { method };
  if (body !== undefined) {
    init.headers = { "content-type": "application/json" };
    init.body = JSON.stringify(body);
  }
  const res = await fetch(`${ctx.mockUrl}/__mock/${route}`, init);
  const text = await res.text();
  if (!res.ok) throw new Error(`mock control ${method} /__mock/${route} answered ${res.status}: ${text}`);
  return text ? JSON.parse(text) : undefined;
}

/** Clears jobs, log and faults, and sets a known configuration. */
export async function resetMock(ctx, advance = {}) {
  await control(ctx, "POST", "reset");
  await control(ctx, "POST", "config", {
    advance: { mode: "polls", stepPolls: 1, stepMs: 300, ...advance },
    sourceSeconds: 5,
  });
}

export async function addFaults(ctx, ...faults) {
  const answer = await control(ctx, "POST", "faults", faults);
  assert.equal(answer.queued, faults.length, "faults queued on the mock");
}

export const mockLog = (ctx) => control(ctx, "GET", "log");
export const mockJobs = (ctx) => control(ctx, "GET", "jobs");
export const mockFaults = (ctx) => control(ctx, "GET", "faults");
export const posts = (log) => log.filter((e) => e.method === "POST" && e.path === SUBMIT_PATH);
export const reads = (log) => log.filter((e) => e.method === "GET" && e.path.startsWith(JOBS_PATH));
export const gaps = (entries) => entries.slice(1).map((e, i) => e.at - entries[i].at);

export async function expectNothingSent(ctx, what) {
  const log = await mockLog(ctx);
  assert.deepEqual(
    log.map((e) => `${e.method} ${e.path}`),
    [],
    `${what}: requests that reached the mock`,
  );
  assert.equal((await mockJobs(ctx)).length, 0, `${what}: jobs on the mock`);
}

/** Waits until `check()` resolves truthy, polling every 10 ms. */
export async function waitFor(check, timeoutMs, what) {
  const start = Date.now();
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() - start > timeoutMs) assert.fail(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(10);
  }
}

/** A submit that must succeed, with a check of its answer. */
export async function submitOk(ctx, request = { video_id: "vid_ok" }, options = ctx.options) {
  const submission = await extendVideo(request, options);
  assert.match(submission.job_id, /^job_klingextendvideo_[0-9a-f]+$/, "submission.job_id");
  assert.equal(submission.provider, "trinetra", "submission.provider");
  assert.equal(submission.status, "queued", "submission.status");
  return submission;
}

// ---------------------------------------------------------------- error checks

/** Every place an error can be shown; none may contain a secret. */
export function renderings(err) {
  const out = { message: err?.message, "String(err)": String(err), "JSON.stringify(err)": JSON.stringify(err) };
  if (typeof err?.stack === "string") out.stack = err.stack;
  return out;
}

export function assertNoSecret(err, secrets) {
  for (const secret of secrets) {
    if (!secret) continue;
    for (const [where, text] of Object.entries(renderings(err))) {
      assert.notIncludes(text, secret, `the key leaked into ${where}`);
    }
  }
}

/**
 * Checks that `err` is a KlingExtendError with the expected fields. A key in
 * `expected` with the value `undefined` must be absent; `message` is a RegExp.
 */
export function checkError(ctx, err, expected, secrets = []) {
  if (!(err instanceof KlingExtendError)) {
    assert.fail(`expected a KlingExtendError (${expected.code}), got ${assert.show(err)}`);
  }
  assert.ok(err instanceof Error, "a KlingExtendError is an Error");
  assert.equal(err.name, "KlingExtendError", "err.name");
  assert.equal(typeof err.retryable, "boolean", "err.retryable is a boolean");
  for (const [key, value] of Object.entries(expected)) {
    if (key === "message") assert.match(err.message, value, "err.message");
    else if (key === "requestId" && value instanceof RegExp) assert.match(err.requestId, value, "err.requestId");
    else assert.equal(err[key], value, `err.${key} (error: ${assert.show(err)})`);
  }
  const json = JSON.parse(JSON.stringify(err));
  assert.equal(json.code, err.code, "JSON.stringify(err) keeps the code");
  assert.equal(json.message, err.message, "JSON.stringify(err) keeps the message");
  assertNoSecret(err, [ctx.apiKey, ...secrets]);
  return err;
}

export async function expectRejection(ctx, fn, expected, secrets) {
  const err = await assert.rejects(fn, `expected a rejection with code ${expected.code}`);
  return checkError(ctx, err, expected, secrets);
}

export function expectThrow(ctx, fn, expected) {
  const err = assert.throws(fn, `expected a synchronous throw with code ${expected.code}`);
  return checkError(ctx, err, expected);
}

// ---------------------------------------------------------------- scenarios

export const scenarios = [];

/**
 * Registers a scenario; its run() resets the mock first.
 * @param {string} name
 * @param {{ advance?: object, httpErrors?: boolean }} settings
 * @param {(ctx: any) => Promise<void>} body
 */
export function scenario(name, settings, body) {
  if (scenarios.some((s) => s.name === name)) throw new Error(`duplicate scenario name: ${name}`);
  scenarios.push({
    name,
    httpErrors: Boolean(settings.httpErrors),
    async run(ctx) {
      await resetMock(ctx, settings.advance);
      await body(ctx);
    },
  });
}

