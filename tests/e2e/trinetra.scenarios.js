// Scenarios against the Trinetra gateway mock (the default provider).
import {
  extendVideo,
  getJob,
  pollJob,
  quote,
  quoteChain,
  createClient,
  KlingExtendError,
} from "kling-extend";
import * as assert from "./assert.js";
import {
  BROWSERS,
  FAILURE_MESSAGE,
  JOBS_PATH,
  SUBMIT_PATH,
  WRONG_KEY,
  addFaults,
  assertNoSecret,
  checkError,
  control,
  expectNothingSent,
  expectRejection,
  expectThrow,
  gaps,
  isBrowser,
  mockFaults,
  mockJobs,
  mockLog,
  posts,
  reads,
  renderings,
  resetMock,
  scenario,
  sleep,
  submitOk,
  waitFor,
} from "./support.js";

// --- the package itself

scenario("exports the public API", {}, async (ctx) => {
  for (const [name, value] of Object.entries({ extendVideo, getJob, pollJob, quote, quoteChain, createClient, KlingExtendError })) {
    assert.equal(typeof value, "function", `export ${name}`);
  }
  assert.ok(Object.prototype.isPrototypeOf.call(Error.prototype, KlingExtendError.prototype), "KlingExtendError extends Error");
  // quote works synchronously right after the import resolved (no init()).
  assert.equal(quote({ seconds: 1 }).credits, 19, "quote right after import");
  await expectNothingSent(ctx, "importing and quoting");
});

// --- the happy path

scenario("submit and poll to success with onUpdate", {}, async (ctx) => {
  const request = { video_id: "vid_ok_1", prompt: "the camera pulls back", cfg_scale: 0.5, resolution: "720p" };
  const submission = await submitOk(ctx, request);
  let log = await mockLog(ctx);
  assert.equal(log.length, 1, "requests after the submit");
  const [post] = log;
  assert.equal(`${post.method} ${post.path}`, `POST ${SUBMIT_PATH}`, "the submit request");
  assert.deepEqual(JSON.parse(post.body), request, "the submitted body");
  assert.equal(post.headers["x-api-key"], "[redacted]", "the key header is sent (the mock redacts its value)");
  assert.match(String(post.headers["content-type"]), /^application\/json/, "submit content-type");
  assert.equal(post.outcome, 202, "submit outcome");
  assert.equal(submission.request_id, post.requestId, "submission.request_id is the mock's x-request-id");

  const updates = [];
  const start = Date.now();
  const job = await pollJob(submission.job_id, {
    ...ctx.options,
    intervalMs: 50,
    onUpdate: (j) => updates.push(j),
  });
  const elapsed = Date.now() - start;
  assert.deepEqual(updates.map((j) => j.status), ["queued", "running", "succeeded"], "onUpdate statuses, in order");
  assert.equal(job.id, submission.job_id, "job.id");
  assert.equal(job.model, "kling-extend-video", "job.model");
  assert.equal(job.status, "succeeded", "job.status");
  assert.deepEqual(
    job.output,
    { outputs: [{ url: `${ctx.mockUrl}/media/${submission.job_id}.mp4`, type: "video" }] },
    "job.output",
  );
  assert.equal(job.credits_charged, 190, "job.credits_charged (10 s at 720p)");
  assert.equal(job.error, undefined, "job.error");
  assert.equal(job.raw?.status, "succeeded", "job.raw.status");
  assert.equal(job.raw?.id, submission.job_id, "job.raw.id");
  assert.deepEqual(updates[2], job, "the final onUpdate gets the final job");
  assert.equal(updates[0].output, undefined, "a queued job has no output");

  log = await mockLog(ctx);
  const gets = reads(log);
  assert.equal(gets.length, 3, "job reads");
  for (const g of gets) {
    assert.equal(g.path, `${JOBS_PATH}${submission.job_id}`, "read path");
    assert.equal(g.headers["x-api-key"], "[redacted]", "the key header is sent on reads");
    assert.equal(g.outcome, 200, "read outcome");
  }
  const [first, second] = gaps(gets);
  assert.atLeast(first, 45, "first wait (intervalMs 50)");
  assert.atLeast(second, 70, "second wait (x1.5 = 75)");
  assert.atMost(elapsed, 3000, "pollJob duration");
  const [mockJob] = await mockJobs(ctx);
  assert.equal(mockJob.polls, 3, "polls counted by the mock");
  assert.equal(mockJob.status, "succeeded", "job status on the mock");
});

scenario("getJob reads once; 1080p is charged 30 credits per second", {}, async (ctx) => {
  const { job_id } = await submitOk(ctx, { video_id: "vid_hd", resolution: "1080p" });
  const statuses = [];
  for (let i = 0; i < 3; i++) statuses.push((await getJob(job_id, ctx.options)).status);
  assert.deepEqual(statuses, ["queued", "running", "succeeded"], "one status per getJob");
  const done = await getJob(job_id, ctx.options);
  assert.equal(done.credits_charged, 300, "credits_charged (10 s at 1080p)");
  assert.equal(reads(await mockLog(ctx)).length, 4, "one GET per getJob");
});

// --- validation: nothing reaches the mock

const LONG = "é".repeat(2501);
const VALIDATION = [
  ["video_id missing", { prompt: "p" }, "video_id"],
  ["video_id empty", { video_id: "" }, "video_id"],
  ["video_id blank", { video_id: "   " }, "video_id"],
  ["video_id not a string", { video_id: 42 }, "video_id"],
  ["cfg_scale above 1", { video_id: "v", cfg_scale: 1.5 }, "cfg_scale"],
  ["cfg_scale below 0", { video_id: "v", cfg_scale: -0.1 }, "cfg_scale"],
  ["cfg_scale NaN", { video_id: "v", cfg_scale: NaN }, "cfg_scale"],
  ["cfg_scale Infinity", { video_id: "v", cfg_scale: Infinity }, "cfg_scale"],
  ["cfg_scale a string", { video_id: "v", cfg_scale: "0.5" }, "cfg_scale"],
  ["prompt over 2500 characters", { video_id: "v", prompt: LONG }, "prompt"],
  ["negative_prompt over 2500 characters", { video_id: "v", negative_prompt: LONG }, "negative_prompt"],
  ["callback_url relative", { video_id: "v", callback_url: "/hooks/kling" }, "callback_url"],
  ["callback_url not http(s)", { video_id: "v", callback_url: "ftp://example.com/hook" }, "callback_url"],
  ["callback_url without a host", { video_id: "v", callback_url: "https:///hook" }, "callback_url"],
  ["resolution 4k", { video_id: "v", resolution: "4k" }, "resolution"],
  ["resolution in capitals", { video_id: "v", resolution: "720P" }, "resolution"],
  ["unknown field", { video_id: "v", colour: "red" }, "colour"],
  ["Kling-only mode", { video_id: "v", mode: "pro" }, "mode"],
  ["Kling-only task_id", { video_id: "v", task_id: "t_1" }, "task_id"],
  ["Kling-only duration", { video_id: "v", duration: 5 }, "duration"],
  ["Kling-only external_task_id", { video_id: "v", external_task_id: "mine-1" }, "external_task_id"],
  ["Kling-only model_name", { video_id: "v", model_name: "kling-v1" }, "model_name"],
];

for (const [label, request, field] of VALIDATION) {
  scenario(`validation: ${label} -> invalid_request "${field}", nothing sent`, {}, async (ctx) => {
    const err = await expectRejection(ctx, () => extendVideo(request, ctx.options), {
      code: "invalid_request",
      field,
      retryable: false,
    });
    assert.includes(err.message, field, "the message names the field");
    await expectNothingSent(ctx, `extendVideo(${label})`);
  });
}

scenario("validation: a request that is not an object -> invalid_request, nothing sent", {}, async (ctx) => {
  await expectRejection(ctx, () => extendVideo("vid_1", ctx.options), { code: "invalid_request", field: "request" });
  await expectRejection(ctx, () => extendVideo(null, ctx.options), { code: "invalid_request", field: "request" });
  await expectNothingSent(ctx, "extendVideo(non-object)");
});

const OPTION_RULES = [
  ["timeoutMs 0", { timeoutMs: 0 }, "timeoutMs"],
  ["maxRetries 99", { maxRetries: 99 }, "maxRetries"],
  ["baseUrl without a scheme", { baseUrl: "127.0.0.1:8787" }, "baseUrl"],
  ["misspelt option", { timeoutMS: 1000 }, "timeoutMS"],
  ["header with a line break", { headers: { "x-a": "1\r\nx-b: 2" } }, "headers.x-a"],
  ["fetch that is not a function", { fetch: "fetch" }, "fetch"],
];

for (const [label, bad, field] of OPTION_RULES) {
  scenario(`validation: option ${label} -> invalid_request "${field}", nothing sent`, {}, async (ctx) => {
    const options = { ...ctx.options, ...bad };
    await expectRejection(ctx, () => extendVideo({ video_id: "v" }, options), { code: "invalid_request", field });
    await expectRejection(ctx, () => getJob("job_x", options), { code: "invalid_request", field });
    await expectNothingSent(ctx, `option ${label}`);
  });
}

scenario("validation: bad job ids and poll options -> invalid_request, nothing sent", {}, async (ctx) => {
  await expectRejection(ctx, () => getJob("", ctx.options), { code: "invalid_request", field: "jobId" });
  await expectRejection(ctx, () => getJob(17, ctx.options), { code: "invalid_request", field: "jobId" });
  await expectRejection(ctx, () => pollJob("..", ctx.options), { code: "invalid_request", field: "jobId" });
  await expectRejection(ctx, () => pollJob("job_x", { ...ctx.options, intervalMs: 500, maxIntervalMs: 100 }), {
    code: "invalid_request",
    field: "maxIntervalMs",
  });
  await expectRejection(ctx, () => pollJob("job_x", { ...ctx.options, onUpdate: "log" }), {
    code: "invalid_request",
    field: "onUpdate",
  });
  await expectNothingSent(ctx, "bad ids and poll options");
});

scenario("validation: boundary values are accepted and sent as given", {}, async (ctx) => {
  const exact = "é".repeat(2500);
  const requests = [
    { video_id: "v_a", prompt: exact, negative_prompt: exact },
    { video_id: "v_b", cfg_scale: 0, callback_url: "https://example.com/hooks/kling?x=1" },
    { video_id: "v_c", cfg_scale: 1, callback_url: "http://127.0.0.1:9/cb", resolution: "1080p" },
  ];
  for (const request of requests) await submitOk(ctx, request);
  const sent = posts(await mockLog(ctx)).map((e) => JSON.parse(e.body));
  assert.deepEqual(sent, requests, "bodies that reached the mock");
  assert.equal((await mockJobs(ctx)).length, 3, "jobs on the mock");
});

// --- authentication and secrets

scenario("401 with a wrong key; the key never appears in the error", { httpErrors: true }, async (ctx) => {
  const options = { ...ctx.options, apiKey: WRONG_KEY };
  const err = await expectRejection(
    ctx,
    () => extendVideo({ video_id: "vid_1" }, options),
    { code: "unauthorized", status: 401, retryable: false, maybeSubmitted: false, requestId: /^req_\d+$/ },
    [WRONG_KEY],
  );
  const log = await mockLog(ctx);
  assert.equal(posts(log).length, 1, "a 401 submit is not retried");
  assert.equal(log[0].outcome, 401, "mock outcome");
  assert.equal(err.requestId, log[0].requestId, "err.requestId is the mock's x-request-id");
  assert.equal((await mockJobs(ctx)).length, 0, "no job created");

  await expectRejection(ctx, () => getJob("job_whatever", options), { code: "unauthorized", status: 401 }, [WRONG_KEY]);
  assert.equal(reads(await mockLog(ctx)).length, 1, "a 401 read is not retried");
  await expectRejection(ctx, () => pollJob("job_whatever", { ...options, intervalMs: 50 }), { code: "unauthorized" }, [WRONG_KEY]);
  assert.equal(reads(await mockLog(ctx)).length, 2, "a 401 ends pollJob at once");

  // No key at all (e.g. a proxy base URL) is sent without the header.
  const { apiKey: _drop, ...keyless } = ctx.options;
  await expectRejection(ctx, () => getJob("job_whatever", keyless), { code: "unauthorized", status: 401 });
  const last = (await mockLog(ctx)).at(-1);
  assert.equal(last.headers["x-api-key"], undefined, "no X-API-Key header without apiKey");
});

scenario("a service echoing the key does not leak it", { httpErrors: true }, async (ctx) => {
  await addFaults(
    ctx,
    { method: "POST", path: SUBMIT_PATH, status: 403, body: { error: { message: `key ${ctx.apiKey} is not allowed here` } } },
    { method: "GET", path: JOBS_PATH, status: 400, body: { message: `bad request with X-API-Key: ${ctx.apiKey}` } },
  );
  const err = await expectRejection(ctx, () => extendVideo({ video_id: "v" }, ctx.options), {
    code: "forbidden",
    status: 403,
    maybeSubmitted: false,
  });
  assert.match(err.message, /not allowed here/, "the service's message is kept (without the key)");
  await expectRejection(ctx, () => getJob("job_1", ctx.options), { code: "invalid_request", status: 400 });
});

scenario("browser key guard: apiKey needs dangerouslyAllowBrowser in a page", { httpErrors: true }, async (ctx) => {
  const { dangerouslyAllowBrowser: _flag, ...withKey } = ctx.options;
  const calls = {
    extendVideo: (o) => extendVideo({ video_id: "vid_guard" }, o),
    getJob: (o) => getJob("job_guard", o),
    pollJob: (o) => pollJob("job_guard", { ...o, intervalMs: 50, waitTimeoutMs: 2000 }),
  };
  if (isBrowser(ctx)) {
    for (const options of [withKey, { ...withKey, dangerouslyAllowBrowser: false }]) {
      for (const [name, call] of Object.entries(calls)) {
        const err = await expectRejection(ctx, () => call(options), { code: "invalid_request", field: "apiKey" });
        assert.notIncludes(err.message, ctx.apiKey, `${name}: message`);
      }
      // A client checks its options when it is made.
      const err = expectThrow(ctx, () => createClient(options), { code: "invalid_request", field: "apiKey" });
      assert.notIncludes(err.message, ctx.apiKey, "createClient: message");
    }
    await expectNothingSent(ctx, "the key guard");
    // Without a key (a proxy that adds it) the page may call: the request goes out.
    const { apiKey: _key, ...keyless } = withKey;
    await expectRejection(ctx, () => getJob("job_guard", keyless), { code: "unauthorized", status: 401 });
    assert.equal(reads(await mockLog(ctx)).length, 1, "a keyless read is sent");
  } else {
    // Servers and Workers hold keys legitimately: no flag needed.
    const { job_id } = await submitOk(ctx, { video_id: "vid_guard" }, withKey);
    const job = await createClient(withKey).pollJob(job_id, { intervalMs: 50 });
    assert.equal(job.status, "succeeded", "job status");
  }
});

// --- retries of reads

scenario("reads are retried on 408/429/500/502/503/504", { httpErrors: true }, async (ctx) => {
  const { job_id } = await submitOk(ctx);
  const statuses = [408, 429, 500, 502, 503, 504];
  await addFaults(ctx, ...statuses.map((status) => ({ method: "GET", path: JOBS_PATH, status, headers: { "retry-after": "0" } })));
  const job = await getJob(job_id, { ...ctx.options, maxRetries: statuses.length });
  assert.equal(job.status, "queued", "the read finally succeeds");
  const gets = reads(await mockLog(ctx));
  assert.deepEqual(gets.map((e) => e.outcome), [...statuses, 200], "read outcomes");
});

scenario("a read retries a 5xx with backoff and gives up after maxRetries", { httpErrors: true }, async (ctx) => {
  const { job_id } = await submitOk(ctx);
  await addFaults(ctx, { method: "GET", path: JOBS_PATH, status: 503, times: 5 });
  const err = await expectRejection(ctx, () => getJob(job_id, { ...ctx.options, maxRetries: 1 }), {
    code: "server_error",
    status: 503,
    retryable: true,
  });
  assert.equal(err.maybeSubmitted, undefined, "maybeSubmitted is only for submits");
  const gets = reads(await mockLog(ctx));
  assert.equal(gets.length, 2, "1 try + maxRetries 1");
  assert.between(gaps(gets)[0], 240, 1500, "backoff before the retry (250-500 ms)");
});

scenario("a read is retried after a dropped connection", { httpErrors: true }, async (ctx) => {
  const { job_id } = await submitOk(ctx);
  await addFaults(ctx, { method: "GET", path: JOBS_PATH, drop: "before" });
  const job = await getJob(job_id, ctx.options);
  assert.equal(job.id, job_id, "job id");
  const outcomes = reads(await mockLog(ctx)).map((e) => e.outcome);
  assert.equal(outcomes[0], "dropped", "first read dropped");
  assert.equal(outcomes.at(-1), 200, "last read answered");
});

scenario("Retry-After in seconds is obeyed (503 + retry-after: 1)", { httpErrors: true }, async (ctx) => {
  const { job_id } = await submitOk(ctx);
  await addFaults(ctx, { method: "GET", path: JOBS_PATH, status: 503, headers: { "retry-after": "1" } });
  const job = await getJob(job_id, ctx.options);
  assert.equal(job.status, "queued", "job status");
  const gets = reads(await mockLog(ctx));
  assert.equal(gets.length, 2, "reads");
  assert.between(gaps(gets)[0], 900, 2500, "wait before the retry (Retry-After 1 s)");
});

scenario("Retry-After as an HTTP date is obeyed", { httpErrors: true }, async (ctx) => {
  const { job_id } = await submitOk(ctx);
  const when = new Date(Date.now() + 2000).toUTCString();
  await addFaults(ctx, { method: "GET", path: JOBS_PATH, status: 429, headers: { "retry-after": when } });
  await getJob(job_id, ctx.options);
  const gets = reads(await mockLog(ctx));
  assert.equal(gets.length, 2, "reads");
  assert.between(gaps(gets)[0], 800, 3000, "wait before the retry (HTTP-date Retry-After, 1-2 s ahead)");
});

scenario("a Retry-After of an hour is not waited out", { httpErrors: true }, async (ctx) => {
  const { job_id } = await submitOk(ctx);
  await addFaults(ctx, { method: "GET", path: JOBS_PATH, status: 429, headers: { "retry-after": "3600" } });
  const start = Date.now();
  await expectRejection(ctx, () => getJob(job_id, ctx.options), {
    code: "rate_limited",
    status: 429,
    retryAfterMs: 3600000,
  });
  assert.atMost(Date.now() - start, 2000, "fails at once");
  assert.equal(reads(await mockLog(ctx)).length, 1, "reads");
});

scenario("404 -> not_found, not retried (getJob and pollJob)", { httpErrors: true }, async (ctx) => {
  await expectRejection(ctx, () => getJob("job_does_not_exist", ctx.options), {
    code: "not_found",
    status: 404,
    retryable: false,
  });
  await expectRejection(ctx, () => pollJob("job_does_not_exist", { ...ctx.options, intervalMs: 50 }), {
    code: "not_found",
    status: 404,
  });
  const gets = reads(await mockLog(ctx));
  assert.deepEqual(gets.map((e) => e.path), [`${JOBS_PATH}job_does_not_exist`, `${JOBS_PATH}job_does_not_exist`], "reads");
});

scenario("job ids are encoded into one path segment", { httpErrors: true }, async (ctx) => {
  await expectRejection(ctx, () => getJob("a/../b?c#d", ctx.options), { code: "not_found", status: 404 });
  const [entry] = await mockLog(ctx);
  assert.equal(entry.path, `${JOBS_PATH}a%2F..%2Fb%3Fc%23d`, "the path the mock saw");
});

// --- submits: retried only when certainly refused

/**
 * A submit whose connection drops (after the mock processed it, or before).
 *
 * The package must call fetch exactly once and reject with maybeSubmitted.
 * In Node and workerd the mock then sees exactly one POST. Chromium, however,
 * transparently resends a request (POST included) once when a reused
 * keep-alive connection closes without any response: it cannot tell that from
 * a stale idle socket. The page's fetch() never learns of it, so the package
 * cannot either. In browsers the fault therefore drops two requests, and the
 * mock may see one or two POSTs, all dropped; the package still made one call.
 */
async function droppedSubmit(ctx, drop) {
  const browser = isBrowser(ctx);
  await addFaults(ctx, { method: "POST", path: SUBMIT_PATH, drop, times: browser ? 2 : 1 });
  let calls = 0;
  const countingFetch = (input, init) => {
    calls += 1;
    return globalThis.fetch(input, init);
  };
  const err = await expectRejection(
    ctx,
    () => extendVideo({ video_id: "vid_drop" }, { ...ctx.options, fetch: countingFetch }),
    { code: "network_error", maybeSubmitted: true, retryable: false },
  );
  assert.match(err.message, /not sent again|may have/i, "the message says it may have been accepted");
  assert.ok(err.message.startsWith(`POST ${ctx.mockUrl}${SUBMIT_PATH}: `), `the message names the request: ${err.message}`);
  if (browser) assert.match(err.message, /CORS check, which sends nothing.*allowedOrigins.*if it was not CORS, the service may have accepted/, "a page names CORS");
  else assert.notIncludes(err.message, "CORS", "only a page names CORS");
  await sleep(700); // longer than the first backoff: a retry would have arrived
  assert.equal(calls, 1, "fetch calls made by the package (no retry)");
  const outcomes = posts(await mockLog(ctx)).map((e) => e.outcome);
  if (browser) {
    assert.between(outcomes.length, 1, 2, `POSTs the mock saw (1, or 2 with Chromium's own resend): ${assert.show(outcomes)}`);
    assert.ok(outcomes.every((o) => o === "dropped"), `every POST was dropped: ${assert.show(outcomes)}`);
  } else {
    assert.deepEqual(outcomes, ["dropped"], "exactly one POST reached the mock");
  }
  const jobs = await mockJobs(ctx);
  assert.equal(jobs.length, drop === "after" ? outcomes.length : 0, "jobs on the mock");
  for (const job of jobs) assert.equal(job.video_id, "vid_drop", "the job's video");
}

scenario("ambiguous submit (connection dropped after processing) is not retried", { httpErrors: true }, (ctx) =>
  droppedSubmit(ctx, "after"),
);

scenario("ambiguous submit (connection dropped before an answer) is not retried", { httpErrors: true }, (ctx) =>
  droppedSubmit(ctx, "before"),
);

for (const status of [500, 502, 504]) {
  scenario(`${status} on submit is not retried and reports maybeSubmitted`, { httpErrors: true }, async (ctx) => {
    await addFaults(ctx, { method: "POST", path: SUBMIT_PATH, status, headers: { "retry-after": "0" } });
    await expectRejection(ctx, () => extendVideo({ video_id: "vid_5xx" }, ctx.options), {
      code: "server_error",
      status,
      maybeSubmitted: true,
      retryable: false,
    });
    await sleep(300);
    assert.deepEqual(posts(await mockLog(ctx)).map((e) => e.outcome), [status], "exactly one POST");
    assert.equal((await mockJobs(ctx)).length, 0, "jobs");
  });
}

scenario("429 on submit is retried with backoff, then succeeds", { httpErrors: true }, async (ctx) => {
  await addFaults(ctx, { method: "POST", path: SUBMIT_PATH, status: 429 });
  const submission = await submitOk(ctx, { video_id: "vid_429" });
  const sent = posts(await mockLog(ctx));
  assert.deepEqual(sent.map((e) => e.outcome), [429, 202], "POST outcomes");
  assert.equal(sent[0].body, sent[1].body, "the same body is sent again");
  assert.between(gaps(sent)[0], 240, 1500, "backoff before the retry");
  const jobs = await mockJobs(ctx);
  assert.deepEqual(jobs.map((j) => j.id), [submission.job_id], "one job, the one returned");
});

scenario("503 and 408 on submit are retried", { httpErrors: true }, async (ctx) => {
  await addFaults(
    ctx,
    { method: "POST", path: SUBMIT_PATH, status: 503, headers: { "retry-after": "0" } },
    { method: "POST", path: SUBMIT_PATH, status: 408, headers: { "retry-after": "0" } },
  );
  await submitOk(ctx, { video_id: "vid_503" });
  assert.deepEqual(posts(await mockLog(ctx)).map((e) => e.outcome), [503, 408, 202], "POST outcomes");
  assert.equal((await mockJobs(ctx)).length, 1, "jobs");
});

scenario("a submit still rate limited after maxRetries fails with maybeSubmitted false", { httpErrors: true }, async (ctx) => {
  await addFaults(ctx, { method: "POST", path: SUBMIT_PATH, status: 429, headers: { "retry-after": "0" }, times: 10 });
  await expectRejection(ctx, () => extendVideo({ video_id: "vid_busy" }, { ...ctx.options, maxRetries: 2 }), {
    code: "rate_limited",
    status: 429,
    maybeSubmitted: false,
    retryable: true,
  });
  assert.equal(posts(await mockLog(ctx)).length, 3, "1 try + maxRetries 2");
  assert.equal((await mockJobs(ctx)).length, 0, "jobs");
});

scenario("a 400 from the service on submit is not retried", { httpErrors: true }, async (ctx) => {
  await addFaults(ctx, {
    method: "POST",
    path: SUBMIT_PATH,
    status: 400,
    body: { error: { message: "video_id does not exist", field: "video_id" } },
  });
  const err = await expectRejection(ctx, () => extendVideo({ video_id: "vid_gone" }, ctx.options), {
    code: "invalid_request",
    status: 400,
    maybeSubmitted: false,
    retryable: false,
  });
  assert.match(err.message, /video_id does not exist/, "the service's message");
  assert.equal(posts(await mockLog(ctx)).length, 1, "POSTs");
});

// --- malformed answers

scenario("HTML 502 page -> server_error mentioning HTML (read and submit)", { httpErrors: true }, async (ctx) => {
  const { job_id } = await submitOk(ctx);
  const page = { status: 502, headers: { "content-type": "text/html" }, body: "<html><body><h1>502 Bad Gateway</h1></body></html>" };
  await addFaults(ctx, { method: "GET", path: JOBS_PATH, ...page }, { method: "POST", path: SUBMIT_PATH, ...page });
  const readErr = await expectRejection(ctx, () => getJob(job_id, { ...ctx.options, maxRetries: 0 }), {
    code: "server_error",
    status: 502,
    retryable: true,
  });
  assert.match(readErr.message, /HTML/, "read error message");
  assert.notIncludes(readErr.message, "<h1>", "the page is described, not quoted");
  const submitErr = await expectRejection(ctx, () => extendVideo({ video_id: "v" }, ctx.options), {
    code: "server_error",
    status: 502,
    maybeSubmitted: true,
  });
  assert.match(submitErr.message, /HTML/, "submit error message");
  const log = await mockLog(ctx);
  assert.equal(reads(log).length, 1, "reads");
  assert.equal(posts(log).length, 2, "POSTs (the first submit and the faulted one)");
});

scenario("malformed JSON in a 200/202 -> bad_response (read and submit)", { httpErrors: true }, async (ctx) => {
  const { job_id } = await submitOk(ctx);
  await addFaults(
    ctx,
    { method: "GET", path: JOBS_PATH, status: 200, body: '{"id": ' },
    { method: "GET", path: JOBS_PATH, status: 200, body: { hello: "world" } },
    { method: "POST", path: SUBMIT_PATH, status: 202, body: '{"job_id": ' },
  );
  const err = await expectRejection(ctx, () => getJob(job_id, ctx.options), { code: "bad_response", status: 200 });
  assert.match(err.message, /JSON/, "message says the JSON is broken");
  await expectRejection(ctx, () => pollJob(job_id, { ...ctx.options, intervalMs: 50 }), { code: "bad_response", status: 200 });
  await expectRejection(ctx, () => extendVideo({ video_id: "v" }, ctx.options), {
    code: "bad_response",
    status: 202,
    maybeSubmitted: true,
  });
  const log = await mockLog(ctx);
  assert.equal(reads(log).length, 2, "bad responses are not retried");
  assert.equal(posts(log).length, 2, "POSTs");
});

// --- timeouts

scenario("per-attempt timeoutMs: a slow read is abandoned and retried", { httpErrors: true }, async (ctx) => {
  const { job_id } = await submitOk(ctx);
  await addFaults(ctx, { method: "GET", path: JOBS_PATH, delayMs: 3000 });
  const start = Date.now();
  const job = await getJob(job_id, { ...ctx.options, timeoutMs: 250 });
  const elapsed = Date.now() - start;
  assert.equal(job.id, job_id, "job id");
  assert.between(elapsed, 240, 2000, "timeout 250 ms + backoff, far less than the 3 s delay");
  const gets = reads(await mockLog(ctx));
  assert.equal(gets.length, 2, "reads");
  await waitFor(async () => reads(await mockLog(ctx))[0].outcome === "aborted", 1500, "the mock to see the client leave");
});

scenario("per-attempt timeoutMs: a slow read fails with timeout when retries run out", { httpErrors: true }, async (ctx) => {
  const { job_id } = await submitOk(ctx);
  await addFaults(ctx, { method: "GET", path: JOBS_PATH, delayMs: 3000 });
  const start = Date.now();
  const err = await expectRejection(ctx, () => getJob(job_id, { ...ctx.options, timeoutMs: 200, maxRetries: 0 }), {
    code: "timeout",
    retryable: true,
  });
  assert.match(err.message, /timeoutMs/, "message names timeoutMs");
  assert.between(Date.now() - start, 190, 1500, "rejects after about timeoutMs");
});

scenario("per-attempt timeoutMs on submit: not retried, maybeSubmitted", { httpErrors: true }, async (ctx) => {
  await addFaults(ctx, { method: "POST", path: SUBMIT_PATH, delayMs: 3000 });
  const start = Date.now();
  await expectRejection(ctx, () => extendVideo({ video_id: "vid_slow" }, { ...ctx.options, timeoutMs: 250 }), {
    code: "timeout",
    maybeSubmitted: true,
    retryable: false,
  });
  assert.between(Date.now() - start, 240, 1500, "rejects after about timeoutMs");
  await sleep(600);
  assert.equal(posts(await mockLog(ctx)).length, 1, "exactly one POST");
});

// --- pollJob endings

scenario("pollJob: a failed job rejects job_failed with the job", {}, async (ctx) => {
  const { job_id } = await submitOk(ctx, { video_id: "fail_source_1" });
  const updates = [];
  const err = await expectRejection(
    ctx,
    () => pollJob(job_id, { ...ctx.options, intervalMs: 50, onUpdate: (j) => updates.push(j.status) }),
    { code: "job_failed" },
  );
  assert.includes(err.message, FAILURE_MESSAGE, "the message carries the reason");
  assert.equal(err.job?.id, job_id, "err.job.id");
  assert.equal(err.job?.status, "failed", "err.job.status");
  assert.equal(err.job?.error, FAILURE_MESSAGE, "err.job.error");
  assert.equal(err.job?.raw?.status, "failed", "err.job.raw.status");
  assert.deepEqual(updates, ["queued", "running", "failed"], "onUpdate statuses, the final one included");
  const failed = await getJob(job_id, ctx.options);
  assert.equal(failed.status, "failed", "getJob resolves with a failed job (one read, no judgement)");
});

scenario("pollJob: a canceled job rejects job_canceled with the job", {}, async (ctx) => {
  const { job_id } = await submitOk(ctx, { video_id: "cancel_me_1" });
  const updates = [];
  const err = await expectRejection(
    ctx,
    () => pollJob(job_id, { ...ctx.options, intervalMs: 50, onUpdate: (j) => updates.push(j.status) }),
    { code: "job_canceled" },
  );
  assert.equal(err.job?.status, "canceled", "err.job.status");
  assert.equal(err.job?.id, job_id, "err.job.id");
  assert.deepEqual(updates, ["queued", "running", "canceled"], "onUpdate statuses");
});

scenario("an unknown status is reported as running, kept in raw, and never crashes", {}, async (ctx) => {
  const { job_id } = await submitOk(ctx, { video_id: "unknown_clip_1" });
  const seen = [];
  for (let i = 0; i < 4; i++) seen.push(await getJob(job_id, ctx.options));
  assert.deepEqual(seen.map((j) => j.status), ["queued", "running", "running", "running"], "statuses");
  assert.deepEqual(seen.map((j) => j.raw?.status), ["queued", "running", "paused_for_review", "paused_for_review"], "raw statuses");

  const updates = [];
  const err = await expectRejection(
    ctx,
    () => pollJob(job_id, { ...ctx.options, intervalMs: 50, waitTimeoutMs: 400, onUpdate: (j) => updates.push(j) }),
    { code: "timeout" },
  );
  assert.equal(err.job?.status, "running", "err.job.status");
  assert.equal(err.job?.raw?.status, "paused_for_review", "err.job.raw.status");
  assert.deepEqual(updates.map((j) => j.status), ["running"], "one update: the status never changes");
});

scenario("pollJob: waitTimeoutMs ends the wait with timeout and the last job", { advance: { mode: "time", stepMs: 60000 } }, async (ctx) => {
  const { job_id } = await submitOk(ctx, { video_id: "vid_slow_job" });
  const start = Date.now();
  const err = await expectRejection(ctx, () => pollJob(job_id, { ...ctx.options, intervalMs: 50, waitTimeoutMs: 400 }), {
    code: "timeout",
  });
  const elapsed = Date.now() - start;
  assert.between(elapsed, 380, 1500, "rejects at waitTimeoutMs");
  assert.match(err.message, /waitTimeoutMs/, "message names waitTimeoutMs");
  assert.equal(err.job?.status, "queued", "err.job is the last job seen");
  assert.equal(err.job?.id, job_id, "err.job.id");
  const gets = reads(await mockLog(ctx));
  // Reads 50, 75, 112, … ms apart fit at most 5 in 400 ms; a busy machine's
  // slow answers fit fewer (the schedule itself is tested on a fake clock:
  // cargo test poll, schedule).
  assert.between(gets.length, 1, 6, "reads (50, 75, 112, … ms apart)");
  assert.atMost(gets.at(-1).at - gets[0].at, 450, "no read after the deadline");
});

scenario("pollJob: a long interval never runs past waitTimeoutMs", { advance: { mode: "time", stepMs: 60000 } }, async (ctx) => {
  const { job_id } = await submitOk(ctx);
  const start = Date.now();
  await expectRejection(ctx, () => pollJob(job_id, { ...ctx.options, intervalMs: 5000, waitTimeoutMs: 300 }), {
    code: "timeout",
  });
  assert.between(Date.now() - start, 280, 1200, "rejects at waitTimeoutMs, not after intervalMs");
  // One read, then a wait cut short at the deadline. (A timer firing a hair
  // early may allow one more read just before the deadline, never after.)
  const gets = reads(await mockLog(ctx));
  assert.between(gets.length, 1, 2, "reads");
  assert.atMost(gets.at(-1).at - gets[0].at, 320, "no read after the deadline");
});

scenario("pollJob: maxIntervalMs caps the growing wait", { advance: { stepPolls: 3 } }, async (ctx) => {
  const { job_id } = await submitOk(ctx);
  const job = await pollJob(job_id, { ...ctx.options, intervalMs: 50, maxIntervalMs: 60 });
  assert.equal(job.status, "succeeded", "job status");
  const waits = gaps(reads(await mockLog(ctx)));
  assert.equal(waits.length, 6, "7 reads (3 queued, 3 running, 1 final)");
  for (const w of waits) assert.atLeast(w, 45, "each wait at least intervalMs");
  // Uncapped, the waits would reach 50·1.5⁵ ≈ 380 ms.
  assert.atMost(Math.max(...waits.slice(2)), 200, "later waits stay near maxIntervalMs 60");
});

scenario("pollJob: transient read errors during the wait are retried", { httpErrors: true }, async (ctx) => {
  const { job_id } = await submitOk(ctx);
  await addFaults(
    ctx,
    { method: "GET", path: JOBS_PATH, status: 503, headers: { "retry-after": "0" } },
    { method: "GET", path: JOBS_PATH, drop: "before" },
    { method: "GET", path: JOBS_PATH, status: 500, headers: { "retry-after": "0" } },
  );
  const updates = [];
  const job = await pollJob(job_id, { ...ctx.options, intervalMs: 50, onUpdate: (j) => updates.push(j.status) });
  assert.equal(job.status, "succeeded", "job status");
  assert.deepEqual(updates, ["queued", "running", "succeeded"], "onUpdate statuses");
  const outcomes = reads(await mockLog(ctx)).map((e) => e.outcome);
  assert.deepEqual(outcomes.slice(0, 2), [503, "dropped"], "first reads faulted");
  assert.ok(outcomes.includes(500), "the 500 was seen too");
  assert.deepEqual(outcomes.filter((o) => o === 200), [200, 200, 200], "three good reads");
});

// --- aborting

/**
 * Starts `call(signal)`, waits until `ready()` (what the mock saw, or an
 * update), optionally pauses, then aborts and measures how long the call
 * takes to settle. The signal is aborted in every case, so a failing scenario
 * leaves no call running in the background.
 */
async function abortMidway(call, ready, what, pauseMs = 0) {
  const controller = new AbortController();
  const settled = call(controller.signal).then(
    (value) => ({ value }),
    (error) => ({ error }),
  );
  let t0;
  try {
    await waitFor(ready, 3000, what);
    if (pauseMs) await sleep(pauseMs);
  } finally {
    t0 = Date.now();
    controller.abort();
  }
  const outcome = await settled;
  const elapsed = Date.now() - t0;
  if (!("error" in outcome)) assert.fail(`the call resolved despite the abort: ${assert.show(outcome.value)}`);
  return { error: outcome.error, elapsed };
}

scenario("abort during a poll wait rejects aborted within 300 ms", {}, async (ctx) => {
  const { job_id } = await submitOk(ctx);
  const updates = [];
  const { error, elapsed } = await abortMidway(
    (signal) => pollJob(job_id, { ...ctx.options, intervalMs: 5000, signal, onUpdate: (j) => updates.push(j.status) }),
    () => updates.length === 1,
    "the first read",
    100,
  );
  checkError(ctx, error, { code: "aborted" });
  assert.atMost(elapsed, 300, "ms from abort() to the rejection");
  await sleep(200);
  assert.equal(reads(await mockLog(ctx)).length, 1, "no read after the abort");
});

scenario("abort during a read's Retry-After wait rejects aborted at once", { httpErrors: true }, async (ctx) => {
  const { job_id } = await submitOk(ctx);
  await addFaults(ctx, { method: "GET", path: JOBS_PATH, status: 503, headers: { "retry-after": "20" } });
  const { error, elapsed } = await abortMidway(
    (signal) => getJob(job_id, { ...ctx.options, signal }),
    async () => reads(await mockLog(ctx))[0]?.outcome === 503,
    "the 503",
    50,
  );
  checkError(ctx, error, { code: "aborted" });
  assert.atMost(elapsed, 300, "ms from abort() to the rejection");
  assert.equal(reads(await mockLog(ctx)).length, 1, "no retry after the abort");
});

scenario("abort during a submit's retry wait: aborted, maybeSubmitted false", { httpErrors: true }, async (ctx) => {
  await addFaults(ctx, { method: "POST", path: SUBMIT_PATH, status: 429, headers: { "retry-after": "20" } });
  const { error, elapsed } = await abortMidway(
    (signal) => extendVideo({ video_id: "vid_abort" }, { ...ctx.options, signal }),
    async () => posts(await mockLog(ctx))[0]?.outcome === 429,
    "the 429",
    // The mock logs the 429 as it sends it: an abort before the client has
    // read it would be one in flight (maybeSubmitted true).
    100,
  );
  checkError(ctx, error, { code: "aborted", maybeSubmitted: false });
  assert.atMost(elapsed, 300, "ms from abort() to the rejection");
  assert.equal(posts(await mockLog(ctx)).length, 1, "POSTs");
});

scenario("abort while a submit is in flight: aborted, maybeSubmitted true", { httpErrors: true }, async (ctx) => {
  await addFaults(ctx, { method: "POST", path: SUBMIT_PATH, delayMs: 3000 });
  const { error, elapsed } = await abortMidway(
    (signal) => extendVideo({ video_id: "vid_abort" }, { ...ctx.options, signal }),
    async () => posts(await mockLog(ctx)).length === 1,
    "the POST to arrive",
  );
  checkError(ctx, error, { code: "aborted", maybeSubmitted: true });
  assert.atMost(elapsed, 300, "ms from abort() to the rejection");
  await sleep(100);
  assert.equal((await mockJobs(ctx)).length, 0, "the mock created no job (the client left during the delay)");
});

scenario("AbortSignal.timeout() as the signal ends a slow call with aborted", { httpErrors: true }, async (ctx) => {
  const { job_id } = await submitOk(ctx);
  await addFaults(ctx, { method: "GET", path: JOBS_PATH, delayMs: 3000 });
  const start = Date.now();
  await expectRejection(ctx, () => getJob(job_id, { ...ctx.options, signal: AbortSignal.timeout(200) }), {
    code: "aborted",
  });
  assert.between(Date.now() - start, 190, 1000, "rejects when the signal fires");
  await sleep(400);
  assert.equal(reads(await mockLog(ctx)).length, 1, "no retry after the signal fired");
});

scenario("an already-aborted signal sends nothing (and so nothing may have been submitted)", {}, async (ctx) => {
  const controller = new AbortController();
  controller.abort();
  const options = { ...ctx.options, signal: controller.signal };
  await expectRejection(ctx, () => getJob("job_x", options), { code: "aborted" });
  await expectRejection(ctx, () => pollJob("job_x", options), { code: "aborted" });
  await expectNothingSent(ctx, "calls with an aborted signal");
  // Nothing left this client, so the service cannot have accepted anything.
  await expectRejection(ctx, () => extendVideo({ video_id: "vid_never" }, options), {
    code: "aborted",
    maybeSubmitted: false,
  });
  await expectNothingSent(ctx, "a submit with an aborted signal");
});

// --- options

scenario("extra headers reach the mock and cannot replace the key", {}, async (ctx) => {
  const options = {
    ...ctx.options,
    headers: { "x-trace-id": "trace-42", "X-Custom-Flag": "yes", "X-API-Key": "spoofed-key" },
  };
  const { job_id } = await submitOk(ctx, { video_id: "vid_hdr" }, options);
  await getJob(job_id, options); // the mock requires the real key: both calls succeed
  const log = await mockLog(ctx);
  assert.equal(log.length, 2, "requests");
  for (const entry of log) {
    assert.equal(entry.headers["x-trace-id"], "trace-42", `${entry.method}: x-trace-id`);
    assert.equal(entry.headers["x-custom-flag"], "yes", `${entry.method}: x-custom-flag`);
    assert.equal(entry.outcome, entry.method === "POST" ? 202 : 200, `${entry.method}: outcome`);
  }
});

scenario("a baseUrl with a trailing slash gives the same paths", {}, async (ctx) => {
  const options = { ...ctx.options, baseUrl: `${ctx.mockUrl}/` };
  const { job_id } = await submitOk(ctx, { video_id: "vid_slash" }, options);
  await getJob(job_id, options);
  const log = await mockLog(ctx);
  assert.deepEqual(log.map((e) => e.path), [SUBMIT_PATH, `${JOBS_PATH}${job_id}`], "paths the mock saw");
});

scenario("a custom fetch is used for every attempt", { httpErrors: true }, async (ctx) => {
  const calls = [];
  const countingFetch = (input, init) => {
    calls.push({ url: String(input instanceof Request ? input.url : input), method: init?.method ?? "GET" });
    return globalThis.fetch(input, init);
  };
  const options = { ...ctx.options, fetch: countingFetch };
  const { job_id } = await submitOk(ctx, { video_id: "vid_fetch" }, options);
  await addFaults(ctx, { method: "GET", path: JOBS_PATH, status: 503, headers: { "retry-after": "0" } });
  await getJob(job_id, options);
  const job = await pollJob(job_id, { ...options, intervalMs: 50 });
  assert.equal(job.status, "succeeded", "job status");
  const log = await mockLog(ctx);
  assert.equal(calls.length, log.length, "every request the mock saw went through the custom fetch");
  assert.deepEqual(calls[0], { url: `${ctx.mockUrl}${SUBMIT_PATH}`, method: "POST" }, "first call");
  assert.deepEqual(calls[1], { url: `${ctx.mockUrl}${JOBS_PATH}${job_id}`, method: "GET" }, "second call");
  assert.equal(calls.length, 5, "POST + 503 + retry + 2 polls");
});

scenario("createClient binds options; per-call options override them", { httpErrors: true }, async (ctx) => {
  const client = createClient({ ...ctx.options, headers: { "x-client": "bound" }, intervalMs: 50 });
  for (const name of ["extendVideo", "getJob", "pollJob"]) assert.equal(typeof client[name], "function", `client.${name}`);
  const { job_id } = await client.extendVideo({ video_id: "vid_client" });
  const start = Date.now();
  const job = await client.pollJob(job_id, { headers: { "x-call": "own" } });
  assert.equal(job.status, "succeeded", "job status");
  assert.atMost(Date.now() - start, 2000, "the bound intervalMs 50 is used (default would be 1 s + 1.5 s)");
  const log = await mockLog(ctx);
  for (const entry of log) assert.equal(entry.headers["x-client"], "bound", `${entry.method}: bound header`);
  for (const entry of reads(log)) assert.equal(entry.headers["x-call"], "own", "per-call header merged in");

  await expectRejection(ctx, () => client.getJob(job_id, { apiKey: WRONG_KEY }), { code: "unauthorized", status: 401 }, [WRONG_KEY]);
  await addFaults(ctx, { method: "GET", path: JOBS_PATH, status: 503, headers: { "retry-after": "0" }, times: 3 });
  const before = reads(await mockLog(ctx)).length;
  await expectRejection(ctx, () => client.getJob(job_id, { maxRetries: 0 }), { code: "server_error", status: 503 });
  assert.equal(reads(await mockLog(ctx)).length - before, 1, "per-call maxRetries 0: one attempt");
  const other = createClient({ baseUrl: ctx.mockUrl });
  await expectRejection(ctx, () => other.getJob(job_id), { code: "unauthorized" });

  // Options are checked when the client is made; a call's own data, laid over them, when it is called.
  const sent = (await mockLog(ctx)).length;
  const typo = expectThrow(ctx, () => createClient({ ...ctx.options, apikey: "k" }), { code: "invalid_request", field: "apikey" });
  assert.equal(typo.message, "apikey is not a known option; did you mean apiKey?");
  expectThrow(ctx, () => createClient({ ...ctx.options, intervalMs: -1 }), { code: "invalid_request", field: "intervalMs" });
  await expectRejection(ctx, () => client.getJob(job_id, { timeoutMs: "soon" }), { code: "invalid_request", field: "timeoutMs" });
  await expectRejection(ctx, () => client.getJob(job_id, { headers: { connection: "close" } }), { code: "invalid_request", field: "headers.connection" });
  assert.equal((await mockLog(ctx)).length, sent, "nothing was sent for options refused");
  assert.equal((await client.getJob(job_id)).id, job_id, "the client still works after a call's own options were refused");

  // What a client was made with is fixed: its headers changed later change nothing, with a call's own options or not.
  const headers = { "x-fixed": "made" };
  const fixed = createClient({ ...ctx.options, headers });
  headers["x-fixed"] = "changed";
  const mark = (await mockLog(ctx)).length;
  await fixed.getJob(job_id);
  await fixed.getJob(job_id, { timeoutMs: 5000 });
  // A call's header replaces the client's of the same name, in any case.
  await fixed.getJob(job_id, { headers: { "X-FIXED": "call" } });
  const fixedHeaders = (await mockLog(ctx)).slice(mark).map((entry) => entry.headers["x-fixed"]);
  assert.deepEqual(fixedHeaders, ["made", "made", "call"], "the headers each call sent");
  // A misspelt hook is named with the one it was meant as.
  const hook = await expectRejection(ctx, () => fixed.getJob(job_id, { onUpdat: () => {} }), { code: "invalid_request", field: "onUpdat" });
  assert.equal(hook.message, "onUpdat is not a known option; did you mean onUpdate?");
});

// --- cost

scenario("quote: Trinetra per-second prices", {}, async (ctx) => {
  const q = quote({ seconds: 10, resolution: "720p" });
  assert.equal(q.credits, 190, "credits");
  assert.equal(q.inr, 190, "inr");
  assert.equal(q.formatted, "₹190.00", "formatted");
  assert.equal(q.billedSeconds, 10, "billedSeconds");
  assert.equal(q.perSecond, 19, "perSecond");
  assert.equal(q.provider, "trinetra", "provider");
  const hd = quote({ seconds: 10.2, resolution: "1080p" });
  assert.deepEqual([hd.credits, hd.billedSeconds, hd.perSecond], [330, 11, 30], "1080p, seconds rounded up");
  assert.equal(quote({ seconds: 10 }).credits, 190, "720p is the default");
  const discounted = quote({ seconds: 7, discountPercent: 12.5 });
  assert.deepEqual([discounted.listCredits, discounted.credits, discounted.formatted], [133, 116.38, "₹116.38"], "discount");
  assert.equal(quote({ seconds: 61728, rates: { "720p": 2 } }).formatted, "₹1,23,456.00", "Indian digit grouping");
  assert.equal(quote({ seconds: 3, rates: { "720p": 0.1 } }).credits, 0.3, "negotiated rate, exact");
  await expectNothingSent(ctx, "quote");
});

scenario("quote: Kling bills its own units per 5-second step, and money only at the caller's unit price", {}, async () => {
  const std = quote({ provider: "kling", seconds: 5 });
  assert.deepEqual([std.credits, std.steps, std.units, std.perStep, std.mode], [10, 1, 1, 10, "standard"], "standard 5 s");
  for (const rupees of ["inr", "formatted", "price"]) assert.ok(!(rupees in std), `no ${rupees} without a unit price`);
  const pro = quote({ provider: "kling", mode: "pro", seconds: 6 });
  assert.deepEqual([pro.credits, pro.steps, pro.units, pro.billedSeconds, pro.mode], [70, 2, 7, 10, "professional"], "pro 6 s");
  const usd = quote({ provider: "kling", mode: "professional", seconds: 5, unitPrice: { amount: 0.14, currency: "USD" } });
  assert.deepEqual(usd.price, { amount: 0.49, currency: "USD", formatted: "USD 0.49" }, "3.5 units at US$0.14");
  const batch = quote({ seconds: 123456 });
  assert.deepEqual([batch.credits, batch.formatted], [2345664, "₹23,45,664.00"], "a 123,456-second budget");
});

scenario("quoteChain: ranges and steps", {}, async () => {
  const c = quoteChain({ sourceSeconds: 5, extensions: 2 });
  assert.equal(c.basis, "output", "Trinetra bills the whole output by default");
  assert.equal(c.steps.length, 2, "one step per extension");
  assert.deepEqual(c.steps.map((s) => s.index), [1, 2], "step indexes");
  assert.deepEqual(c.outputSeconds, { min: 13, max: 15 }, "outputSeconds");
  assert.deepEqual([c.min.credits, c.max.credits], [19 * (9 + 13), 19 * (10 + 15)], "min/max credits");
  const added = quoteChain({ sourceSeconds: 5, extensions: 2, basis: "added" });
  assert.deepEqual([added.min.credits, added.max.credits], [152, 190], "basis added");
  const kling = quoteChain({ provider: "kling", sourceSeconds: 5, extensions: 3 });
  assert.equal(kling.basis, "added", "Kling bills the added seconds");
  assert.deepEqual([kling.min.credits, kling.max.credits], [30, 30], "Kling chain credits");
  assert.deepEqual(kling.outputSeconds, { min: 17, max: 20 }, "Kling chain output seconds");
});

scenario("quote and quoteChain: invalid input throws invalid_request synchronously", {}, async (ctx) => {
  const cases = [
    [() => quote({}), "seconds"],
    [() => quote({ seconds: -1 }), "seconds"],
    [() => quote({ seconds: NaN }), "seconds"],
    [() => quote({ seconds: Infinity }), "seconds"],
    [() => quote({ seconds: "5" }), "seconds"],
    [() => quote({ seconds: 5, resolution: "4k" }), "resolution"],
    [() => quote({ seconds: 5, provider: "kling", mode: "turbo" }), "mode"],
    [() => quote({ seconds: 5, provider: "openai" }), "provider"],
    [() => quote({ seconds: 5, discountPercent: 101 }), "discountPercent"],
    [() => quote({ seconds: 5, rates: { "720p": -2 } }), "rates.720p"],
    [() => quoteChain({ sourceSeconds: 5 }), "extensions"],
    [() => quoteChain({ sourceSeconds: -5, extensions: 1 }), "sourceSeconds"],
    [() => quoteChain({ sourceSeconds: 5, extensions: 1, basis: "input" }), "basis"],
  ];
  for (const [fn, field] of cases) expectThrow(ctx, fn, { code: "invalid_request", field, retryable: false });
});
