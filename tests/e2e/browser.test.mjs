// The e2e scenarios in headless Chromium, two ways a page gets the package:
//   chromium-vite:  a page of the consumer project built by Vite (production
//                   build), so "kling-extend" resolves through the bundler;
//   chromium-plain: a page with no bundler at all, an import map pointing
//                   "kling-extend" at the installed package's index.js.
// A small node:http server serves the consumer directory (and Vite's dist/
// under /dist/); the mock runs on another port, so every call is cross-origin.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { readFile, readdir } from "node:fs/promises";
import { createServer } from "node:http";
import { join } from "node:path";
import { build } from "vite";
import { chromium } from "playwright-core";
import { BUILDS } from "../../scripts/size.mjs";
import { API_KEY, CHROMIUM_LAUNCH, closeAll, createConsumer, importFrom, scenarioContext, startInstalledMock } from "./consumer.mjs";
import { startHostile } from "./hostile-server.mjs";
import { EXPORTS, serveStatic } from "./toolchain.mjs";

const SCENARIO_TIMEOUT_MS = 30_000;

// The page-side runner, shared by both pages: runScenario never throws, it
// answers { ok, error } so failures come back as readable text.
const HARNESS = `
function describe(error) {
  if (error instanceof Error) return String(error.stack || error.name + ": " + error.message);
  try { return JSON.stringify(error); } catch { return String(error); }
}
export function install(scenarios) {
  window.scenarioInfo = scenarios.map((s) => ({ name: s.name, httpErrors: s.httpErrors }));
  window.runScenario = async (name, ctx) => {
    const scenario = scenarios.find((s) => s.name === name);
    if (!scenario) return { ok: false, error: "no scenario named " + name };
    try {
      await scenario.run(ctx);
      return { ok: true };
    } catch (error) {
      return { ok: false, error: describe(error) };
    }
  };
}
`;

const VITE_HTML = `<!doctype html>
<html>
  <head><meta charset="utf-8"><link rel="icon" href="data:,"><title>kling-extend e2e (Vite)</title></head>
  <body>
    <script type="module" src="./main.js"></script>
  </body>
</html>
`;

const VITE_MAIN = `import * as kling from "kling-extend";
import { scenarios } from "./scenarios.js";
import { install } from "./harness.js";

window.kling = kling;
window.packageExports = Object.keys(kling).sort();
install(scenarios);
`;

const PLAIN_HTML = `<!doctype html>
<html>
  <head>
    <meta charset="utf-8">
    <link rel="icon" href="data:,">
    <title>kling-extend e2e (no bundler)</title>
    <script type="importmap">
      {"imports":{"kling-extend":"/node_modules/kling-extend/index.js"}}
    </script>
  </head>
  <body>
    <script type="module">
      import * as kling from "kling-extend";
      import { scenarios } from "./scenarios.js";
      import { install } from "./harness.js";
      window.kling = kling;
      window.packageExports = Object.keys(kling).sort();
      install(scenarios);
    </script>
  </body>
</html>
`;

// All set-up happens before the first test() is registered: node:test runs
// the after() hooks as soon as registered tests are done.
const consumer = await createConsumer({
  name: "browser",
  files: {
    "index.html": VITE_HTML,
    "main.js": VITE_MAIN,
    "plain.html": PLAIN_HTML,
    "harness.js": HARNESS,
    "proxy-entry.mjs": 'export { createProxy } from "kling-extend";\nexport { toNodeListener } from "kling-extend/node";\n',
  },
});
let mock;
let hostile;
let server;
let browser;
/** Two Node proxies of the mock: one that allows the pages' origin, one that does not. */
const proxies = [];
const teardown = () =>
  closeAll([
    () => browser?.close(),
    () => server?.close(),
    ...proxies.map((proxy) => () => proxy.server.close()),
    () => hostile?.close(),
    () => mock?.close(),
    () => consumer.cleanup(),
  ]);

const pages = {};
let distFiles;
let expectedNames;
try {
  // (a) A production build by Vite, as a user's project would make it.
  await build({
    root: consumer.dir,
    base: "/dist/",
    configFile: false,
    logLevel: "warn",
    build: { outDir: "dist", emptyOutDir: true },
  });
  distFiles = await readdir(join(consumer.dir, "dist", "assets"));

  mock = await startInstalledMock(consumer);
  hostile = await startHostile();
  server = await serveStatic(consumer.dir);
  const { createProxy, toNodeListener } = await importFrom(consumer, "proxy-entry.mjs");
  for (const origins of [[new URL(server.url).origin], ["https://elsewhere.example"]]) {
    const listener = toNodeListener(createProxy({ baseUrl: mock.url, apiKey: API_KEY, allowedOrigins: origins, logLevel: "off" }));
    const proxy = { server: createServer(listener) };
    await new Promise((resolve) => proxy.server.listen(0, "127.0.0.1", resolve));
    proxy.url = `http://127.0.0.1:${proxy.server.address().port}`;
    proxies.push(proxy);
  }
  browser = await chromium.launch(CHROMIUM_LAUNCH);
  expectedNames = (await importFrom(consumer, "scenarios.js")).scenarios.map((s) => s.name);

  for (const [runtime, path] of [
    ["chromium-vite", "/dist/index.html"],
    ["chromium-plain", "/plain.html"],
  ]) {
    const page = await browser.newPage();
    const state = { runtime, page, console: [], pageErrors: [], failedLoads: [], wasmLoads: [], packageScripts: [] };
    page.on("console", (msg) => {
      if (msg.type() === "error" || msg.type() === "warning") state.console.push(`${msg.type()}: ${msg.text()}`);
    });
    page.on("pageerror", (err) => state.pageErrors.push(String(err?.stack ?? err)));
    page.on("request", (req) => {
      const { pathname } = new URL(req.url());
      if (pathname.endsWith(".wasm")) state.wasmLoads.push(pathname);
      if (pathname.startsWith("/node_modules/kling-extend/")) state.packageScripts.push(pathname);
    });
    page.on("requestfailed", (req) => {
      if (req.url().startsWith(server.url)) state.failedLoads.push(`${req.url()}: ${req.failure()?.errorText}`);
    });
    await page.goto(server.url + path);
    try {
      await page.waitForFunction(() => Array.isArray(window.scenarioInfo), null, { timeout: 15_000 });
    } catch (err) {
      throw new Error(
        `${runtime}: the page never became ready (${err.message})\n` +
          `page errors: ${state.pageErrors.join("\n")}\nconsole: ${state.console.join("\n")}\nfailed loads: ${state.failedLoads.join("\n")}`,
      );
    }
    state.info = await page.evaluate(() => window.scenarioInfo);
    state.exports = await page.evaluate(() => window.packageExports);
    state.initialWasm = [...state.wasmLoads];
    state.initialScripts = state.packageScripts.filter((path) => path.endsWith(".js"));
    state.initialFiles = state.packageScripts.map((path) => path.slice("/node_modules/kling-extend/".length));
    state.ctx = scenarioContext(mock, runtime, hostile);
    pages[runtime] = state;
  }
} catch (err) {
  await teardown();
  throw err;
}
after(teardown);

test("chromium-vite: the build emits both wasm builds as assets next to the bundle", async () => {
  const wasm = distFiles.filter((f) => f.endsWith(".wasm"));
  const js = distFiles.filter((f) => f.endsWith(".js"));
  assert.equal(wasm.length, 2, `the web and the server .wasm (assets: ${distFiles.join(", ")})`);
  const code = (await Promise.all(js.map((f) => readFile(join(consumer.dir, "dist", "assets", f), "utf8")))).join("\n");
  for (const file of wasm) assert.ok(code.includes(file), `the bundle refers to ${file}`);
  assert.ok(!code.includes("readFileSync") && !code.includes("node:fs"), "not the node entry");
});

for (const state of Object.values(pages)) {
  const { runtime } = state;

  test(`${runtime}: the page loaded cleanly and sees every scenario`, () => {
    assert.deepEqual(state.pageErrors, [], "page errors");
    assert.deepEqual(state.console, [], "console errors and warnings while loading");
    assert.deepEqual(state.failedLoads, [], "failed loads");
    assert.deepEqual(
      state.info.map((s) => s.name),
      expectedNames,
    );
  });

  test(`${runtime}: the page exports the whole contract and loads only the web build at first`, () => {
    assert.deepEqual(state.exports, EXPORTS);
    assert.equal(state.initialWasm.length, 1, `one wasm loaded (${state.initialWasm.join(", ")})`);
    assert.match(state.initialWasm[0], runtime === "chromium-plain" ? /\/kling-extend\/web\/kling_extend_bg\.wasm$/ : /\.wasm$/);
    if (runtime === "chromium-plain") {
      assert.deepEqual(state.initialScripts, ["/node_modules/kling-extend/index.js"], "one module of the package at first");
      // The size budget (tests/size.test.mjs) is held against exactly these files.
      assert.deepEqual(state.initialFiles.toSorted(), BUILDS.browser.toSorted(), "what scripts/size.mjs measures");
    }
  });

  // Before any scenario, so this call is the one that loads the server half.
  test(`${runtime}: errors of the server half, loaded on first use, are the page's KlingExtendError`, async () => {
    const errors = await state.page.evaluate(async () => {
      const { KlingExtendError, createProxy, verifyWebhook } = window.kling;
      const headers = { "webhook-id": "msg_1", "webhook-timestamp": "1763600000", "webhook-signature": "v1,AAAA" };
      const attempts = [
        () => verifyWebhook("{}", headers, "whsec_c2VjcmV0", { nowSeconds: 1763600000 }),
        () => verifyWebhook({}, headers, "whsec_c2VjcmV0"),
        () => createProxy({ allowedOrigins: ["https://app.example"], maxBodyBytes: 0 })(new Request("https://proxy.example/")),
        () => createProxy({ apiKey: "k", allowedOrigins: ["*"], authorize: true })(new Request("https://proxy.example/")),
      ];
      const seen = [];
      for (const attempt of attempts) {
        try {
          await attempt();
          seen.push("resolved");
        } catch (error) {
          seen.push({ field: error.field, ours: error instanceof KlingExtendError && error.constructor === KlingExtendError });
        }
      }
      return seen;
    });
    assert.deepEqual(errors, [
      { field: "headers.webhook-signature", ours: true },
      { field: "rawBody", ours: true },
      { field: "maxBodyBytes", ours: true },
      { field: "authorize", ours: true },
    ]);
    assert.equal(state.wasmLoads.length, 2, `the server build loaded on first use (${state.wasmLoads.join(", ")})`);
  });

  test(`${runtime}: a page on an origin the proxy does not allow reads a 403 naming allowedOrigins, and nothing is sent on`, async () => {
    const before = mock.jobs.length;
    // With a header of the page's own (the client's `headers` option), which the preflight must allow.
    const submit = (baseUrl) =>
      state.page.evaluate(async (url) => {
        try {
          const options = { baseUrl: url, headers: { "x-trace": "page" } };
          return { job_id: (await window.kling.extendVideo({ video_id: "v_origin" }, options)).job_id };
        } catch (error) {
          return { code: error.code, status: error.status, maybeSubmitted: error.maybeSubmitted, message: error.message };
        }
      }, baseUrl);
    const [allowed, refused] = proxies;
    const refusal = await submit(refused.url);
    assert.equal(refusal.code, "forbidden", refusal.message);
    assert.equal(refusal.status, 403);
    assert.equal(refusal.maybeSubmitted, false, "a readable refusal, not a network error that may have been a submit");
    assert.match(refusal.message, /^HTTP 403: this page's origin is not in createProxy's allowedOrigins/);
    assert.equal(mock.jobs.length, before, "the refused submit reached no service");
    assert.match((await submit(allowed.url)).job_id ?? "", /^job_/, "the same page through a proxy that allows it");
    assert.equal(mock.jobs.length, before + 1);
  });

  for (const { name, httpErrors } of state.info) {
    test(`${runtime}: ${name}`, { timeout: SCENARIO_TIMEOUT_MS + 5_000 }, async () => {
      state.console.length = 0;
      state.pageErrors.length = 0;
      const result = await state.page.evaluate(([n, ctx]) => window.runScenario(n, ctx), [name, state.ctx]);
      // Let late console messages (network errors are reported asynchronously) arrive.
      await state.page.evaluate(() => new Promise((r) => setTimeout(r, 30)));
      if (!result.ok) assert.fail(result.error);
      assert.deepEqual(state.pageErrors, [], "uncaught errors in the page");
      // Chromium logs every failed or non-2xx fetch as "Failed to load resource";
      // that is expected only where the scenario makes such requests on purpose.
      const unexpected = state.console.filter((line) => !(httpErrors && /^error: Failed to load resource: /.test(line)));
      assert.deepEqual(unexpected, [], "unexpected console errors/warnings");
    });
  }
}
