// Scenarios for what nobody listed: data that must come back byte for byte
// though it looks like a secret (signed CDN URLs, ids holding a short key),
// progress that must resume, and calls that must end however a hook, a
// logger, a signal, a fetch or the wall clock behaves. Each asserts the code,
// what was sent, the time taken where it matters, and that the next call
// works. Runtime-neutral, like every scenario file (see support.js).
import { chainExtensions, createProxy, getJob, parseWebhook, pollJob, run } from "kling-extend";
import * as assert from "./assert.js";
import { control, expectNothingSent, expectRejection, isBrowser, mockLog, posts, scenario, sleep, submitOk } from "./support.js";

/** Options that send the client to a hostile route (see hostile-server.mjs). */
const at = (ctx, route, extra = {}) => ({ ...ctx.options, baseUrl: `${ctx.hostile.url}/${route}`, maxRetries: 0, ...extra });

async function hostileLog(ctx) {
  return (await fetch(`${ctx.hostile.url}/__hostile/log`)).json();
}

function integrity(name, body) {
  scenario(`integrity: ${name}`, { httpErrors: true }, async (ctx) => {
    await fetch(`${ctx.hostile.url}/__hostile/reset`, { method: "POST" });
    await body(ctx);
  });
}

/** The hostile service's own answer to a plain fetch: what the package must hand back unchanged. */
async function asSent(ctx, route, id, key) {
  const res = await fetch(`${ctx.hostile.url}/${route}/v1/jobs/${encodeURIComponent(id)}`, { headers: { "x-api-key": key } });
  return res.json();
}

integrity("signed CDN URLs and ids that hold a short key come back byte for byte; only the key as a whole token goes", async (ctx) => {
  for (const key of [ctx.apiKey, "k", "key1"]) {
    let accepted;
    const job = await run({ video_id: "vid_cdn" }, at(ctx, "cdn", { apiKey: key, intervalMs: 10, onSubmitted: (s) => (accepted = s.job_id) }));
    const expected = await asSent(ctx, "cdn", `job_${key}_a7`, key);
    assert.equal(accepted, `job_${key}_a7`, "the submission's id");
    assert.equal(job.id, expected.id, "the job's id");
    assert.equal(job.output.outputs[0].url, expected.output.outputs[0].url, "the signed video URL");
    assert.equal(job.output.outputs[0].id, expected.output.outputs[0].id, "the video's id");
    assert.equal(job.raw.signed, expected.signed, "a JWT the CDN signed, in raw");
    assert.equal(job.raw.glued, expected.glued, "the key glued inside a word");
    assert.equal(job.raw.note, "served for key [redacted] today", "the key as a whole token is taken out");
    const { main } = await hostileLog(ctx);
    assert.equal(main.at(-1).path, `/cdn/v1/jobs/job_${encodeURIComponent(key)}_a7`, "polled by the id the service returned");

    // The same document as a webhook, parsed where no key is held: every byte kept.
    const delivered = parseWebhook(JSON.stringify(expected));
    assert.equal(delivered.output.outputs[0].url, expected.output.outputs[0].url, "parseWebhook keeps the signed URL");
    assert.deepEqual(delivered.raw, expected, "parseWebhook's raw is the body as sent");
  }
  await submitOk(ctx);
});

integrity("a key echoed in JSON escapes is taken out of raw as the document reads, in results, errors and updates", async (ctx) => {
  const options = at(ctx, "escaped", { intervalMs: 10, waitTimeoutMs: 300 });
  const read = await getJob("job_esc", options);
  const updates = [];
  const timedOut = await expectRejection(ctx, () => pollJob("job_esc", { ...options, onUpdate: (job) => updates.push(job) }), { code: "timeout" });
  for (const [where, job] of [["getJob", read], ["error.job", timedOut.job], ["onUpdate", updates[0]]]) {
    const text = JSON.stringify(job.raw);
    assert.notIncludes(text, ctx.apiKey, `${where}: the key, escapes decoded`);
    assert.equal(job.raw.note, "key [redacted] echoed", `${where}: raw.note`);
    assert.equal(job.raw["[redacted]"], 1, `${where}: the key as an object key`);
  }
  await submitOk(ctx);
});

integrity("a one-letter key is taken out of messages only where it stands alone", async (ctx) => {
  const job = await getJob("job_s", at(ctx, "echo", { apiKey: "s" }));
  assert.equal(job.error, "key [redacted] is suspended", "words that contain the letter keep it");
  assert.equal(job.id, "job_s");
  await submitOk(ctx);
});

integrity("a step's 0 s video or empty video id is bad_response at that step, and the progress before it resumes", async (ctx) => {
  for (const route of ["odd-zero", "odd-empty"]) {
    await fetch(`${ctx.hostile.url}/__hostile/reset`, { method: "POST" });
    const progress = [];
    const options = at(ctx, route, { provider: "kling", apiKey: undefined, token: "kling-token-for-odd", intervalMs: 10 });
    const err = await expectRejection(ctx, () => chainExtensions("vid_src", ["one", "two"], { ...options, onProgress: (p) => progress.push(p) }), {
      code: "bad_response",
      message: /^step 1 of 2: /,
    });
    assert.equal(err.job?.id, "t_odd", `${route}: the error names the step's job`);
    const last = progress.at(-1);
    assert.equal(last.inFlight?.jobId, "t_odd", `${route}: the last progress has the step in flight`);
    // What onProgress handed out is accepted back: the step is read again, not submitted again.
    await expectRejection(ctx, () => chainExtensions("vid_src", ["one", "two"], { ...options, resume: last }), { code: "bad_response" });
    const { main } = await hostileLog(ctx);
    assert.equal(main.filter((e) => e.method === "POST").length, 1, `${route}: one submit in all`);
  }
  await submitOk(ctx);
});

integrity("an abort wins over a hook whose promise never settles: aborted at once, the signal's reason as cause", async (ctx) => {
  const never = () => new Promise(() => {});
  const cases = [
    ["onSubmitted", (signal) => run({ video_id: "vid_h1" }, { ...ctx.options, signal, onSubmitted: never })],
    ["onUpdate", (signal) => run({ video_id: "vid_h2" }, { ...ctx.options, signal, intervalMs: 20, onUpdate: never })],
    ["onStep", (signal) => chainExtensions("vid_h3", ["a", "b"], { ...ctx.options, signal, intervalMs: 20, onStep: never })],
    ["onProgress", (signal) => chainExtensions("vid_h4", ["a"], { ...ctx.options, signal, intervalMs: 20, onProgress: never })],
  ];
  for (const [hook, call] of cases) {
    const controller = new AbortController();
    const reason = new Error(`stop ${hook}`);
    const pending = call(controller.signal).catch((e) => e);
    await sleep(300);
    const started = Date.now();
    controller.abort(reason);
    const err = await pending;
    const ms = Date.now() - started;
    assert.equal(err?.code, "aborted", `${hook}: ${assert.show(err)}`);
    assert.equal(err.cause, reason, `${hook}: the cause is the signal's reason`);
    assert.ok(ms < 1_000, `${hook}: settled ${ms} ms after the abort`);
  }
  // A run held in onSubmitted names the job it submitted.
  const controller = new AbortController();
  const held = run({ video_id: "vid_h5" }, { ...ctx.options, signal: controller.signal, onSubmitted: never }).catch((e) => e);
  await sleep(300);
  controller.abort();
  const err = await held;
  assert.match(err.job?.id ?? "", /^job_/, `the accepted job: ${assert.show(err)}`);
  // onProgress holds a chain before its first submit leaves (the progress is stored first).
  assert.equal(posts(await mockLog(ctx)).length, 4, "one submit per run and chain step begun");
  await submitOk(ctx);
});

integrity("a hook that throws or rejects ends the call as aborted naming the paid job; one that holds it ends at waitTimeoutMs", async (ctx) => {
  const failure = new Error("the store is down");
  for (const onSubmitted of [() => Promise.reject(failure), () => { throw failure; }]) {
    const err = await expectRejection(ctx, () => run({ video_id: "vid_hook" }, { ...ctx.options, onSubmitted }), { code: "aborted", maybeSubmitted: true });
    assert.equal(err.cause, failure, "the hook's error is the cause");
    assert.match(err.job?.id ?? "", /^job_/, `the paid job is named: ${assert.show(err)}`);
    assert.includes(err.message, `(job ${err.job.id})`, "the message names the job error.job holds");
  }
  const started = Date.now();
  const held = await expectRejection(ctx, () => run({ video_id: "vid_held" }, { ...ctx.options, waitTimeoutMs: 300, onSubmitted: () => new Promise(() => {}) }), { code: "timeout" });
  assert.ok(Date.now() - started < 3_000, `ended after ${Date.now() - started} ms`);
  assert.match(held.job?.id ?? "", /^job_/, "the held call names its job");
  assert.includes(held.message, `(job ${held.job.id})`, "the message names the job error.job holds");
  await submitOk(ctx);
});

integrity("a logger whose methods return rejected promises, or throw, changes nothing", async (ctx) => {
  const rejecting = { debug: () => Promise.reject(new Error("debug")), info: () => Promise.reject(new Error("info")), warn: () => Promise.reject(new Error("warn")), error: () => Promise.reject(new Error("error")) };
  const throwing = { debug: () => { throw new Error("x"); }, info: () => { throw new Error("x"); }, warn: () => { throw new Error("x"); }, error: () => { throw new Error("x"); } };
  for (const logger of [rejecting, throwing]) {
    const { job_id } = await submitOk(ctx);
    const job = await pollJob(job_id, { ...ctx.options, logger, logLevel: "debug", intervalMs: 10 });
    assert.equal(job.status, "succeeded");
    await expectRejection(ctx, () => getJob("job_missing", { ...ctx.options, logger, logLevel: "debug" }), { code: "not_found" });
  }
  // Let any unhandled rejection surface before the scenario ends.
  await sleep(50);
  await submitOk(ctx);
});

integrity("a signal-like object that throws is invalid_request naming signal, before anything is sent", async (ctx) => {
  const signals = [
    { get aborted() { throw new Error("aborted getter"); }, addEventListener() {}, removeEventListener() {} },
    { aborted: false, addEventListener() { throw new Error("addEventListener"); }, removeEventListener() {} },
    { aborted: false, addEventListener() {}, removeEventListener() { throw new Error("removeEventListener"); } },
  ];
  const [getter, adder, remover] = signals;
  for (const signal of [getter, adder]) {
    const err = await expectRejection(ctx, () => run({ video_id: "vid_sig" }, { ...ctx.options, signal }), { code: "invalid_request", field: "signal" });
    assert.ok(err.cause instanceof Error, "the thrown error is the cause");
  }
  await expectNothingSent(ctx, "a throwing signal");
  // One that only fails to take its listener back still runs the call to its end.
  assert.equal((await run({ video_id: "vid_sig2" }, { ...ctx.options, signal: remover, intervalMs: 10 })).status, "succeeded");
  await submitOk(ctx);
});

integrity("a fetch that ignores its signal cannot hold a call past an abort or timeoutMs", async (ctx) => {
  const fetch = () => new Promise(() => {});
  const controller = new AbortController();
  const pending = getJob("job_f", { ...ctx.options, fetch, signal: controller.signal }).catch((e) => e);
  await sleep(50);
  controller.abort();
  assert.equal((await pending).code, "aborted");
  const started = Date.now();
  const err = await getJob("job_f", { ...ctx.options, fetch, timeoutMs: 200, maxRetries: 0 }).catch((e) => e);
  assert.equal(err.code, "timeout", assert.show(err));
  assert.ok(Date.now() - started < 2_000, `timed out after ${Date.now() - started} ms`);
  await submitOk(ctx);
});

integrity("waitTimeoutMs runs on a monotonic clock: wall-clock steps neither end nor stretch a wait", async (ctx) => {
  const realNow = Date.now;
  try {
    // +1 h once the wait has begun: the job still finishes within its 10 s wait.
    await control(ctx, "POST", "config", { advance: { mode: "polls", stepPolls: 3 } });
    const { job_id } = await submitOk(ctx);
    const stepped = pollJob(job_id, {
      ...ctx.options,
      intervalMs: 20,
      waitTimeoutMs: 10_000,
      onUpdate: () => {
        Date.now = () => realNow() + 3_600_000;
      },
    });
    assert.equal((await stepped).status, "succeeded", "a +1 h step did not end the wait");
    Date.now = realNow;

    // −1 h: a job that never finishes still times out at its 400 ms.
    await control(ctx, "POST", "config", { advance: { mode: "polls", stepPolls: 1_000 } });
    const { job_id: slow } = await submitOk(ctx);
    const started = realNow();
    const err = await pollJob(slow, {
      ...ctx.options,
      intervalMs: 20,
      waitTimeoutMs: 400,
      onUpdate: () => {
        Date.now = () => realNow() - 3_600_000;
      },
    }).catch((e) => e);
    const ms = realNow() - started;
    assert.equal(err?.code, "timeout", assert.show(err));
    assert.ok(ms < 3_000, `timed out after ${ms} ms`);
  } finally {
    Date.now = realNow;
  }
  await submitOk(ctx);
});

integrity("createProxy, in this runtime: authorize forwards only on true; HTML and SVG upstreams become JSON errors with nosniff", async (ctx) => {
  // A page has no business holding the key a proxy adds: createProxy runs on servers and Workers.
  if (isBrowser(ctx)) return;
  const proxyTo = (route, authorize) =>
    createProxy({ apiKey: ctx.apiKey, baseUrl: `${ctx.hostile.url}/${route}`, allowedOrigins: ["*"], ...(authorize && { authorize }) });
  const ask = async (proxy, path = "/v1/jobs/job_1") => {
    const response = await proxy(new Request(`http://proxy.test${path}`));
    return { status: response.status, headers: response.headers, text: await response.text() };
  };
  for (const verdict of [false, "true", 1, {}, [], { ok: true }, null, Promise.resolve("yes"), Promise.reject(new Error("no"))]) {
    const refused = await ask(proxyTo("ok", () => verdict));
    assert.equal(refused.status, 401, `authorize answered ${assert.show(verdict)}`);
    assert.equal(JSON.parse(refused.text).error.code, "unauthorized");
  }
  const thrown = await ask(proxyTo("ok", () => { throw new Error("authorize broke"); }));
  assert.equal(thrown.status, 401);
  assert.deepEqual((await hostileLog(ctx)).main, [], "nothing was forwarded");
  assert.equal((await ask(proxyTo("ok", () => true))).status, 200);
  for (const [route, path, status] of [["reflect-html", "/v1/jobs/%3Cimg%20src%3Dx%20onerror%3Dalert(1)%3E", 404], ["html", "/v1/jobs/job_1", 502]]) {
    const answered = await ask(proxyTo(route), path);
    assert.equal(answered.status, status, answered.text);
    assert.equal(answered.headers.get("content-type"), "application/json");
    assert.equal(answered.headers.get("x-content-type-options"), "nosniff");
    assert.ok(!answered.text.includes("<"), `no markup passed on: ${answered.text}`);
  }
  const svg = await ask(proxyTo("svg-json"));
  assert.equal(svg.headers.get("content-type"), "application/json", "JSON labelled image/svg+xml is served as JSON");
  await submitOk(ctx);
});

integrity("a caller's fetch that reuses its buffer cannot change a job's raw afterwards", async (ctx) => {
  const shared = new Uint8Array(1 << 16);
  let answered;
  // One chunk, a view into a buffer the fetch writes every answer into.
  const reusing = async (url, init) => {
    const answer = await fetch(url, init);
    const bytes = new Uint8Array(await answer.arrayBuffer());
    shared.set(bytes);
    answered = new TextDecoder().decode(bytes);
    const view = shared.subarray(0, bytes.length);
    const body = new ReadableStream({ start: (controller) => (controller.enqueue(view), controller.close()) });
    return new Response(body, { status: answer.status, headers: answer.headers });
  };
  const { job_id: id } = await submitOk(ctx);
  const job = await getJob(id, { ...ctx.options, fetch: reusing });
  shared.fill("{".charCodeAt(0));
  assert.deepEqual(job.raw, JSON.parse(answered), "raw is the answer as it was");
});
