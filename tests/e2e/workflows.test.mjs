// `kling-extend/workflows` in workerd: a Worker with a Workflow (runChain)
// and a callback route (deliverCallback), bundled from the installed package
// by `wrangler deploy --dry-run`, run by Miniflare on a real port so the
// mock can post its signed Kling callbacks to it.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Miniflare } from "miniflare";
import { closeAll, createConsumer, importFrom, wranglerDryRun } from "./consumer.mjs";

const COMPATIBILITY_DATE = "2026-04-01";
const SECRET = `whsec_${randomBytes(24).toString("base64")}`;

const WORKER = `import { WorkflowEntrypoint } from "cloudflare:workers";
import { deliverCallback, runChain } from "kling-extend/workflows";

export class Chain extends WorkflowEntrypoint {
  run(event, step) {
    const { provider, videoId, prompts, callbackUrl, callbackTimeout, maxRetries } = event.payload;
    const options = { provider: provider ?? "kling", baseUrl: this.env.MOCK_URL, maxRetries };
    return runChain(event, step, { videoId, prompts, options, callbackUrl, callbackTimeout, pollInterval: "300 millis" });
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
const consumer = await createConsumer({ name: "workflows", files: { "worker.js": WORKER, "wrangler.toml": WRANGLER_TOML } });
const dist = join(consumer.dir, "dist");
let mock;
let mf;
let workerUrl;
const teardown = () => closeAll([() => mf?.dispose(), () => mock?.close(), () => consumer.cleanup()]);
try {
  await wranglerDryRun(consumer);
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
function startWorker(persist) {
  return new Miniflare({
    modules: true,
    scriptPath: join(dist, readdirSync(dist).find((f) => f.endsWith(".js"))),
    modulesRoot: dist,
    modulesRules: [{ type: "CompiledWasm", include: ["**/*.wasm"] }],
    compatibilityDate: COMPATIBILITY_DATE,
    workflows: { CHAIN: { name: "chain", className: "Chain" } },
    bindings: { MOCK_URL: mock.url, WEBHOOK_SECRET: SECRET },
    host: "127.0.0.1",
    port: 0,
    ...(persist ? { workflowsPersist: join(persist, "workflows"), durableObjectsPersist: join(persist, "do") } : {}),
  });
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

/** The mock's tasks of instance `id` (their external ids are `<id>-<step>`), oldest first. */
const tasksOf = (id) => mock.jobs.filter((job) => job.external_task_id?.startsWith(`${id}-`));

/** How many times the mock answered a read of one of `tasks` by its task id (polls, not look-ups). */
const pollsOf = (tasks) => mock.log.filter((entry) => entry.method === "GET" && tasks.some((t) => entry.path.endsWith(`/${t.id}`))).length;

test("workflows: a 3-step chain completes through signed callbacks, one submit per step, no polling", { timeout: 60_000 }, async () => {
  const prompts = ["one", "two", "three"];
  const status = await runInstance("cb", { videoId: "src-cb", prompts, callbackUrl: `${workerUrl}/callback`, callbackTimeout: "30 seconds" });
  assert.equal(status.status, "complete", JSON.stringify(status.error));
  const tasks = tasksOf("cb");
  assert.deepEqual(tasks.map((t) => t.external_task_id), ["cb-0", "cb-1", "cb-2"]);
  assert.deepEqual(status.output.map((job) => job.id), tasks.map((t) => t.id));
  // Each step extends the video the one before made: 10, 15, 20 s.
  assert.deepEqual(status.output.map((job) => job.output.outputs[0].duration), [10, 15, 20]);
  assert.equal(pollsOf(tasks), 0, "every step was woken by its callback");
  assert.ok(mock.callbacks.some((c) => c.url.startsWith(`${workerUrl}/callback?instance=cb`) && c.status === 204));
});

test("workflows: with callbacks that do not verify, the chain completes by polling", { timeout: 60_000 }, async () => {
  mock.configure({ webhookSecret: `whsec_${randomBytes(24).toString("base64")}` });
  try {
    const prompts = ["one", "two", "three"];
    const status = await runInstance("lost", { videoId: "src-lost", prompts, callbackUrl: `${workerUrl}/callback`, callbackTimeout: "1 second" });
    assert.equal(status.status, "complete", JSON.stringify(status.error));
    const tasks = tasksOf("lost");
    assert.equal(tasks.length, 3);
    assert.deepEqual(status.output.map((job) => job.id), tasks.map((t) => t.id));
    assert.ok(pollsOf(tasks) >= 3, "each step was read by polling");
    const refused = mock.callbacks.filter((c) => c.url.includes("instance=lost"));
    assert.ok(refused.length > 0 && refused.every((c) => c.status === 400), "the route refused every forged delivery");
  } finally {
    mock.configure({ webhookSecret: SECRET });
  }
});

test("workflows: a failing step ends the instance errored, naming the step, the job and the reason", { timeout: 60_000 }, async () => {
  const status = await runInstance("bad", { videoId: "fail-src", prompts: ["one", "two"], callbackUrl: `${workerUrl}/callback`, callbackTimeout: "30 seconds" });
  assert.equal(status.status, "errored");
  const [task] = tasksOf("bad");
  assert.equal(tasksOf("bad").length, 1, "no step after the failed one");
  assert.equal(status.error.message, `step 1 of 2: job ${task.id} failed: Extension failed: the source video was rejected (mock)`);
});

test("workflows: a Trinetra chain completes through its signed callbacks, each step extending the job before", { timeout: 60_000 }, async () => {
  const before = new Set(mock.jobs.map((job) => job.id));
  const status = await runInstance("tri", { provider: "trinetra", videoId: "src-tri", prompts: ["one", "two", "three"], callbackUrl: `${workerUrl}/callback`, callbackTimeout: "30 seconds" });
  assert.equal(status.status, "complete", JSON.stringify(status.error));
  const jobs = mock.jobs.filter((job) => !before.has(job.id));
  assert.deepEqual(jobs.map((job) => job.provider), ["trinetra", "trinetra", "trinetra"]);
  assert.deepEqual(status.output.map((job) => job.id), jobs.map((job) => job.id));
  assert.deepEqual(jobs.map((job) => job.video_id), ["src-tri", jobs[0].id, jobs[1].id]);
  assert.equal(pollsOf(jobs), 0, "every step was woken by its callback");
});

test("workflows: a Kling submit step that failed after its task was made is retried by finding the task, not sending again", { timeout: 60_000 }, async () => {
  const submits = klingSubmits();
  // The step's look-up finds nothing, its submit makes the task but loses
  // the answer, and the call's own look-up fails (no retries): the step
  // fails, and its retry (Workflows' default, 10 s later) must find the task.
  mock.fault([
    { method: "GET", path: "/v1/videos/video-extend/drop-0", klingCode: 1203 },
    { method: "POST", path: "/v1/videos/video-extend", drop: "after" },
    { method: "GET", path: "/v1/videos/video-extend/", status: 500 },
  ]);
  const params = { videoId: "src-drop", prompts: ["one", "two"], callbackUrl: `${workerUrl}/callback`, callbackTimeout: "30 seconds", maxRetries: 0 };
  const status = await runInstance("drop", params);
  assert.equal(status.status, "complete", JSON.stringify(status.error));
  assert.deepEqual(tasksOf("drop").map((t) => t.external_task_id), ["drop-0", "drop-1"]);
  assert.deepEqual(status.output.map((job) => job.id), tasksOf("drop").map((t) => t.id));
  assert.equal(klingSubmits() - submits, 2, "one submit per step");
});

test("workflows: restarted in the middle of a step, the chain completes with exactly one task per step", { timeout: 90_000 }, async () => {
  const persist = mkdtempSync(join(tmpdir(), "kling-extend-workflows-"));
  let worker = startWorker(persist);
  try {
    let url = String(await worker.ready).replace(/\/$/, "");
    const params = { videoId: "src-restart", prompts: ["one", "two", "three"], callbackTimeout: "1 second" };
    const started = await fetch(`${url}/start?id=restart`, { method: "POST", body: JSON.stringify(params) });
    assert.equal(started.status, 200);
    while (tasksOf("restart").length < 2) await sleep(50);
    await worker.dispose();
    const submits = klingSubmits();
    worker = startWorker(persist);
    url = String(await worker.ready).replace(/\/$/, "");
    // A restarted local runtime picks an instance up only when it is resumed.
    const kick = await fetch(`${url}/kick?id=restart`, { method: "POST" });
    assert.equal(kick.status, 204, await kick.text());
    const status = await ended("restart", url);
    assert.equal(status.status, "complete", JSON.stringify(status.error));
    assert.deepEqual(tasksOf("restart").map((t) => t.external_task_id), ["restart-0", "restart-1", "restart-2"]);
    assert.deepEqual(status.output.map((job) => job.id), tasksOf("restart").map((t) => t.id));
    assert.equal(klingSubmits() - submits, 1, "after the restart, only the third step was submitted");
  } finally {
    await worker.dispose();
    rmSync(persist, { recursive: true, force: true });
  }
});

test("workflows: a chain with a bad prompt ends errored before its first submit", { timeout: 60_000 }, async () => {
  const status = await runInstance("badprompt", { videoId: "src-bad", prompts: ["one", "x".repeat(2501)], callbackUrl: `${workerUrl}/callback` });
  assert.equal(status.status, "errored");
  assert.match(status.error.message, /^prompts\[1\]: prompt .*2500/);
  assert.equal(tasksOf("badprompt").length, 0);
});
