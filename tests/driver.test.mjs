// The driver (src/js/lib/driver.js) in seconds: the library's source run on
// the built server wasm (bash scripts/build.sh makes pkg/), so an edit of the
// JS is tested without a rebuild while every schedule is the real core's.
// Calls go through the public API with its `fetch` option, on node:test's
// fake timers (performance.now() follows the fake Date). The core's build is
// bound through a copy whose functions a test may wrap: that is how a trap
// and a renamed hook are made, and how every event the driver sends is
// checked against the core's names (src/js/lib/contract.js).
import { afterEach, beforeEach, mock, test } from "node:test";
import assert from "node:assert/strict";
import bytes from "../pkg/server/kling_extend_bg.wasm.js";
import * as server from "../pkg/server/kling_extend.js";
import { EVENTS } from "../src/js/lib/contract.js";
import { bind } from "../src/js/lib/wasm.js";
import { createClient } from "../src/js/lib/api.js";

server.initSync({ module: bytes });
const core = { ...server };
bind(core, undefined, () => null);

const BASE = "https://gateway.test";
const JOB = { id: "job_1", status: "running" };

let sent;
beforeEach(() => {
  mock.timers.enable({ apis: ["setTimeout", "Date"], now: 1_000_000 });
  mock.method(performance, "now", () => Date.now());
  sent = [];
  core.taskResponse = server.taskResponse;
  core.taskEvent = (task, name, ...rest) => {
    assert.ok(EVENTS.includes(name), `the driver sent the event ${name}, which the core does not know`);
    sent.push(name);
    return server.taskEvent(task, name, ...rest);
  };
});
afterEach(() => {
  mock.timers.reset();
  mock.restoreAll();
});

/** A client whose fetch answers each request with the next of `answers` (a function of the request's init). */
function client(answers, options = {}) {
  const requests = [];
  const fetch = async (url, init) => {
    requests.push({ url, init, at: Date.now() });
    return answers[requests.length - 1](init);
  };
  return { requests, client: createClient({ baseUrl: BASE, apiKey: "sk_test", fetch, ...options }) };
}

const json = (status, body, headers = {}) => () => Response.json(body, { status, headers });
/** An answer that never comes, whatever the request's signal does. */
const never = () => new Promise(() => {});

/** Lets the driver run until it waits on a timer or a fetch. */
async function settle() {
  for (let i = 0; i < 20; i += 1) await new Promise((resolve) => setImmediate(resolve));
}

/** `promise`'s rejection, once it settles. */
const rejection = (promise) => promise.then(() => assert.fail("the call resolved"), (error) => error);

test("driver: failed attempts are retried on the core's schedule (Retry-After obeyed)", async () => {
  const busy = json(503, { error: "busy" }, { "retry-after": "1" });
  const { requests, client: c } = client([busy, busy, json(200, JOB)], { maxRetries: 2 });
  const call = c.getJob("job_1");
  await settle();
  assert.equal(requests.length, 1);
  mock.timers.tick(999);
  await settle();
  assert.equal(requests.length, 1, "no retry before Retry-After");
  mock.timers.tick(1);
  await settle();
  assert.equal(requests.length, 2);
  mock.timers.tick(1000);
  await settle();
  assert.equal((await call).id, "job_1");
  assert.deepEqual(requests.map((r) => r.at - requests[0].at), [0, 1000, 2000]);
  assert.deepEqual(sent, ["waited", "waited"]);
});

test("driver: an attempt outliving timeoutMs is cut and reported as timedOut", async () => {
  const { requests, client: c } = client([never], { timeoutMs: 5000, maxRetries: 0 });
  const call = rejection(c.getJob("job_1"));
  await settle();
  mock.timers.tick(4999);
  await settle();
  assert.deepEqual(sent, [], "not cut before timeoutMs");
  mock.timers.tick(1);
  const error = await call;
  assert.equal(error.code, "timeout");
  assert.equal(requests[0].init.signal.aborted, true, "the attempt's own signal fired");
  assert.deepEqual(sent, ["timedOut"]);
});

test("driver: an abort mid-flight ends the call at once with the signal's reason", async () => {
  const stop = new AbortController();
  const { client: c } = client([never], { signal: stop.signal });
  const call = rejection(c.getJob("job_1"));
  await settle();
  const reason = new Error("the user left");
  stop.abort(reason);
  const error = await call;
  assert.equal(error.code, "aborted");
  assert.equal(error.cause, reason);
  assert.deepEqual(sent, ["aborted"]);
});

test("driver: an abort during a wait ends it without another attempt", async () => {
  const stop = new AbortController();
  const busy = json(503, { error: "busy" }, { "retry-after": "5" });
  const { requests, client: c } = client([busy, json(200, JOB)], { signal: stop.signal });
  const call = rejection(c.getJob("job_1"));
  await settle();
  mock.timers.tick(1000);
  stop.abort();
  const error = await call;
  assert.equal(error.code, "aborted");
  assert.equal(requests.length, 1);
  assert.deepEqual(sent, ["aborted"]);
});

test("driver: a hook that throws ends the call as aborted, its error the cause, the job named", async () => {
  const thrown = new Error("the store is down");
  const { client: c } = client([json(200, JOB)]);
  const error = await rejection(
    c.pollJob("job_1", {
      onUpdate: () => {
        throw thrown;
      },
    }),
  );
  assert.equal(error.code, "aborted");
  assert.equal(error.cause, thrown);
  assert.match(error.message, /onUpdate hook threw.*\(job job_1\)/);
  assert.equal(error.job.id, "job_1");
  assert.deepEqual(sent, ["end"], "its machine dropped");
});

test("driver: a hook that never settles holds the call only until waitTimeoutMs", async () => {
  const { client: c } = client([json(200, JOB)]);
  const call = rejection(c.pollJob("job_1", { waitTimeoutMs: 3000, onUpdate: never }));
  await settle();
  mock.timers.tick(2999);
  await settle();
  mock.timers.tick(1);
  const error = await call;
  assert.equal(error.code, "timeout");
  assert.match(error.message, /the onUpdate hook did not settle within waitTimeoutMs/);
});

test("driver: an update naming a hook it does not know is refused as internal_error naming it", async () => {
  core.taskResponse = (...args) => server.taskResponse(...args).replace('"onUpdate"', '"onRenamed"');
  const onUpdate = mock.fn();
  const { client: c } = client([json(200, JOB)]);
  const error = await rejection(c.pollJob("job_1", { onUpdate }));
  assert.equal(error.code, "internal_error");
  assert.match(error.message, /named the onRenamed hook, which is unknown/);
  assert.equal(onUpdate.mock.callCount(), 0);
  assert.deepEqual(sent, ["end"]);
});

test("driver: a trap after a submit was accepted is internal_error with the job; the restarted core serves the next call", async () => {
  let reads = 0;
  core.taskResponse = (...args) => {
    if (args[3].length && ++reads === 2) throw new WebAssembly.RuntimeError("unreachable");
    return server.taskResponse(...args);
  };
  const accepted = json(202, { job_id: "job_7", status: "queued" });
  const { requests, client: c } = client([accepted, json(200, { id: "job_7", status: "running" }), json(200, JOB)]);
  const call = rejection(c.run({ video_id: "vid_1", prompt: "on" }));
  await settle();
  mock.timers.tick(10_000);
  const error = await call;
  assert.equal(error.code, "internal_error");
  assert.equal(error.job.id, "job_7");
  assert.match(error.message, /the job job_7 was accepted/);
  assert.ok(error.cause instanceof WebAssembly.RuntimeError);
  assert.equal(requests.length, 2);
  assert.equal((await c.getJob("job_1")).id, "job_1");
});
