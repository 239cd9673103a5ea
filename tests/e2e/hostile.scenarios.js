// Scenarios against a hostile service (hostile-server.mjs, reached through
// ctx.hostile = { url, otherUrl, rawUrl }): redirects, endless and huge
// bodies, slow answers, impossible statuses, garbage, deep nesting, costly
// numbers, a service echoing the key, requests that can never leave. Each
// asserts the error, what reached the server, the time taken where it
// matters, and that the next call works. Runtime-neutral, like every
// scenario file (see support.js).
import { createClient, extendVideo, getJob, KlingExtendError, pollJob } from "kling-extend";
import * as assert from "./assert.js";
import { checkError, expectRejection, isBrowser, scenario, submitOk, waitFor } from "./support.js";

const MIB = 2 ** 20;

/** Options that send the client to a hostile route. */
const at = (ctx, route, extra = {}) => ({ ...ctx.options, baseUrl: `${ctx.hostile.url}/${route}`, maxRetries: 0, ...extra });

async function hostileLog(ctx) {
  const res = await fetch(`${ctx.hostile.url}/__hostile/log`);
  return res.json();
}

/** A hostile scenario: the hostile server's log is cleared first (the mock is reset by scenario()). */
function hostile(name, body) {
  scenario(`hostile: ${name}`, { httpErrors: true }, async (ctx) => {
    await fetch(`${ctx.hostile.url}/__hostile/reset`, { method: "POST" });
    await body(ctx);
  });
}

/** After a hostile answer, the package still works: a submit to the mock and a read of a sane service. */
async function nextCallWorks(ctx) {
  await submitOk(ctx);
  const job = await getJob("job_after", at(ctx, "ok"));
  assert.equal(job.status, "succeeded", "the next read of a sane service");
  assert.equal(job.id, "job_after", "the next read's job");
}

/** `fn()`'s rejection and how long it took. */
async function timed(fn) {
  const started = Date.now();
  const err = await assert.rejects(fn, "expected a rejection");
  return { err, ms: Date.now() - started };
}

const requests = (log) => log.map((e) => `${e.method} ${e.path}`);

hostile("a redirect to the same origin is not followed: bad_response, one request, nothing sent to its target", async (ctx) => {
  const err = await expectRejection(ctx, () => getJob("job_r", at(ctx, "redirect-307-same")), {
    code: "bad_response",
    retryable: false,
    // A page sees an opaque redirect, without its status.
    status: isBrowser(ctx) ? undefined : 307,
    message: /redirect/,
  });
  assert.equal(err.maybeSubmitted, undefined, "a read is never maybeSubmitted");
  const { main } = await hostileLog(ctx);
  assert.deepEqual(requests(main), ["GET /redirect-307-same/v1/jobs/job_r"], "only the first request reached the service");
  await nextCallWorks(ctx);
});

hostile("redirects to another origin (301, 302, 303, 307, 308) are never followed: the other origin receives nothing", async (ctx) => {
  for (const status of [301, 302, 303, 307, 308]) {
    const route = `redirect-${status}-other`;
    await expectRejection(ctx, () => extendVideo({ video_id: "vid_r" }, at(ctx, route)), { code: "bad_response", retryable: false });
    await expectRejection(ctx, () => getJob("job_r", at(ctx, route)), { code: "bad_response", retryable: false });
  }
  const { main, other } = await hostileLog(ctx);
  assert.deepEqual(other, [], "nothing reached the other origin (no X-API-Key, no request at all)");
  assert.equal(main.length, 10, `one request per call: ${requests(main).join(", ")}`);
  await nextCallWorks(ctx);
});

hostile("a 200 MB body is cut off at maxResponseBytes, unread, and the service stops sending", async (ctx) => {
  const { err, ms } = await timed(() => getJob("job_h", at(ctx, "huge")));
  checkError(ctx, err, { code: "bad_response", retryable: false, message: /maxResponseBytes \(8388608 bytes\)/ });
  console.log(`hostile (${ctx.runtime}): a 200 MB body refused after ${ms} ms`);
  assert.ok(ms < 15_000, `refused in ${ms} ms`);
  const [entry] = await waitFor(async () => {
    const { main } = await hostileLog(ctx);
    return main[0]?.closed && main;
  }, 10_000, "the client to close the huge answer");
  assert.ok(entry.sent < 100 * MIB, `the service could send only ${entry.sent} of 200 MB before the client went away`);

  const small = await assert.rejects(() => getJob("job_h", at(ctx, "huge", { maxResponseBytes: 65_536 })), "a smaller limit");
  checkError(ctx, small, { code: "bad_response", message: /maxResponseBytes \(65536 bytes\)/ });
  await nextCallWorks(ctx);
});

hostile("a declared content-length over the limit is refused before the body is read", async (ctx) => {
  const { err, ms } = await timed(() => getJob("job_d", at(ctx, "huge-declared")));
  checkError(ctx, err, { code: "bad_response", retryable: false, message: /maxResponseBytes/ });
  console.log(`hostile (${ctx.runtime}): a declared 10 GiB body refused after ${ms} ms`);
  // The service holds the body for 10 s: only a refusal before reading is this quick.
  assert.ok(ms < 5_000, `refused in ${ms} ms`);
  assert.equal((await hostileLog(ctx)).main.length, 1, "one request");
  await nextCallWorks(ctx);
});

hostile("slow headers and a slow body each end at timeoutMs per attempt, with the fetch error as cause", async (ctx) => {
  for (const route of ["slow-headers", "slow-body"]) {
    const { err, ms } = await timed(() => getJob("job_s", at(ctx, route, { timeoutMs: 300, maxRetries: 1 })));
    checkError(ctx, err, { code: "timeout", retryable: true });
    assert.ok(err.cause !== undefined, `${route}: the timeout carries the fetch error as cause`);
    // Two attempts of 300 ms and a backoff of 250–500 ms; the service would take 10 s.
    assert.ok(ms >= 550 && ms < 5_000, `${route}: ended after ${ms} ms`);
  }
  const { main } = await hostileLog(ctx);
  assert.deepEqual(requests(main), [
    "GET /slow-headers/v1/jobs/job_s", "GET /slow-headers/v1/jobs/job_s",
    "GET /slow-body/v1/jobs/job_s", "GET /slow-body/v1/jobs/job_s",
  ]);
  // Each attempt was aborted, not left to run: the service saw every request closed, long before its 10 s.
  await waitFor(async () => (await hostileLog(ctx)).main.every((e) => e.closed), 3_000, "every timed-out request to be closed");
  await nextCallWorks(ctx);
});

hostile("a chunked body declaring a short content-length is still cut at maxResponseBytes, or refused", async (ctx) => {
  // Some runtimes follow transfer-encoding past the declared length (workerd), others refuse both headers (Node).
  const options = { ...ctx.options, baseUrl: `${ctx.hostile.rawUrl}/chunked-past`, maxRetries: 0, maxResponseBytes: 65_536 };
  const err = await assert.rejects(() => getJob("job_c", options), "a body past its declared length");
  assert.ok(["bad_response", "network_error"].includes(err.code), assert.show(err));
  if (err.code === "bad_response") assert.match(err.message, /maxResponseBytes \(65536 bytes\)/);
  // Not read whole: the client went away long before the service's 64 MiB were sent.
  const [entry] = (await hostileLog(ctx)).raw;
  assert.ok(entry.sent < 32 * MIB, `the service could send ${entry.sent} bytes of 64 MiB`);
  await nextCallWorks(ctx);
});

hostile("statuses 600–999 written by a raw server are bad_response, never retried", async (ctx) => {
  for (const status of [600, 799, 999]) {
    const options = { ...ctx.options, baseUrl: `${ctx.hostile.rawUrl}/status/${status}`, maxRetries: 2 };
    await expectRejection(ctx, () => getJob("job_x", options), { code: "bad_response", retryable: false });
  }
  const { raw } = await hostileLog(ctx);
  assert.equal(raw.length, 3, `one request per status: ${requests(raw).join(", ")}`);
  await nextCallWorks(ctx);
});

hostile("an HTML page and binary bytes instead of JSON are bad_response", async (ctx) => {
  await expectRejection(ctx, () => getJob("job_g", at(ctx, "html")), { code: "bad_response", status: 200, message: /HTML page/ });
  await expectRejection(ctx, () => getJob("job_g", at(ctx, "binary")), { code: "bad_response", status: 200, message: /not valid JSON/ });
  await expectRejection(ctx, () => extendVideo({ video_id: "vid_g" }, at(ctx, "html")), { code: "bad_response", maybeSubmitted: true });
  await nextCallWorks(ctx);
});

hostile("JSON nested 100,000 deep is refused at once, without exhausting any stack", async (ctx) => {
  const { err, ms } = await timed(() => getJob("job_n", at(ctx, "nested")));
  checkError(ctx, err, { code: "bad_response", status: 200 });
  console.log(`hostile (${ctx.runtime}): 100,000-deep JSON refused in ${ms} ms`);
  assert.ok(ms < 1_000, `refused in ${ms} ms`);
  await nextCallWorks(ctx);
});

hostile("64 KB of numbers like 1e-300 is read in a few ms", async (ctx) => {
  const started = Date.now();
  const job = await getJob("job_numbers", at(ctx, "numbers"));
  const ms = Date.now() - started;
  console.log(`hostile (${ctx.runtime}): 64 KB of 1e-300 read in ${ms} ms`);
  assert.ok(ms < 1_000, `read in ${ms} ms`);
  assert.equal(job.status, "running");
  assert.equal(job.raw.samples.length, Math.ceil(65_536 / 7));
  assert.equal(job.raw.samples[0], 1e-300);
  await nextCallWorks(ctx);
});

hostile("a service that echoes the key in its bodies and headers: no result or error carries it", async (ctx) => {
  const secrets = [ctx.apiKey];
  const job = await getJob("job_e", at(ctx, "echo"));
  assert.equal(job.status, "failed");
  assert.notIncludes(JSON.stringify(job), ctx.apiKey, "the job (raw, error) carries the key");
  const failed = await expectRejection(ctx, () => pollJob("job_e", at(ctx, "echo", { intervalMs: 10 })), { code: "job_failed" }, secrets);
  assert.notIncludes(JSON.stringify(failed.job), ctx.apiKey, "err.job carries the key");
  const refused = await expectRejection(ctx, () => extendVideo({ video_id: "vid_e" }, at(ctx, "echo")), { code: "invalid_request", status: 400 }, secrets);
  for (const value of [refused.requestId, refused.field]) assert.notIncludes(String(value), ctx.apiKey, "requestId / field carries the key");
  await nextCallWorks(ctx);
});

hostile("Retry-After: 0 does not shorten the backoff", async (ctx) => {
  await expectRejection(ctx, () => getJob("job_ra", at(ctx, "retry-after-zero", { maxRetries: 2 })), { code: "server_error", status: 503 });
  const { main } = await hostileLog(ctx);
  assert.equal(main.length, 3, "three attempts");
  const gaps = main.slice(1).map((e, i) => e.at - main[i].at);
  // Backoff waits at least 250 ms, then 500 ms (half fixed, half jitter).
  assert.ok(gaps[0] >= 240 && gaps[1] >= 490, `gaps ${gaps.join(", ")} ms`);
  await nextCallWorks(ctx);
});

hostile("a job document for another id is bad_response", async (ctx) => {
  await expectRejection(ctx, () => getJob("job_mine", at(ctx, "mismatch")), { code: "bad_response", status: 200 });
  await nextCallWorks(ctx);
});

hostile("a URL or a header value fetch would refuse is invalid_request by field, before any request", async (ctx) => {
  const cases = [
    [{ ...ctx.options, baseUrl: "http://127.0.0.1:99999", maxRetries: 2 }, "baseUrl"],
    [{ ...at(ctx, "ok"), headers: { "x-note": "✓" }, maxRetries: 2 }, "headers.x-note"],
    [{ ...at(ctx, "ok"), headers: { connection: "close" } }, "headers.connection"],
  ];
  for (const [options, field] of cases) {
    await expectRejection(ctx, () => extendVideo({ video_id: "vid_ns" }, options), { code: "invalid_request", field, retryable: false });
  }
  assert.deepEqual((await hostileLog(ctx)).main, [], "nothing reached the service");
  await nextCallWorks(ctx);
});

hostile("KlingExtendError keeps its name in the shipped build; bad options are invalid_request", async (ctx) => {
  assert.equal(KlingExtendError.name, "KlingExtendError", "KlingExtendError.name");
  const err = assert.throws(() => createClient(42), "createClient(42)");
  checkError(ctx, err, { code: "invalid_request", field: "options" });
  assert.equal(err.constructor.name, "KlingExtendError", "err.constructor.name");
  await expectRejection(ctx, () => createClient({ baseUrl: ctx.mockUrl }).getJob("job_x", 42), { code: "invalid_request", field: "options" });
  // A class instance has no members of its own to send: refused, not sent as {}.
  const headers = await expectRejection(ctx, () => getJob("job_x", { ...ctx.options, headers: new Headers({ "x-a": "b" }) }), { code: "invalid_request", field: "headers" });
  assert.match(headers.message, /^headers must be a plain object of names and values, not a Headers$/);
  // A getter that throws is the caller's options that could not be read, its throw the cause.
  const thrown = new Error("getter");
  const reading = { ...ctx.options, get timeoutMs() { throw thrown; } };
  const unreadable = await expectRejection(ctx, () => getJob("job_x", reading), { code: "invalid_request", field: "options" });
  assert.equal(unreadable.cause, thrown, "the getter's throw is the cause");

  await expectRejection(ctx, () => getJob("job_x", { ...ctx.options, dangerouslyAllowBrowser: "yes" }), {
    code: "invalid_request",
    field: "dangerouslyAllowBrowser",
  });
  const wrapped = new KlingExtendError({ code: "network_error", message: "m", retryable: true }, new Error("root"));
  assert.equal(wrapped.cause?.message, "root", "the cause option");
  await nextCallWorks(ctx);
});
