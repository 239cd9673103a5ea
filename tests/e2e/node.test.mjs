// The e2e scenarios in Node (ESM), with kling-extend installed from its
// tarball and resolved through `exports` (the "node" condition).
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { inspect, format } from "node:util";
import { API_KEY, closeAll, createConsumer, importFrom, scenarioContext, startInstalledMock } from "./consumer.mjs";
import { startHostile } from "./hostile-server.mjs";

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
  const builds = ["web/kling_extend_bg.wasm", "server/kling_extend_bg.wasm", "server/kling_extend.js"];
  const lib = ["api", "body", "boundary", "driver", "error", "proxy", "server", "server-build", "signature", "wasm", "webhook"];
  for (const file of ["package.json", "index.js", "node.js", "workerd.js", "node-adapter.js", "node-adapter.d.ts", "index.d.ts", ...builds, ...lib.map((m) => `lib/${m}.js`), "mock/index.js"]) {
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
