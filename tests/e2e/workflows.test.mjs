// `kling-extend/workflows` in workerd: a Worker with a Workflow (runChain)
// and a callback route (deliverCallback), bundled from the installed package
// by `wrangler deploy --dry-run`, run by Miniflare on a real port so the
// mock can post its signed Kling callbacks to it. The scenarios run in a
// test Worker that exposes every knob; the example (examples/chain-workflow)
// is bundled and run as it ships.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { createHmac, randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Miniflare } from "miniflare";
import { API_KEY, REPO, bundledWorker, closeAll, createConsumer, importFrom, wranglerDryRun } from "./consumer.mjs";

const COMPATIBILITY_DATE = "2026-04-01";
const SECRET = `whsec_${randomBytes(24).toString("base64")}`;

const WORKER = `import { WorkflowEntrypoint } from "cloudflare:workers";
import { callbackEvent, deliverCallback, runChain } from "kling-extend/workflows";

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
      instance[Symbol.dispose]?.();
      return Response.json({ id: instance.id });
    }
    if (url.pathname === "/events") return Response.json(await Promise.all((await request.json()).map(callbackEvent)));
    const action = ACTIONS[url.pathname];
    if (action === undefined) return new Response("not found", { status: 404 });
    const instance = await env.CHAIN.get(url.searchParams.get("id"));
    try {
      return (await action(instance, request, url)) ?? new Response(null, { status: 204 });
    } finally {
      instance[Symbol.dispose]?.();
    }
  },
};

/** What the test does to an instance, by route. */
const ACTIONS = {
  "/status": async (instance) => Response.json(await instance.status()),
  "/kick": async (instance) => {
    await instance.pause();
    await instance.resume();
  },
  "/terminate": (instance) => instance.terminate(),
  // What only the app itself could send: any payload, as the event the step of job ?job= waits for.
  "/send": async (instance, request, url) => {
    await instance.sendEvent({ type: await callbackEvent(url.searchParams.get("job")), payload: await request.json() });
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

/** Starts instance `id` with `params` and resolves once it runs (the callback route finds it then). */
async function startInstance(id, params) {
  const started = await fetch(`${workerUrl}/start?id=${id}`, { method: "POST", body: JSON.stringify(params) });
  assert.equal(started.status, 200, await started.clone().text());
  for (;;) {
    const status = await (await fetch(`${workerUrl}/status?id=${id}`)).json();
    if (status.status !== "queued") return status;
    await sleep(20);
  }
}

/** Posts `delivery` (a mock's, or `signed`) to the callback route for `instance` and resolves the answer's status. */
async function deliver(delivery, instance) {
  const url = `${workerUrl}/callback?instance=${encodeURIComponent(instance)}`;
  const answer = await fetch(url, { method: "POST", headers: delivery.headers, body: JSON.stringify(delivery.body) });
  await answer.body?.cancel();
  return answer.status;
}

/** The mock's delivery of job `jobId`'s end. */
const ending = (jobId) => mock.callbacks.find((c) => c.body.id === jobId && ["succeeded", "failed"].includes(c.body.status));

/** A delivery of `body` signed with the mock's secret, as the service signs its own. */
function signed(body) {
  const id = `msg_${randomBytes(8).toString("hex")}`;
  const timestamp = String(Math.floor(Date.now() / 1000));
  const mac = createHmac("sha256", Buffer.from(SECRET.slice("whsec_".length), "base64")).update(`${id}.${timestamp}.${JSON.stringify(body)}`).digest("base64");
  return { body, headers: { "content-type": "application/json", "webhook-id": id, "webhook-timestamp": timestamp, "webhook-signature": `v1,${mac}` } };
}

/** The mock's Trinetra job that extends `videoId`. */
const extending = (videoId) => mock.jobs.find((job) => job.video_id === videoId);

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

test("workflows: event types are one per job id and keep Workflows' rules (at most 100 characters of [A-Za-z0-9_-], not starting with -)", { timeout: 30_000 }, async () => {
  const long = "k.".repeat(100);
  const ids = ["k.7", "k_7", "k-7", "K.7", "k_2E7", "k_002E7", "k 7", "é", "e\u0301", "🙂", "_", "-", "808411227574358083", long, `${long}x`, "a".repeat(96), "a".repeat(97)];
  const answer = await fetch(`${workerUrl}/events`, { method: "POST", body: JSON.stringify([...ids, ...ids]) });
  const types = await answer.json();
  assert.deepEqual(types.slice(ids.length), types.slice(0, ids.length), "the same id, the same type");
  assert.equal(new Set(types).size, ids.length, JSON.stringify(types));
  for (const type of types) assert.match(type, /^[A-Za-z0-9_][A-Za-z0-9_-]{0,99}$/);
  assert.equal(types[ids.indexOf("808411227574358083")], "job-808411227574358083", "Kling's ids read as themselves");
  assert.match(types[ids.indexOf(long)], /^job_[0-9a-f]{64}$/, "an id too long to spell out is named by its digest");
});

test("workflows: the callback route answers 404 for an instance that does not exist and 2xx for one that ended, sending nothing", { timeout: 60_000 }, async () => {
  mock.nameJobs(["end.1"]);
  const done = await runInstance("ended", { provider: "trinetra", videoId: "src-ended", prompts: ["one"], callbackUrl: `${workerUrl}/callback`, callbackTimeout: "30 seconds" });
  assert.equal(done.status, "complete", JSON.stringify(done.error));
  const delivery = ending("end.1");
  assert.equal(delivery.status, 204);
  for (const nobody of ["nobody", "no body", "x".repeat(101), "-x", ""]) assert.equal(await deliver(delivery, nobody), 404, nobody);
  const { CHAIN } = await mf.getBindings();
  await assert.rejects(CHAIN.get("nobody"), /not_found/, "the route made no instance");
  const failed = runInstance("ended-errored", { provider: "trinetra", videoId: "fail-ended", prompts: ["one"], callbackUrl: `${workerUrl}/callback`, callbackTimeout: "30 seconds" });
  await startInstance("ended-terminated", { provider: "trinetra", videoId: "unknown-ended", prompts: ["one"], callbackTimeout: "30 seconds" });
  assert.equal((await fetch(`${workerUrl}/terminate?id=ended-terminated`, { method: "POST" })).status, 204);
  assert.equal((await failed).status, "errored");
  for (const id of ["ended", "ended-errored", "ended-terminated"]) {
    const answer = await deliver(delivery, id);
    assert.ok(answer >= 200 && answer < 300, `${id}: ${answer}`);
    assert.equal((await ended(id, workerUrl)).status, id === "ended" ? "complete" : id.slice("ended-".length));
  }
});

test("workflows: ids one mapping confused (k.7, k_7) never wake another job's step: each chain extends its own video", { timeout: 60_000 }, async () => {
  // Chain A's jobs: k.7, then an id too long for an event type.
  const long = `k.${"7".repeat(200)}`;
  mock.nameJobs(["k.7", long]);
  const a = await runInstance("collide-a", { provider: "trinetra", videoId: "src-collide-a", prompts: ["one", "two"], callbackUrl: `${workerUrl}/callback`, callbackTimeout: "30 seconds" });
  assert.equal(a.status, "complete", JSON.stringify(a.error));
  assert.deepEqual(a.output.map((job) => job.id), ["k.7", long]);
  assert.equal(extending("k.7").id, long, "A extends its own video");
  assert.equal(readsOf([{ id: "k.7" }, { id: long }]), 0, "both of A's steps were woken by their callbacks");
  // Chain B waits for k_7 (its submit held back a little), and gets A's genuine callback for k.7 first.
  mock.nameJobs(["k_7"]);
  mock.fault({ method: "POST", path: "/v1/video/kling-extend-video", delayMs: 300 });
  await startInstance("collide-b", { provider: "trinetra", videoId: "src-collide-b", prompts: ["one", "two"], callbackUrl: `${workerUrl}/callback`, callbackTimeout: "30 seconds" });
  assert.equal(await deliver(ending("k.7"), "collide-b"), 204);
  const b = await ended("collide-b", workerUrl);
  assert.equal(b.status, "complete", JSON.stringify(b.error));
  assert.equal(b.output[0].id, "k_7");
  assert.equal(b.output[1].id, extending("k_7").id, "B extends its own video");
  assert.equal(readsOf([{ id: "k_7" }]), 0, "B's step was woken by its own callback");
});

test("workflows: a step never takes another job's event or an oversized delivery for its own: it reads its job", { timeout: 60_000 }, async () => {
  mock.nameJobs(["odd.1", "odd.2"]);
  mock.fault({ method: "POST", path: "/v1/video/kling-extend-video", delayMs: 300 });
  await startInstance("odd", { provider: "trinetra", videoId: "src-odd", prompts: ["one", "two"], callbackUrl: `${workerUrl}/callback`, callbackTimeout: "30 seconds" });
  // Queued before either job exists (the first submit is held back a
  // little), so each step's wait takes it first:
  // for odd.1, an event of its type carrying job k.7 (as a collision of
  // digests, or the app's own sender, would); for odd.2, a signed delivery
  // past what the route passes on whole (64 KiB: Workflows takes events of
  // 1 MiB at most, and a delivery may have up to 1 MiB).
  const other = { id: "k.7", model: "kling-extend-video", status: "succeeded", output: { outputs: [{ url: `${mock.url}/media/k.7.mp4`, type: "video" }] } };
  const job = { ...other, raw: other };
  const sent = await fetch(`${workerUrl}/send?id=odd&job=odd.1`, { method: "POST", body: JSON.stringify({ ...job, job }) });
  assert.equal(sent.status, 204);
  const padding = "x".repeat(200_000);
  assert.equal(await deliver(signed({ ...other, id: "odd.2", padding }), "odd"), 204);
  const status = await ended("odd", workerUrl);
  assert.equal(status.status, "complete", JSON.stringify(status.error));
  assert.deepEqual(status.output.map((job) => job.id), ["odd.1", "odd.2"]);
  assert.equal(extending("odd.1").id, "odd.2");
  assert.equal(status.output[1].raw.padding, undefined, "odd.2 as read, not as the oversized delivery");
  assert.ok(readsOf([{ id: "odd.1" }]) >= 1 && readsOf([{ id: "odd.2" }]) >= 1, "both were read");
});

test("workflows: a replayed delivery wakes its step once, and a replay after the end is answered 2xx", { timeout: 60_000 }, async () => {
  mock.nameJobs(["again.1", "again.2"]);
  await startInstance("again", { provider: "trinetra", videoId: "src-again", prompts: ["one", "two"], callbackUrl: `${workerUrl}/callback`, callbackTimeout: "30 seconds" });
  // Step 1's delivery is replayed three times, as step 2 starts.
  while (ending("again.1")?.status !== 204) await sleep(20);
  for (let i = 0; i < 3; i += 1) assert.equal(await deliver(ending("again.1"), "again"), 204);
  const status = await ended("again", workerUrl);
  assert.equal(status.status, "complete", JSON.stringify(status.error));
  assert.deepEqual(status.output.map((job) => job.id), ["again.1", "again.2"]);
  assert.equal(extending("again.1").id, "again.2");
  const woken = status.__LOCAL_DEV_STEP_OUTPUTS.filter((output) => output?.job?.id === "again.1" || output?.id === "again.1");
  assert.equal(woken.length, 1, "one step took again.1's delivery, once");
  assert.equal(await deliver(ending("again.2"), "again"), 204);
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
