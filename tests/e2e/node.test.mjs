// The e2e scenarios in Node (ESM), with kling-extend installed from its
// tarball and resolved through `exports` (the "node" condition).
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { createServer } from "node:http";
import { promisify } from "node:util";
import { inspect, format } from "node:util";
import { API_KEY, closeAll, createConsumer, fillWasmMemory, importFrom, scenarioContext, startInstalledMock, wasmMemory } from "./consumer.mjs";
import { startHostile } from "./hostile-server.mjs";

/** What the Node entry reads from the environment: unset, so the scenarios do not depend on the machine. */
const VARIABLES = ["TRINETRA_API_KEY", "KLING_API_KEY", "KLING_ACCESS_KEY", "KLING_SECRET_KEY", "KLING_EXTEND_LOG"];
for (const name of VARIABLES) delete process.env[name];

const consumer = await createConsumer({ name: "node" });
let mock;
let hostile;
try {
  mock = await startInstalledMock(consumer);
  hostile = await startHostile();
} catch (err) {
  await closeAll([() => mock?.close(), () => consumer.cleanup()]);
  throw err;
}
after(() => closeAll([() => hostile.close(), () => mock.close(), () => consumer.cleanup()]));
const { scenarios } = await importFrom(consumer, "scenarios.js");
const pkg = await importFrom(consumer, "package-entry.mjs");
const ctx = scenarioContext(mock, "node", hostile);

test("node: the tarball holds the package files and kling-extend resolves to node.js", () => {
  const builds = ["web/kling_extend_bg.wasm", "web/kling_extend_bg.wasm.js", "server/kling_extend_bg.wasm", "server/kling_extend_bg.wasm.js", "server/kling_extend.js"];
  const lib = ["api", "body", "boundary", "driver", "error", "load", "proxy", "server", "server-build", "server-inline", "signature", "wasm", "webhook"];
  for (const file of ["package.json", "index.js", "node.js", "workerd.js", "inline.js", "node-adapter.js", "node-adapter.d.ts", "workflows.js", "workflows.d.ts", "index.d.ts", ...builds, ...lib.map((m) => `lib/${m}.js`), "mock/index.js"]) {
    assert.ok(consumer.packedFiles.includes(file), `${file} is in the tarball (${consumer.packedFiles.join(", ")})`);
  }
  assert.ok(!consumer.packedFiles.some((f) => f.startsWith("src/") || f.endsWith(".rs")), "no sources in the tarball");
  assert.match(pkg.resolved, /\/node_modules\/kling-extend\/node\.js$/);
});

for (const scenario of scenarios) {
  test(`node: ${scenario.name}`, () => scenario.run(ctx));
}

test("node: util.inspect of errors never shows the key", async () => {
  const { extendVideo, getJob, pollJob, KlingExtendError } = pkg;
  const wrong = "wrong-key-inspect-Q7";
  const rejection = (promise) =>
    promise.then(
      (value) => assert.fail(`expected a rejection, got ${inspect(value)}`),
      (error) => error,
    );
  mock.reset();
  mock.configure({ advance: { mode: "polls", stepPolls: 1 } });
  const errors = [];
  mock.fault({ method: "POST", status: 403, body: { error: { message: `key ${API_KEY} refused` } } });
  errors.push(await rejection(extendVideo({ video_id: "v" }, ctx.options))); // the service echoes the key
  errors.push(await rejection(extendVideo({ video_id: "v" }, { ...ctx.options, apiKey: wrong }))); // 401
  mock.fault({ method: "GET", delayMs: 2000 });
  errors.push(await rejection(getJob("job_x", { ...ctx.options, timeoutMs: 100, maxRetries: 0 }))); // timeout
  errors.push(await rejection(extendVideo({ video_id: "" }, ctx.options))); // validation
  const { job_id } = await extendVideo({ video_id: "fail_inspect" }, ctx.options);
  errors.push(await rejection(pollJob(job_id, { ...ctx.options, intervalMs: 20 }))); // job_failed, with .job
  assert.deepEqual(
    errors.map((e) => e.code),
    ["forbidden", "unauthorized", "timeout", "invalid_request", "job_failed"],
  );
  for (const err of errors) {
    assert.ok(err instanceof KlingExtendError, inspect(err));
    for (const text of [inspect(err), inspect(err, { depth: Infinity, showHidden: true }), format("%o", err), format("%O", err)]) {
      assert.ok(!text.includes(API_KEY), `the key leaked into util.inspect: ${text}`);
      assert.ok(!text.includes(wrong), `the wrong key leaked into util.inspect: ${text}`);
    }
  }
});

test("node: createClient() made while TRINETRA_API_KEY is unset (a module loaded at build time) loads; each call is refused before sending until the key is set, then keeps that key", async () => {
  const { createClient } = pkg;
  const sent = [];
  // The service's own URL, answered by the mock: the client's default base URL is what reads the environment.
  const toMock = (url, init) => (sent.push(init.headers["x-api-key"]), fetch(String(url).replace(/^https:\/\/[^/]+/, ctx.mockUrl), init));
  const client = createClient({ fetch: toMock, maxRetries: 0 });
  try {
    const refused = await client.getJob("job_x").catch((e) => e);
    assert.equal(refused.code, "invalid_request", inspect(refused));
    assert.equal(refused.field, "apiKey");
    assert.match(refused.message, /TRINETRA_API_KEY/);
    assert.deepEqual(sent, [], "nothing was sent without a key");
    process.env.TRINETRA_API_KEY = API_KEY;
    const { job_id } = await client.extendVideo({ video_id: "v_env_later" });
    process.env.TRINETRA_API_KEY = "another-key";
    assert.equal((await client.getJob(job_id, { timeoutMs: 5000 })).id, job_id, "a call with options of its own too");
    assert.deepEqual(sent, [API_KEY, API_KEY], "every call of the client sends the key it found");
  } finally {
    delete process.env.TRINETRA_API_KEY;
  }
});

test("node: a request refused by the runtime (a blocked port) is network_error, never sent, not maybeSubmitted", async () => {
  const { extendVideo } = pkg;
  // 6000 is on fetch's list of bad ports: undici refuses it with cause "bad port".
  const error = await extendVideo({ video_id: "v" }, { ...ctx.options, baseUrl: "http://127.0.0.1:6000", maxRetries: 2 }).catch((e) => e);
  assert.equal(error.code, "network_error", inspect(error));
  assert.equal(error.maybeSubmitted, false);
  assert.equal(error.retryable, false);
  assert.match(error.message, /never left/);
  assert.match(error.message, /^POST http:\/\/127\.0\.0\.1:6000\/\S+: /, "the message names the request");
  assert.equal(error.cause?.cause?.message, "bad port", "the fetch error is the cause");
});

test("node: a wasm trap while reading an answer is internal_error with the trap as cause; the instance is reset, calls in flight end with what they knew, the next call works", async () => {
  const { createClient, extendVideo, getJob, pollJob, run } = pkg;
  mock.reset();
  mock.configure({ advance: { mode: "polls", stepPolls: 50 } });
  // A client made before the restart: its checked options live in the old instance.
  const client = createClient(ctx.options);
  // 48 MiB: more than the allocator can have left free from earlier calls.
  const options = { ...ctx.options, baseUrl: `${hostile.url}/padded-48`, maxResponseBytes: 64 * 2 ** 20, maxRetries: 0 };

  // A poll waits between reads, and a run waits for the job it submitted, while another call traps.
  const { job_id } = await extendVideo({ video_id: "v_inflight" }, ctx.options);
  const inFlight = pollJob(job_id, { ...ctx.options, intervalMs: 300 }).catch((e) => e);
  let accepted;
  const running = run({ video_id: "v_running" }, { ...ctx.options, intervalMs: 300, onSubmitted: (s) => (accepted = s.job_id) }).catch((e) => e);
  while (accepted === undefined) await new Promise((resolve) => setTimeout(resolve, 10));
  await new Promise((resolve) => setTimeout(resolve, 50));

  const bytes = await fillWasmMemory(consumer);
  const started = Date.now();
  const error = await getJob("job_pad", options).catch((e) => e);
  console.log(`wasm memory grown to ${bytes} bytes; a 48 MiB answer trapped and was reported in ${Date.now() - started} ms`);
  assert.equal(error.code, "internal_error", inspect(error));
  assert.equal(error.name, "KlingExtendError");
  assert.equal(error.maybeSubmitted, undefined, "a read submits nothing");
  assert.match(error.message, /reading the service's answer/);
  assert.ok(error.cause instanceof WebAssembly.RuntimeError, `the trap is the cause: ${inspect(error.cause)}`);

  const lost = await inFlight;
  assert.equal(lost.code, "internal_error", inspect(lost));
  assert.match(lost.message, /restarted during this call/);
  assert.equal(lost.job?.id, job_id, "the poll names the job it was waiting for");
  const paid = await running;
  assert.equal(paid.code, "internal_error", inspect(paid));
  assert.equal(paid.job?.id, accepted, "the run names the job its submit was accepted as");
  assert.equal(paid.maybeSubmitted, true);
  assert.match(paid.message, new RegExp(`job ${accepted} was accepted`));

  // A fresh instance: the same answer is read, and every kind of call works.
  assert.equal((await getJob("job_pad", options)).id, "job_pad");
  assert.match((await extendVideo({ video_id: "v_after" }, ctx.options)).job_id, /^job_/);
  assert.equal((await client.getJob(job_id)).id, job_id, "a client made before the restart checks its options again in the new instance");
  assert.equal(pkg.quote({ seconds: 5 }).credits, 95);
});

test("node: maxResponseBytes is at most 64 MiB, and an answer that large in the costliest shape is read without a trap", async () => {
  const { getJob } = pkg;
  const ceiling = 64 * 2 ** 20;
  const options = { ...ctx.options, baseUrl: `${hostile.url}/lists-64`, maxRetries: 0 };
  await fetch(`${hostile.url}/__hostile/reset`, { method: "POST" });
  const over = await getJob("job_lists", { ...options, maxResponseBytes: ceiling + 1 }).catch((e) => e);
  assert.equal(over.code, "invalid_request", inspect(over));
  assert.equal(over.field, "maxResponseBytes");
  assert.deepEqual((await (await fetch(`${hostile.url}/__hostile/log`)).json()).main, [], "refused before any request");

  // 16.7 million one-item lists: the wasm holds each as a value and a list, the most memory per byte of text.
  const started = Date.now();
  const job = await getJob("job_lists", { ...options, maxResponseBytes: ceiling });
  const memory = (await wasmMemory(consumer)).buffer.byteLength;
  console.log(`a ${ceiling} B answer of one-item lists read in ${Date.now() - started} ms; wasm memory ${memory} B`);
  assert.equal(job.id, "job_lists");
  // The hostile server fills the rest of the ceiling with spaces after the head.
  const head = '{"id":"job_lists","status":"running","padding":['.length;
  assert.equal(job.raw.padding.length, Math.floor((ceiling - head - 1) / 4));
  assert.deepEqual(job.raw.padding.at(-1), [0]);
  assert.ok(memory <= 24 * ceiling, `wasm memory ${memory} B is within 24× the answer`);
  assert.equal((await getJob("job_after", { ...ctx.options, baseUrl: `${hostile.url}/ok` })).id, "job_after");
});

test("node: the mock's signed Kling callbacks, in either shape, verify with verifyWebhook at a real endpoint", async () => {
  const { extendVideo, pollJob, verifyWebhook } = pkg;
  const secret = `whsec_${Buffer.from("e2e callback secret").toString("base64")}`;
  const verified = [];
  const failures = [];
  const endpoint = createServer(async (req, res) => {
    const chunks = [];
    for await (const chunk of req) chunks.push(chunk);
    try {
      verified.push(await verifyWebhook(Buffer.concat(chunks), req.headers, secret));
      res.writeHead(204).end();
    } catch (error) {
      failures.push(error);
      res.writeHead(400).end();
    }
  });
  await new Promise((resolve) => endpoint.listen(0, "127.0.0.1", resolve));
  try {
    mock.reset();
    for (const shape of ["task", "newer"]) {
      const config = { webhookSecret: secret, klingCallbackShape: shape, klingKeys: [], klingApiKeys: [] };
      mock.configure({ ...config, advance: { mode: "polls", stepPolls: 1 } });
      const options = { provider: "kling", baseUrl: mock.url, intervalMs: 10, maxIntervalMs: 20 };
      const callbackUrl = `http://127.0.0.1:${endpoint.address().port}/hooks/kling`;
      const { job_id } = await extendVideo({ video_id: `vid_${shape}`, mode: "pro", callback_url: callbackUrl }, options);
      await pollJob(job_id, options);
      for (let i = 0; i < 200 && verified.filter((job) => job.id === job_id).length < 3; i++) await new Promise((r) => setTimeout(r, 10));
      const statuses = verified.filter((job) => job.id === job_id).map((job) => job.status);
      assert.deepEqual(statuses, ["queued", "running", "succeeded"], `${shape}: every change, verified`);
      assert.equal(verified.at(-1).units_charged, 3.5, `${shape}: units_charged`);
    }
    assert.deepEqual(failures, [], "no delivery failed verification");
  } finally {
    mock.configure({ webhookSecret: null, klingCallbackShape: "task", advance: { mode: "time" } });
    await new Promise((resolve) => endpoint.close(resolve));
  }
});

test("node: a call with no credential takes TRINETRA_API_KEY / KLING_API_KEY from the environment, read at each call", async () => {
  const { getJob, extendVideo } = pkg;
  mock.reset();
  mock.configure({ advance: { mode: "polls", stepPolls: 1 }, klingApiKeys: ["kling-env-key"] });
  const options = { baseUrl: mock.url, maxRetries: 0 };
  await assert.rejects(extendVideo({ video_id: "v_env" }, options), { code: "unauthorized" }, "no key: the mock refuses");
  process.env.TRINETRA_API_KEY = API_KEY;
  try {
    const { job_id } = await extendVideo({ video_id: "v_env" }, options);
    assert.equal((await getJob(job_id, options)).id, job_id, "the variable's key is sent");
    await assert.rejects(getJob(job_id, { ...options, apiKey: "given-key" }), { code: "unauthorized" }, "a given key wins");
    process.env.KLING_API_KEY = "kling-env-key";
    const kling = await extendVideo({ video_id: "v_env" }, { ...options, provider: "kling" });
    assert.equal(kling.provider, "kling", "Kling's key from KLING_API_KEY");
  } finally {
    delete process.env.TRINETRA_API_KEY;
    delete process.env.KLING_API_KEY;
    mock.configure({ klingApiKeys: [] });
  }
  assert.equal(mock.log.filter((entry) => entry.method === "POST").length, 3, "three submits reached the mock");
  const missing = await getJob("job_1").catch((error) => error);
  assert.equal(missing.code, "invalid_request");
  assert.equal(missing.field, "apiKey");
  assert.match(missing.message, /pass it or set TRINETRA_API_KEY/, "the message names the variable");
});

test("node: KLING_EXTEND_LOG=debug logs each request to the console, without the key", async () => {
  mock.reset();
  mock.configure({ advance: { mode: "polls", stepPolls: 1 } });
  const script = `
    import { run } from "kling-extend";
    const job = await run({ video_id: "v_log" }, { baseUrl: ${JSON.stringify(mock.url)}, intervalMs: 10 });
    console.log("done", job.status);
  `;
  const { stdout, stderr } = await promisify(execFile)(process.execPath, ["--input-type=module", "-e", script], {
    cwd: consumer.dir,
    env: { ...process.env, TRINETRA_API_KEY: API_KEY, KLING_EXTEND_LOG: "debug" },
  });
  const output = stdout + stderr;
  assert.match(output, /done succeeded/);
  assert.match(output, /\[kling-extend\] POST http:\/\/127\.0\.0\.1:\d+\/v1\/video\/kling-extend-video → 202 \(\d+ ms\)/);
  assert.match(output, /\[kling-extend\] the job is not done; next read in \d+ ms/);
  assert.match(output, /\[kling-extend\] run done in \d+ ms/);
  assert.ok(!output.includes(API_KEY), "the key is never logged");
});

test("node: an uncaught KlingExtendError prints its message before any stack frame, in short lines", async () => {
  const closed = createServer();
  await new Promise((resolve) => closed.listen(0, "127.0.0.1", resolve));
  const { port } = closed.address();
  await new Promise((resolve) => closed.close(resolve));
  const throws = {
    "a bad field, thrown": `validateRequest({ video_id: "v", cfg_scale: 3 });`,
    "a bad option, awaited": `await getJob("job_1", { timeoutMs: -5 });`,
    "a closed port, awaited": `await getJob("job_1", { baseUrl: "http://127.0.0.1:${port}", apiKey: "k", maxRetries: 0 });`,
  };
  for (const [what, statement] of Object.entries(throws)) {
    const script = `import { getJob, validateRequest } from "kling-extend";\n${statement}\n`;
    const failed = await promisify(execFile)(process.execPath, ["--input-type=module", "-e", script], { cwd: consumer.dir, timeout: 15_000 }).then(
      () => assert.fail(`${what}: the script did not fail`),
      (error) => error,
    );
    const output = `${failed.stdout}${failed.stderr}`;
    assert.equal(failed.code, 1, `${what}:\n${output}`);
    const lines = output.split("\n");
    const message = lines.findIndex((line) => line.startsWith("KlingExtendError: "));
    const frame = lines.findIndex((line) => /^\s+at /.test(line));
    assert.ok(message >= 0 && message < frame, `${what}: the message comes before the first frame:\n${output}`);
    assert.match(lines[0], /node_modules\/kling-extend\/lib\/\w+\.js:\d+$/, `${what}: the source line printed is the package's`);
    for (const line of lines) assert.ok(line.length <= 200, `${what}: a printed line of ${line.length} characters:\n${line.slice(0, 400)}`);
    assert.ok(output.length < 4_000, `${what}: ${output.length} characters printed:\n${output}`);
  }
});

test("node: after aborts, throwing signals, rejecting loggers and hooks that never settle, the process exits at once and alive", async () => {
  mock.reset();
  mock.configure({ advance: { mode: "polls", stepPolls: 1_000 } });
  const script = `
    import { getJob, pollJob, run } from "kling-extend";
    const options = { baseUrl: ${JSON.stringify(mock.url)}, apiKey: ${JSON.stringify(API_KEY)}, timeoutMs: 30000, intervalMs: 20000 };
    const codes = [];
    const rejecting = { debug: () => Promise.reject(new Error("log")), info: () => Promise.reject(new Error("log")), warn: () => Promise.reject(new Error("log")), error: () => Promise.reject(new Error("log")) };
    await getJob("job_missing", { ...options, logger: rejecting, logLevel: "debug" }).catch((e) => codes.push(e.code));
    const throwing = { aborted: false, addEventListener() { throw new Error("no"); }, removeEventListener() {} };
    await getJob("job_x", { ...options, signal: throwing }).catch((e) => codes.push(e.code));
    // A poll aborted during its 20 s wait, and a run aborted while its hook holds it.
    const waiting = new AbortController();
    const polled = run({ video_id: "v_exit" }, { ...options, signal: waiting.signal }).catch((e) => codes.push(e.code));
    const held = new AbortController();
    const hooked = run({ video_id: "v_hook" }, { ...options, signal: held.signal, onSubmitted: () => new Promise(() => {}) }).catch((e) => codes.push(e.code));
    setTimeout(() => { waiting.abort(); held.abort(); }, 300);
    await Promise.all([polled, hooked]);
    console.log(JSON.stringify(codes));
  `;
  const started = Date.now();
  const { stdout } = await promisify(execFile)(process.execPath, ["--input-type=module", "-e", script], { cwd: consumer.dir, timeout: 15_000 });
  const ms = Date.now() - started;
  assert.deepEqual(JSON.parse(stdout), ["not_found", "invalid_request", "aborted", "aborted"], stdout);
  // Node waits for every timer left: a 30 s request timeout or a 20 s poll wait would hold it.
  assert.ok(ms < 8_000, `the process exited after ${ms} ms`);
});
