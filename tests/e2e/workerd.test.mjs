// The e2e scenarios in workerd: a Worker in the consumer project imports the
// scenarios, wrangler bundles it the way a user deploys it (so it picks the
// package's "workerd" export condition), and Miniflare runs the bundle.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Miniflare } from "miniflare";
import { assertWorkerdBundle, bundledWorker, closeAll, createConsumer, importFrom, scenarioContext, startInstalledMock, wranglerDryRun } from "./consumer.mjs";
import { startHostile } from "./hostile-server.mjs";

const COMPATIBILITY_DATE = "2026-04-01";

const WORKER = `// A Worker that runs one e2e scenario per request:
//   POST /run?name=<scenario name>   body: the scenario ctx as JSON
//   → 200 { ok: true } or { ok: false, error }
// and GET /keyless: a read through a proxy made with no key when the module
// loaded → { status, body, logged }
import { createProxy } from "kling-extend";
import { scenarios } from "./scenarios.js";

const logged = [];
const keep = (level) => (message) => logged.push({ level, message });
const keyless = createProxy({
  allowedOrigins: [],
  logger: { debug: keep("debug"), info: keep("info"), warn: keep("warn"), error: keep("error") },
});

function describe(error) {
  if (error instanceof Error) return String(error.stack || \`\${error.name}: \${error.message}\`);
  try {
    return JSON.stringify(error);
  } catch {
    return String(error);
  }
}

export default {
  async fetch(request) {
    const url = new URL(request.url);
    if (url.pathname === "/list") return Response.json(scenarios.map((s) => s.name));
    if (url.pathname === "/keyless") {
      const answer = await keyless(new Request(new URL("/v1/jobs/job_1", url)));
      return Response.json({ status: answer.status, body: await answer.json(), logged });
    }
    if (url.pathname !== "/run") return new Response("not found", { status: 404 });
    const name = url.searchParams.get("name");
    const scenario = scenarios.find((s) => s.name === name);
    if (!scenario) return Response.json({ ok: false, error: \`no scenario named \${name}\` }, { status: 404 });
    let ctx;
    try {
      ctx = request.method === "POST" ? await request.json() : JSON.parse(url.searchParams.get("ctx") ?? "");
    } catch (error) {
      return Response.json({ ok: false, error: \`bad ctx: \${describe(error)}\` }, { status: 400 });
    }
    try {
      await scenario.run(ctx);
      return Response.json({ ok: true });
    } catch (error) {
      return Response.json({ ok: false, error: describe(error) });
    }
  },
};
`;

const WRANGLER_TOML = `name = "kling-extend-e2e"
main = "worker.js"
compatibility_date = "${COMPATIBILITY_DATE}"
`;

// All set-up happens before the first test() is registered: node:test runs
// the after() hooks as soon as registered tests are done, even while the
// module is still awaiting.
const consumer = await createConsumer({
  name: "workerd",
  files: { "worker.js": WORKER, "wrangler.toml": WRANGLER_TOML },
});
let mock;
let hostile;
let mf;
const teardown = () => closeAll([() => mf?.dispose(), () => hostile?.close(), () => mock?.close(), () => consumer.cleanup()]);

const dist = join(consumer.dir, "dist");
const scriptPath = join(dist, "worker.js");
let wranglerOutput;
let bundle;
let names;
let ctx;
try {
  wranglerOutput = await wranglerDryRun(consumer);
  bundle = readFileSync(scriptPath, "utf8");

  mock = await startInstalledMock(consumer);
  hostile = await startHostile();
  mf = new Miniflare(bundledWorker(dist, { compatibilityDate: COMPATIBILITY_DATE }));
  await mf.ready;
  ctx = scenarioContext(mock, "workerd", hostile);
  names = await (await mf.dispatchFetch("http://worker.test/list")).json();
} catch (err) {
  await teardown();
  throw err;
}
after(teardown);

test("workerd: wrangler bundles the package's workerd entry, importing the wasm as a module", () => {
  assertWorkerdBundle(assert, dist, bundle, wranglerOutput);
});

test("workerd: createProxy with no key loads with the module; a request gets 503 naming apiKey and the Worker's secret, logged", async () => {
  const answer = await (await mf.dispatchFetch("http://worker.test/keyless")).json();
  assert.equal(answer.status, 503, JSON.stringify(answer));
  assert.equal(answer.body.error.code, "server_error");
  const message = "createProxy has no credential for the service, so nothing was sent: pass apiKey in createProxy's config (in a Worker, from its env: a secret named TRINETRA_API_KEY)";
  assert.equal(answer.body.error.message, message);
  assert.deepEqual(answer.logged, [{ level: "error", message: `[kling-extend] ${message}` }]);
});

test("workerd: the Worker sees every scenario", async () => {
  const { scenarios } = await importFrom(consumer, "scenarios.js");
  assert.deepEqual(names, scenarios.map((s) => s.name));
});

for (const name of names) {
  test(`workerd: ${name}`, { timeout: 30_000 }, async () => {
    const res = await mf.dispatchFetch(`http://worker.test/run?name=${encodeURIComponent(name)}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(ctx),
    });
    const text = await res.text();
    let result;
    try {
      result = JSON.parse(text);
    } catch {
      assert.fail(`the Worker answered ${res.status} with ${text.slice(0, 2000)}`);
    }
    if (!result.ok) assert.fail(result.error);
    assert.equal(res.status, 200);
  });
}

