// `kling-extend/workflows` in workerd: a Worker with a Workflow (runChain)
// and a callback route (deliverCallback), bundled from the installed package
// by `wrangler deploy --dry-run`, run by Miniflare on a real port so the
// mock can post its signed Kling callbacks to it. The scenarios run in a
// test Worker that exposes every knob; the example (examples/chain-workflow)
// is bundled and run as it ships.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Miniflare } from "miniflare";
import { API_KEY, REPO, bundledWorker, closeAll, createConsumer, importFrom, wranglerDryRun } from "./consumer.mjs";

const COMPATIBILITY_DATE = "2026-04-01";
const SECRET = `whsec_${randomBytes(24).toString("base64")}`;

const WORKER = `import { WorkflowEntrypoint } from "cloudflare:workers";
import { deliverCallback, runChain } from "kling-extend/workflows";

export class Chain extends WorkflowEntrypoint {
  run(event, step) {
    const { provider, videoId, prompts, callbackUrl, callbackTimeout, maxRetries, sourceSeconds } = event.payload;
    const options = { provider: provider ?? "kling", baseUrl: this.env.MOCK_URL, maxRetries, sourceSeconds };
    // Retried steps wait half a second, not Workflows' default 10 s.
    const stepConfig = { retries: { limit: 3, delay: "500 millis", backoff: "constant" } };
    return runChain(event, step, { videoId, prompts, options, callbackUrl, callbackTimeout, pollInterval: "300 millis", stepConfig });
  }
}

export default {
  async fetch(request, env) {
    const url = new URL(request.url);
    if (url.pathname === "/callback") return deliverCallback(request, env.CHAIN, env.WEBHOOK_SECRET);
    if (url.pathname === "/start") {
      const instance = await env.CHAIN.create({ id: url.searchParams.get("id"), params: await request.json() });
      return Response.json({ id: instance.id });
    }
    if (url.pathname === "/kick") {
      const instance = await env.CHAIN.get(url.searchParams.get("id"));
      await instance.pause();
      await instance.resume();
      return new Response(null, { status: 204 });
    }
    if (url.pathname === "/status") return Response.json(await (await env.CHAIN.get(url.searchParams.get("id"))).status());
    return new Response("not found", { status: 404 });
  },
};
`;

const WRANGLER_TOML = `name = "kling-extend-workflows"
main = "worker.js"
compatibility_date = "${COMPATIBILITY_DATE}"

[[workflows]]
name = "chain"
binding = "CHAIN"
class_name = "Chain"
`;

// All set-up before the first test(): Node 20 runs after() hooks as soon as
// the registered tests are done, even while the module is still awaiting.
const EXAMPLE = join(REPO, "examples", "chain-workflow");
const exampleFiles = Object.fromEntries(
  ["wrangler.toml", "src/index.js"].map((file) => [`example/${file}`, readFileSync(join(EXAMPLE, file), "utf8")]),
);
const consumer = await createConsumer({ name: "workflows", files: { "worker.js": WORKER, "wrangler.toml": WRANGLER_TOML, ...exampleFiles } });
const dist = join(consumer.dir, "dist");
let mock;
let mf;
let example;
let workerUrl;
let exampleDryRun;
const teardown = () => closeAll([() => mf?.dispose(), () => example?.dispose(), () => mock?.close(), () => consumer.cleanup()]);
try {
  await wranglerDryRun(consumer);
  exampleDryRun = await wranglerDryRun({ ...consumer, dir: join(consumer.dir, "example") });
  const { startMock } = await importFrom(consumer, "mock-entry.mjs");
  mock = await startMock({ port: 0, webhookSecret: SECRET, advance: { mode: "time", stepMs: 100 } });
  mf = startWorker();
  workerUrl = String(await mf.ready).replace(/\/$/, "");
} catch (err) {
  await teardown();
  throw err;
}
after(teardown);

/**
 * The bundled Worker in Miniflare, on a free port; with `persist`, its
 * Workflows' state is kept in that directory, as a restarted runtime finds it.
 */
function startWorker(persist, { dir = dist, bindings = { MOCK_URL: mock.url, WEBHOOK_SECRET: SECRET } } = {}) {
  return new Miniflare(bundledWorker(dir, {
    compatibilityDate: COMPATIBILITY_DATE,
    workflows: { CHAIN: { name: "chain", className: "Chain" } },
    bindings,
    host: "127.0.0.1",
    port: 0,
    ...(persist ? { workflowsPersist: join(persist, "workflows"), durableObjectsPersist: join(persist, "do") } : {}),
  }));
}

/** Starts instance `id` with `params` and resolves its status once it has ended. */
async function runInstance(id, params, url = workerUrl) {
  const started = await fetch(`${url}/start?id=${id}`, { method: "POST", body: JSON.stringify(params) });
  assert.equal(started.status, 200, await started.clone().text());
  return ended(id, url);
}

/** Instance `id`'s status once it has ended. */
async function ended(id, url) {
  for (;;) {
    const status = await (await fetch(`${url}/status?id=${id}`)).json();
    if (!["queued", "running", "waiting", "paused"].includes(status.status)) return status;
    await sleep(100);
  }
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** How many submits reached the mock's Kling route. */
const klingSubmits = () => mock.log.filter((entry) => entry.method === "POST" && entry.path === "/v1/videos/video-extend").length;

/**
 * The mock's tasks of the Kling chain that extends `videoId`, oldest first:
 * the first extends it, and every step's external id is the chain's key
 * with the step's index in its last byte, so all share the first 28 digits.
 */
function chainTasks(videoId) {
  const first = mock.jobs.find((job) => job.video_id === videoId);
  if (first === undefined) return [];
  const key = first.external_task_id.slice(0, "ke-".length + 28);
  return mock.jobs.filter((job) => job.external_task_id?.startsWith(key));
}

const FIVE = ["one", "two", "three", "four", "five"];

/** How many times the mock answered a read of one of `tasks`, by its task id or its external id (polls and look-ups). */
const readsOf = (tasks) =>
  mock.log.filter((entry) => entry.method === "GET" && tasks.some((t) => entry.path.endsWith(`/${t.id}`) || entry.path.endsWith(`/${t.external_task_id}`))).length;

test("workflows: a 5-step chain completes through signed callbacks, one submit per step, no polling", { timeout: 60_000 }, async () => {
  const status = await runInstance("cb", { videoId: "src-cb", prompts: FIVE, callbackUrl: `${workerUrl}/callback`, callbackTimeout: "30 seconds" });
  assert.equal(status.status, "complete", JSON.stringify(status.error));
  const tasks = chainTasks("src-cb");
  assert.equal(tasks.length, 5);
  assert.equal(new Set(tasks.map((t) => t.external_task_id)).size, 5, "each step has its own findable id");
  assert.deepEqual(status.output.map((job) => job.id), tasks.map((t) => t.id));
  // Each step extends the video the one before made: 10, 15, … 30 s.
  assert.deepEqual(status.output.map((job) => job.output.outputs[0].duration), [10, 15, 20, 25, 30]);
  assert.equal(readsOf(tasks), 0, "every step was woken by its callback");
  assert.ok(tasks.every((t) => t.body.callback_url === `${workerUrl}/callback?instance=cb`));
  assert.ok(mock.callbacks.some((c) => c.url.startsWith(`${workerUrl}/callback?instance=cb`) && c.status === 204));
});

test("workflows: with callbacks lost (none verifies), a 5-step chain completes by polling", { timeout: 60_000 }, async () => {
  mock.configure({ webhookSecret: `whsec_${randomBytes(24).toString("base64")}` });
  try {
    const status = await runInstance("lost", { videoId: "src-lost", prompts: FIVE, callbackUrl: `${workerUrl}/callback`, callbackTimeout: "1 second" });
    assert.equal(status.status, "complete", JSON.stringify(status.error));
    const tasks = chainTasks("src-lost");
    assert.equal(tasks.length, 5);
    assert.deepEqual(status.output.map((job) => job.id), tasks.map((t) => t.id));
    assert.ok(readsOf(tasks) >= 5, "each step was read by polling");
    const refused = mock.callbacks.filter((c) => c.url.includes("instance=lost"));
    assert.ok(refused.length > 0 && refused.every((c) => c.status === 400), "the route refused every forged delivery");
  } finally {
    mock.configure({ webhookSecret: SECRET });
  }
});

test("workflows: a failing step ends the instance errored, naming the step, the job and the reason", { timeout: 60_000 }, async () => {
  const status = await runInstance("bad", { videoId: "fail-src", prompts: ["one", "two"], callbackUrl: `${workerUrl}/callback`, callbackTimeout: "30 seconds" });
  assert.equal(status.status, "errored");
  const tasks = chainTasks("fail-src");
  assert.equal(tasks.length, 1, "no step after the failed one");
  // Workflows keeps an error's name only in its message.
  assert.equal(status.error.message, `KlingExtendError: step 1 of 2: job ${tasks[0].id} failed: Extension failed: the source video was rejected (mock)`);
});
test("workflows: a Trinetra chain completes through its signed callbacks, each step extending the job before", { timeout: 60_000 }, async () => {
  const before = new Set(mock.jobs.map((job) => job.id));
  const status = await runInstance("tri", { provider: "trinetra", videoId: "src-tri", prompts: ["one", "two", "three"], callbackUrl: `${workerUrl}/callback`, callbackTimeout: "30 seconds" });
  assert.equal(status.status, "complete", JSON.stringify(status.error));
  const jobs = mock.jobs.filter((job) => !before.has(job.id));
  assert.deepEqual(jobs.map((job) => job.provider), ["trinetra", "trinetra", "trinetra"]);
  assert.deepEqual(status.output.map((job) => job.id), jobs.map((job) => job.id));
  assert.deepEqual(jobs.map((job) => job.video_id), ["src-tri", jobs[0].id, jobs[1].id]);
  assert.equal(readsOf(jobs), 0, "every step was woken by its callback");
});

test("workflows: a Kling submit step that failed after its task was made is retried by finding the task, not sending again", { timeout: 60_000 }, async () => {
  const submits = klingSubmits();
  // The first attempt's submit makes the task but loses the answer, and the
  // call's own look-up fails (no retries): the step fails, and its retry
  // must find the task rather than send it again.
  mock.fault([
    { method: "POST", path: "/v1/videos/video-extend", drop: "after" },
    { method: "GET", path: "/v1/videos/video-extend/ke-", status: 500 },
  ]);
  const params = { videoId: "src-drop", prompts: ["one", "two"], callbackUrl: `${workerUrl}/callback`, callbackTimeout: "30 seconds", maxRetries: 0 };
  const status = await runInstance("drop", params);
  assert.equal(status.status, "complete", JSON.stringify(status.error));
  assert.equal(chainTasks("src-drop").length, 2);
  assert.deepEqual(status.output.map((job) => job.id), chainTasks("src-drop").map((t) => t.id));
  assert.equal(klingSubmits() - submits, 2, "one submit per step");
});

test("workflows: a Trinetra submit that may have been accepted ends the chain instead of being sent again", { timeout: 60_000 }, async () => {
  const before = mock.jobs.length;
  mock.fault([{ method: "POST", path: "/v1/video/kling-extend-video", drop: "after" }]);
  const status = await runInstance("ambiguous", { provider: "trinetra", videoId: "src-ambiguous", prompts: ["one", "two"], maxRetries: 0 });
  assert.equal(status.status, "errored");
  assert.equal(mock.jobs.length - before, 1, "the submit was sent once");
  assert.match(status.error.message, /^KlingExtendError: step 1 of 2: .*may have accepted the job, so it was not sent again$/);
});

test("workflows: restarted in the middle of a step, a 5-step chain completes with exactly 5 tasks", { timeout: 90_000 }, async () => {
  const persist = mkdtempSync(join(tmpdir(), "kling-extend-workflows-"));
  let worker = startWorker(persist);
  try {
    let url = String(await worker.ready).replace(/\/$/, "");
    const params = { videoId: "src-restart", prompts: FIVE, callbackTimeout: "1 second" };
    const started = await fetch(`${url}/start?id=restart`, { method: "POST", body: JSON.stringify(params) });
    assert.equal(started.status, 200);
    while (chainTasks("src-restart").length < 3) await sleep(50);
    await worker.dispose();
    const submits = klingSubmits();
    worker = startWorker(persist);
    url = String(await worker.ready).replace(/\/$/, "");
    // A restarted local runtime picks an instance up only when it is resumed.
    const kick = await fetch(`${url}/kick?id=restart`, { method: "POST" });
    assert.equal(kick.status, 204, await kick.text());
    const status = await ended("restart", url);
    assert.equal(status.status, "complete", JSON.stringify(status.error));
    assert.equal(chainTasks("src-restart").length, 5, "exactly one task per step");
    assert.deepEqual(status.output.map((job) => job.id), chainTasks("src-restart").map((t) => t.id));
    assert.equal(klingSubmits() - submits, 2, "after the restart, only the last two steps were submitted");
  } finally {
    await worker.dispose();
    rmSync(persist, { recursive: true, force: true });
  }
});

test("workflows: a chain with a bad prompt ends errored before its first submit", { timeout: 60_000 }, async () => {
  const status = await runInstance("badprompt", { videoId: "src-bad", prompts: ["one", "x".repeat(2501)], callbackUrl: `${workerUrl}/callback` });
  assert.equal(status.status, "errored");
  assert.match(status.error.message, /^KlingExtendError: prompts\[1\] .*2500/);
  assert.equal(chainTasks("src-bad").length, 0);
});

test("workflows: a Kling chain that would pass 180 s is refused before its first submit", { timeout: 60_000 }, async () => {
  const submits = klingSubmits();
  const status = await runInstance("toolong", { videoId: "src-toolong", prompts: Array(36).fill("more"), callbackUrl: `${workerUrl}/callback` });
  assert.equal(status.status, "errored");
  assert.equal(status.error.message, "KlingExtendError: prompts would make a video of up to 185 s, past Kling's limit of 180 s");
  const known = await runInstance("toolong2", { videoId: "src-toolong2", prompts: ["one"], sourceSeconds: 178 });
  assert.equal(known.status, "errored");
  assert.match(known.error.message, /up to 183 s/);
  assert.equal(klingSubmits(), submits, "nothing was submitted");
});

test("workflows: the example deploys in a dry run and runs a chain through its routes and callbacks", { timeout: 60_000 }, async () => {
  assert.match(exampleDryRun, /env\.CHAIN \(Chain\)\s+Workflow/, "the dry run lists the workflow binding");
  const bindings = { PROVIDER: "kling", UPSTREAM_URL: mock.url, KLING_API_KEY: API_KEY, WEBHOOK_SECRET: SECRET };
  example = startWorker(undefined, { dir: join(consumer.dir, "example", "dist"), bindings });
  const url = String(await example.ready).replace(/\/$/, "");
  const started = await fetch(`${url}/chains`, { method: "POST", body: JSON.stringify({ videoId: "src-example", prompts: ["one", "two"] }) });
  assert.equal(started.status, 202);
  const { id } = await started.json();
  let status;
  do {
    await sleep(100);
    status = await (await fetch(`${url}/chains/${id}`)).json();
  } while (["queued", "running", "waiting"].includes(status.status));
  assert.equal(status.status, "complete", JSON.stringify(status.error));
  const tasks = chainTasks("src-example");
  assert.deepEqual(status.output.map((job) => job.id), tasks.map((t) => t.id));
  assert.equal(readsOf(tasks), 0, "both steps were woken by their signed callbacks");
  assert.ok(tasks.every((t) => t.body.callback_url === `${url}/callback?instance=${id}`));
});
