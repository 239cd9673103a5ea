// Scenarios against the mock of the official Kling API (provider "kling"),
// and chains of extensions on both providers.
import { chainExtensions, createClient, extendVideo, getJob, pollJob, run, signKlingToken } from "kling-extend";
import * as assert from "./assert.js";
import {
  addFaults,
  checkError,
  control,
  expectNothingSent,
  expectRejection,
  isBrowser,
  mockJobs,
  mockLog,
  scenario,
  SUBMIT_PATH,
} from "./support.js";

const TASKS_PATH = "/v1/videos/video-extend";
const ACCESS_KEY = "ak_e2e_kling";
const SECRET_KEY = "sk_e2e_kling_secret_do_not_leak";
const FAST = { intervalMs: 20, maxIntervalMs: 50 };

const klingPosts = (log) => log.filter((e) => e.method === "POST" && e.path === TASKS_PATH);
const klingReads = (log) => log.filter((e) => e.method === "GET" && e.path.startsWith(`${TASKS_PATH}/`));

/** Options for the Kling provider against the mock, which verifies the JWT. */
function kling(ctx, extra = {}) {
  const browser = isBrowser(ctx) ? { dangerouslyAllowBrowser: true } : {};
  return { provider: "kling", baseUrl: ctx.mockUrl, accessKey: ACCESS_KEY, secretKey: SECRET_KEY, ...browser, ...extra };
}

/** Registers a Kling scenario: the mock checks tokens signed with our keys. */
function klingScenario(name, settings, body) {
  scenario(name, settings, async (ctx) => {
    await control(ctx, "POST", "config", { klingKeys: [{ accessKey: ACCESS_KEY, secretKey: SECRET_KEY }] });
    await body(ctx);
  });
}

const SECRETS = [SECRET_KEY];

// --- Kling's API key (its current auth; the access/secret-key JWT is legacy)

const API_KEY = "kling_api_key_e2e_do_not_leak";

scenario("kling: an API key is sent as the bearer token, submit and poll to success", {}, async (ctx) => {
  await control(ctx, "POST", "config", { klingApiKeys: [API_KEY] });
  const browser = isBrowser(ctx) ? { dangerouslyAllowBrowser: true } : {};
  const options = { provider: "kling", baseUrl: ctx.mockUrl, apiKey: API_KEY, ...browser, ...FAST };
  const submission = await extendVideo({ video_id: "vid_src", prompt: "with an API key" }, options);
  const job = await pollJob(submission.job_id, options);
  assert.equal(job.status, "succeeded", "job.status");
  const log = await mockLog(ctx);
  assert.equal(klingPosts(log).length, 1, "one submit");
  assert.ok(klingReads(log).length >= 1, "reads");
  assert.ok(!JSON.stringify([submission, job]).includes(API_KEY), "the key is in no result");
});

scenario("kling: a wrong API key is unauthorized, with the key in no error", { httpErrors: true }, async (ctx) => {
  await control(ctx, "POST", "config", { klingApiKeys: [API_KEY] });
  const browser = isBrowser(ctx) ? { dangerouslyAllowBrowser: true } : {};
  const wrong = `${API_KEY}_wrong`;
  const options = { provider: "kling", baseUrl: ctx.mockUrl, apiKey: wrong, ...browser };
  await expectRejection(ctx, () => getJob("task_x", options), { code: "unauthorized", providerCode: 1000 }, [wrong]);
});

// --- the happy path

klingScenario("kling: submit and poll to success", {}, async (ctx) => {
  const updates = [];
  const submission = await extendVideo({ video_id: "vid_src", prompt: "the rocket climbs", mode: "std" }, kling(ctx));
  assert.equal(submission.provider, "kling", "submission.provider");
  assert.match(submission.job_id, /^task_[0-9a-f]+$/, "submission.job_id");
  assert.equal(submission.status, "queued", "submitted maps to queued");
  assert.match(submission.request_id, /./, "submission.request_id");
  const job = await pollJob(submission.job_id, kling(ctx, { ...FAST, onUpdate: (j) => updates.push(j.status) }));
  assert.deepEqual(updates, ["queued", "running", "succeeded"], "statuses seen");
  const [video] = job.output.outputs;
  assert.match(video.id, /^vid_[0-9a-f]+$/, "the result video's id");
  assert.equal(video.duration, 10, "duration, a number, of the whole extended video");
  assert.equal(job.raw.data.task_status, "succeed", "raw keeps Kling's document");
  const [post] = klingPosts(await mockLog(ctx));
  const body = JSON.parse(post.body);
  assert.equal(body.mode, "std", "mode on the wire");
  assert.match(body.external_task_id, /^ke-[0-9a-f]{32}$/, "a generated external_task_id");
  assert.equal(post.headers.authorization, "[redacted]", "a bearer token was sent (the mock redacts it)");
});

klingScenario("kling: a token minted by signKlingToken is accepted", { httpErrors: true }, async (ctx) => {
  const token = signKlingToken(ACCESS_KEY, SECRET_KEY);
  assert.equal(token.split(".").length, 3, "a JWT has three parts");
  const options = { provider: "kling", baseUrl: ctx.mockUrl, token };
  const { job_id } = await extendVideo({ task_id: "task_seed_style", prompt: "p" }, options);
  const job = await getJob(job_id, options);
  assert.equal(job.id, job_id, "read with the same token");
  const stale = signKlingToken(ACCESS_KEY, SECRET_KEY, Math.floor(Date.now() / 1000) - 3600);
  await expectRejection(ctx, () => getJob(job_id, { ...options, token: stale }), { code: "unauthorized", providerCode: 1004 }, [stale]);
});

// --- auth and body codes

klingScenario("kling: a wrong secret is unauthorized and never shown", { httpErrors: true }, async (ctx) => {
  const wrong = "sk_wrong_secret_do_not_leak";
  await expectRejection(
    ctx,
    () => extendVideo({ video_id: "vid_src" }, kling(ctx, { secretKey: wrong })),
    { code: "unauthorized", providerCode: 1000, status: 401, retryable: false, maybeSubmitted: false },
    [wrong, SECRET_KEY],
  );
  assert.equal(klingPosts(await mockLog(ctx)).length, 1, "one attempt");
});

klingScenario("kling: an expired token is signed again once", { httpErrors: true }, async (ctx) => {
  await addFaults(ctx, { method: "POST", path: TASKS_PATH, klingCode: 1004 });
  const submission = await extendVideo({ video_id: "vid_src" }, kling(ctx));
  assert.match(submission.job_id, /^task_/, "resolved after signing again");
  assert.equal(klingPosts(await mockLog(ctx)).length, 2, "two POSTs");
  assert.equal((await mockJobs(ctx)).length, 1, "one task");
  await addFaults(ctx, { method: "POST", path: TASKS_PATH, klingCode: 1004, times: 2 });
  await expectRejection(ctx, () => extendVideo({ video_id: "vid_src" }, kling(ctx)), { code: "unauthorized", providerCode: 1004 }, SECRETS);
});

klingScenario("kling: 429 with 1102 is insufficient_credits after exactly one request", { httpErrors: true }, async (ctx) => {
  await addFaults(ctx, { method: "POST", path: TASKS_PATH, klingCode: 1102 });
  await expectRejection(
    ctx,
    () => extendVideo({ video_id: "vid_src" }, kling(ctx)),
    { code: "insufficient_credits", providerCode: 1102, status: 429, retryable: false, maybeSubmitted: false },
    SECRETS,
  );
  assert.equal((await mockLog(ctx)).length, 1, "exactly one request");
});

klingScenario("kling: 429 with 1302 is a rate limit, retried", { httpErrors: true }, async (ctx) => {
  await addFaults(ctx, { method: "POST", path: TASKS_PATH, klingCode: 1302, headers: { "retry-after": "0" } });
  await extendVideo({ video_id: "vid_src" }, kling(ctx));
  assert.equal(klingPosts(await mockLog(ctx)).length, 2, "retried once");
  assert.equal((await mockJobs(ctx)).length, 1, "one task");
});

klingScenario("kling: 429 with 1303 (concurrency) is retried after at least a second, once, and the job is made once", { httpErrors: true }, async (ctx) => {
  await addFaults(ctx, { method: "POST", path: TASKS_PATH, klingCode: 1303 });
  const started = Date.now();
  const submission = await extendVideo({ video_id: "vid_src" }, kling(ctx));
  const waited = Date.now() - started;
  assert.ok(waited >= 1000, `the first wait is at least 1 s (took ${waited} ms)`);
  assert.match(submission.job_id, /^task_/, "then accepted");
  assert.equal(klingPosts(await mockLog(ctx)).length, 2, "one refused, one accepted");
  assert.equal((await mockJobs(ctx)).length, 1, "one task");
});

klingScenario("kling: HTTP 200 with code 1201 is invalid_request", {}, async (ctx) => {
  await addFaults(ctx, { method: "POST", path: TASKS_PATH, status: 200, body: { code: 1201, message: "prompt rejected", request_id: "req_k1201" } });
  await expectRejection(
    ctx,
    () => extendVideo({ video_id: "vid_src" }, kling(ctx)),
    { code: "invalid_request", providerCode: 1201, status: 200, requestId: "req_k1201", maybeSubmitted: false },
    SECRETS,
  );
});

klingScenario("kling: content policy and server errors have their codes", { httpErrors: true }, async (ctx) => {
  await addFaults(ctx, { method: "POST", path: TASKS_PATH, klingCode: 1301 });
  await expectRejection(ctx, () => extendVideo({ video_id: "vid_src" }, kling(ctx)), { code: "content_policy", providerCode: 1301 }, SECRETS);
  const { job_id } = await extendVideo({ video_id: "vid_src" }, kling(ctx));
  await addFaults(ctx, { method: "GET", path: `${TASKS_PATH}/`, klingCode: 5000, headers: { "retry-after": "0" } });
  const job = await getJob(job_id, kling(ctx));
  assert.equal(job.id, job_id, "a read retried after 5000");
  await expectRejection(ctx, () => getJob("task_nope", kling(ctx)), { code: "not_found", providerCode: 1203, status: 404 }, SECRETS);
});

klingScenario("kling: a failed task rejects pollJob with its reason", {}, async (ctx) => {
  const { job_id } = await extendVideo({ video_id: "fail_src" }, kling(ctx));
  const err = await expectRejection(ctx, () => pollJob(job_id, kling(ctx, FAST)), { code: "job_failed" }, SECRETS);
  assert.equal(err.job.status, "failed", "err.job.status");
  assert.match(err.job.error, /./, "the task_status_msg");
});

// --- nothing paid twice

klingScenario("kling: a submit whose answer is lost is found by its external_task_id", { httpErrors: true }, async (ctx) => {
  // Chromium silently repeats a POST whose reused connection drops, so the
  // browser runs drop its repeat too and the package sees the failure.
  await addFaults(ctx, { method: "POST", path: TASKS_PATH, drop: "after", times: isBrowser(ctx) ? 2 : 1 });
  const submission = await extendVideo({ video_id: "vid_src", external_task_id: "my-order-42" }, kling(ctx));
  const jobs = await mockJobs(ctx);
  assert.equal(jobs.length, 1, "exactly one task on the mock");
  assert.equal(submission.job_id, jobs[0].id, "resolved with the task that was created");
  const log = await mockLog(ctx);
  assert.deepEqual(klingReads(log).map((e) => e.path), [`${TASKS_PATH}/my-order-42`], "one lookup by the external id");
  if (!isBrowser(ctx)) assert.equal(klingPosts(log).length, 1, "the submit was not repeated");
});

klingScenario("kling: a submit lost before it was created is sent once more", { httpErrors: true }, async (ctx) => {
  await addFaults(ctx, { method: "POST", path: TASKS_PATH, drop: "before", times: isBrowser(ctx) ? 2 : 1 });
  const submission = await extendVideo({ video_id: "vid_src" }, kling(ctx));
  const jobs = await mockJobs(ctx);
  assert.equal(jobs.length, 1, "one task");
  assert.equal(submission.job_id, jobs[0].id, "the second submit's task");
  assert.equal(klingReads(await mockLog(ctx)).length, 1, "one lookup first");
});

// --- Kling's documents as its docs give them

klingScenario("kling: pollJob and getJob by external_task_id, whose answers do not echo it", {}, async (ctx) => {
  const { job_id } = await extendVideo({ video_id: "vid_src", external_task_id: "order-7" }, kling(ctx));
  const job = await pollJob("order-7", kling(ctx, FAST));
  assert.deepEqual([job.id, job.status], [job_id, "succeeded"], "the task, found by the caller's id");
  assert.equal(job.raw.data.task_info.external_task_id, undefined, "the mock answered as Kling documents: no echo");
  assert.equal((await getJob("order-7", kling(ctx))).id, job_id, "getJob too");
  const paths = klingReads(await mockLog(ctx)).map((e) => e.path);
  assert.ok(paths.length >= 2 && paths.every((p) => p === `${TASKS_PATH}/order-7`), `read by the external id: ${paths}`);
});

klingScenario("kling: an answer that contradicts the id asked for is bad_response", { httpErrors: true }, async (ctx) => {
  const { job_id } = await extendVideo({ video_id: "vid_src", external_task_id: "order-8" }, kling(ctx));
  const other = (info) => ({ code: 0, message: "SUCCEED", request_id: "r", data: { task_id: "task_other", task_status: "succeed", task_info: info } });
  await addFaults(ctx, { method: "GET", path: `${TASKS_PATH}/`, status: 200, body: other({ external_task_id: "someone-else" }) });
  await expectRejection(ctx, () => getJob("order-8", kling(ctx)), { code: "bad_response", status: 200, message: /another job/ }, SECRETS);
  // run() polls the task_id Kling issued: another task is refused even without an echo.
  await addFaults(ctx, { method: "GET", path: `${TASKS_PATH}/`, status: 200, body: other({}) });
  await expectRejection(ctx, () => run({ video_id: "vid_src" }, kling(ctx, FAST)), { code: "bad_response", message: /another job/ }, SECRETS);
  assert.equal((await getJob(job_id, kling(ctx))).id, job_id, "the next call works");
});

klingScenario("kling: watermark_info is sent as given; a wrong shape is invalid_request before any request", {}, async (ctx) => {
  await extendVideo({ video_id: "vid_src", watermark_info: { enabled: true } }, kling(ctx));
  const [post] = klingPosts(await mockLog(ctx));
  assert.deepEqual(JSON.parse(post.body).watermark_info, { enabled: true }, "watermark_info on the wire");
  await control(ctx, "POST", "reset");
  for (const [watermark_info, field] of [
    [{ enabled: "yes" }, "watermark_info.enabled"],
    [{}, "watermark_info.enabled"],
    [{ enabled: true, position: "top" }, "watermark_info"],
    [true, "watermark_info"],
  ]) {
    await expectRejection(ctx, () => extendVideo({ video_id: "vid_src", watermark_info }, kling(ctx)), { code: "invalid_request", field }, SECRETS);
  }
  const trinetra = { video_id: "vid_src", watermark_info: { enabled: true } };
  await expectRejection(ctx, () => extendVideo(trinetra, ctx.options), { code: "invalid_request", field: "watermark_info", message: /only used with provider "kling"/ });
  await expectNothingSent(ctx, "refused watermark_info");
});

for (const provider of ["kling", "trinetra"]) {
  const register = provider === "kling" ? klingScenario : scenario;
  register(`${provider}: callback_url "" means none: nothing is sent for it`, {}, async (ctx) => {
    const options = provider === "kling" ? kling(ctx) : ctx.options;
    await extendVideo({ video_id: "vid_src", callback_url: "" }, options);
    const [post] = (await mockLog(ctx)).filter((e) => e.method === "POST");
    assert.equal("callback_url" in JSON.parse(post.body), false, `no callback_url in ${post.body}`);
  });
}

// --- chains

async function chainOnBothProviders(ctx, provider, options) {
  const steps = [];
  const jobs = await chainExtensions("vid_chain_src", ["one", "two", "three"], {
    ...options,
    ...FAST,
    onStep: ({ index, job }) => steps.push([index, job.status]),
  });
  assert.deepEqual(steps, [[0, "succeeded"], [1, "succeeded"], [2, "succeeded"]], `${provider}: onStep per step`);
  assert.equal(jobs.length, 3, `${provider}: one job per prompt`);
  const log = await mockLog(ctx);
  const bodies = log.filter((e) => e.method === "POST").map((e) => JSON.parse(e.body));
  assert.deepEqual(bodies.map((b) => b.prompt), ["one", "two", "three"], `${provider}: prompts in order`);
  assert.equal(bodies[0].video_id, "vid_chain_src", `${provider}: the first step extends the source`);
  return { jobs, bodies };
}

klingScenario("chainExtensions on Kling extends each result", {}, async (ctx) => {
  const { jobs, bodies } = await chainOnBothProviders(ctx, "kling", kling(ctx));
  assert.equal(bodies[1].video_id, jobs[0].output.outputs[0].id, "step 2 extends step 1's video");
  assert.equal(bodies[2].video_id, jobs[1].output.outputs[0].id, "step 3 extends step 2's video");
  assert.deepEqual(jobs.map((j) => j.output.outputs[0].duration), [10, 15, 20], "the video grows");
});

scenario("chainExtensions on Trinetra extends each job", {}, async (ctx) => {
  const { jobs, bodies } = await chainOnBothProviders(ctx, "trinetra", ctx.options);
  assert.equal(bodies[1].video_id, jobs[0].id, "step 2 extends step 1 (its job id: no output id)");
  assert.equal(bodies[2].video_id, jobs[1].id, "step 3 extends step 2");
  const chained = createClient(ctx.options);
  assert.equal(typeof chained.chainExtensions, "function", "createClient binds chainExtensions");
});

for (const provider of ["kling", "trinetra"]) {
  const register = provider === "kling" ? klingScenario : scenario;
  register(`chainExtensions on ${provider} stops when aborted in the middle`, {}, async (ctx) => {
    const controller = new AbortController();
    const options = provider === "kling" ? kling(ctx) : ctx.options;
    const err = await expectRejection(
      ctx,
      () =>
        chainExtensions("vid_chain_src", ["one", "two", "three"], {
          ...options,
          ...FAST,
          signal: controller.signal,
          onStep: ({ index }) => index === 0 && controller.abort(),
        }),
      { code: "aborted", maybeSubmitted: false },
      SECRETS,
    );
    assert.equal(err.code, "aborted", "err.code");
    const log = await mockLog(ctx);
    assert.equal(log.filter((e) => e.method === "POST").length, 1, "no submit after the abort");
  });
}

klingScenario("chainExtensions refuses a 4-minute Kling chain before the first submit", {}, async (ctx) => {
  const prompts = Array.from({ length: 48 }, (_, i) => `prompt ${i}`);
  await expectRejection(ctx, () => chainExtensions("vid_src", prompts, kling(ctx)), { code: "invalid_request", field: "prompts" }, SECRETS);
  await expectRejection(
    ctx,
    () => chainExtensions("vid_src", ["ok", "x".repeat(2501)], kling(ctx)),
    { code: "invalid_request", field: "prompts[1]" },
    SECRETS,
  );
  await expectNothingSent(ctx, "refused chains");
  assert.equal((await mockLog(ctx)).filter((e) => e.path === SUBMIT_PATH).length, 0, "nothing at the gateway either");
});

klingScenario("kling: keys in a page need consent", {}, async (ctx) => {
  if (!isBrowser(ctx)) return;
  const { dangerouslyAllowBrowser, ...options } = kling(ctx);
  assert.equal(dangerouslyAllowBrowser, true, "the browser runs consent by default");
  const err = await assert.rejects(() => extendVideo({ video_id: "v" }, options), "keys without consent");
  checkError(ctx, err, { code: "invalid_request", field: "accessKey" }, SECRETS);
  await expectNothingSent(ctx, "the refused call");
});

// --- resumable chains: the progress outlives the call, no step is paid twice

/**
 * Runs a chain of three with `options(controller)` until its signal is
 * aborted (`stop(progress, controller)`, or the options' fetch); returns the
 * last progress it reported.
 */
async function interrupt(ctx, options, stop = () => {}) {
  const controller = new AbortController();
  let last;
  const err = await assert.rejects(
    () =>
      chainExtensions("vid_chain_src", ["one", "two", "three"], {
        ...options(controller),
        ...FAST,
        signal: controller.signal,
        onProgress: (progress) => {
          last = JSON.parse(JSON.stringify(progress)); // stored as JSON
          stop(progress, controller);
        },
      }),
    "the interrupted chain",
  );
  checkError(ctx, err, { code: "aborted" }, SECRETS);
  return last;
}

/** A fetch that aborts the chain once its second submit has reached the service, before the answer is read. */
function losingSecondSubmit(controller) {
  let submits = 0;
  return async (url, init) => {
    const response = await globalThis.fetch(url, init);
    if (init.method === "POST" && ++submits === 2) {
      controller.abort();
      throw new DOMException("the process went away", "AbortError");
    }
    return response;
  };
}

for (const provider of ["kling", "trinetra"]) {
  const register = provider === "kling" ? klingScenario : scenario;
  register(`chainExtensions on ${provider} resumes from its progress: step 2 in flight with its job id`, {}, async (ctx) => {
    const options = provider === "kling" ? kling(ctx) : ctx.options;
    const saved = await interrupt(ctx, () => options, (p, c) => p.inFlight?.index === 1 && p.inFlight.jobId && c.abort());
    assert.equal(saved.finished.length, 1, "step 1 finished");
    assert.equal(saved.inFlight.index, 1, "step 2 in flight");
    assert.equal((await mockJobs(ctx)).length, 2, "two jobs before the resume");
    const steps = [];
    const jobs = await chainExtensions("vid_chain_src", ["one", "two", "three"], {
      ...options,
      ...FAST,
      resume: saved,
      onStep: ({ index }) => steps.push(index),
    });
    assert.deepEqual(steps, [1, 2], "only the steps left are reported");
    assert.equal(jobs.length, 3, "the resumed chain ends with all three jobs");
    const created = await mockJobs(ctx);
    assert.equal(created.length, 3, "exactly three jobs on the mock");
    assert.deepEqual(jobs.map((j) => j.id).toSorted(), created.map((j) => j.id).toSorted(), "the mock's jobs");
    assert.equal((await mockLog(ctx)).filter((e) => e.method === "POST").length, 3, "three submits in all");
  });
}

klingScenario("kling: a resumed step with only its external_task_id is found by lookup, never submitted twice", {}, async (ctx) => {
  const saved = await interrupt(ctx, (controller) => kling(ctx, { fetch: losingSecondSubmit(controller) }));
  assert.equal(saved.inFlight.jobId, undefined, "no job id: the answer was lost");
  assert.match(saved.inFlight.externalId, /^ke-[0-9a-f]{32}$/, "but its external id was recorded before the submit");
  const jobs = await chainExtensions("vid_chain_src", ["one", "two", "three"], { ...kling(ctx), ...FAST, resume: saved });
  assert.equal(jobs.length, 3, "all three jobs");
  assert.equal((await mockJobs(ctx)).length, 3, "exactly three tasks on the mock");
  const log = await mockLog(ctx);
  assert.equal(klingPosts(log).length, 3, "step 2 was not submitted again");
  assert.ok(klingReads(log).some((e) => e.path === `${TASKS_PATH}/${saved.inFlight.externalId}`), "looked up by its external id");
});

klingScenario("kling: a resumed step whose submit never arrived is sent with the same external_task_id", { httpErrors: true }, async (ctx) => {
  const saved = await interrupt(ctx, () => kling(ctx), (p, c) => p.inFlight?.index === 1 && !p.inFlight.jobId && c.abort());
  await chainExtensions("vid_chain_src", ["one", "two", "three"], { ...kling(ctx), ...FAST, resume: saved });
  const bodies = klingPosts(await mockLog(ctx)).map((e) => JSON.parse(e.body));
  assert.equal(bodies.length, 3, "three submits: the step was never sent before");
  assert.equal(bodies[1].external_task_id, saved.inFlight.externalId, "with the id recorded before");
  assert.equal((await mockJobs(ctx)).length, 3, "three tasks");
});

scenario("trinetra: a resumed step whose submit got no answer is not sent again (maybeSubmitted)", { httpErrors: true }, async (ctx) => {
  const saved = await interrupt(ctx, (controller) => ({ ...ctx.options, fetch: losingSecondSubmit(controller) }));
  assert.equal(saved.inFlight.jobId, undefined, "no job id");
  await expectRejection(
    ctx,
    () => chainExtensions("vid_chain_src", ["one", "two", "three"], { ...ctx.options, ...FAST, resume: saved }),
    { code: "aborted", maybeSubmitted: true, message: /not sent again/ },
  );
  assert.equal((await mockLog(ctx)).filter((e) => e.method === "POST").length, 2, "no third submit");
  assert.equal((await mockJobs(ctx)).length, 2, "two jobs");
});

scenario("chainExtensions refuses a progress of another chain before anything is sent", {}, async (ctx) => {
  const progress = { provider: "trinetra", videoId: "other", steps: 1, key: "0".repeat(32), finished: [], next: { videoId: "other" }, charged: 0 };
  await expectRejection(ctx, () => chainExtensions("vid_src", ["p"], { ...ctx.options, resume: progress }), { code: "invalid_request", field: "resume.videoId" });
  await expectNothingSent(ctx, "a refused resume");
});
