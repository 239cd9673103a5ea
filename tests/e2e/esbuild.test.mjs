// esbuild, as the README says to build a page with it:
//   esbuild page.js --bundle --format=esm --conditions=inline-wasm --outdir=dist
// esbuild copies no asset named by `new URL(…, import.meta.url)`, so the
// "inline-wasm" condition picks inline.js, whose wasm is inside the bundle.
// The page, served by a static server, runs one quote and one job against the
// mock in headless Chromium, then loads its server half (verifyWebhook).
// A server bundled with --platform=node takes node.js, whose wasm is a module
// too, so the bundle runs from any directory.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { chromium } from "playwright-core";
import { API_KEY, BIN, CHROMIUM_LAUNCH, closeAll, createConsumerWithMock } from "./consumer.mjs";
import { SMOKE, assertSmoke, prepareMock, runCommand, serveStatic, watchedPage } from "./toolchain.mjs";

const PAGE = `import { smoke } from "./smoke.js";
import { verifyWebhook } from "kling-extend";

window.smoke = smoke;
// A bad signature, refused by the server half (loaded on this first call).
window.serverHalf = () =>
  verifyWebhook("{}", { "webhook-id": "msg_1", "webhook-timestamp": "1763600000", "webhook-signature": "v1,AAAA" }, "whsec_c2VjcmV0", { nowSeconds: 1763600000 })
    .then(() => "resolved", (error) => error.field);
window.ready = true;
`;

const HTML = `<!doctype html>
<html>
  <head><meta charset="utf-8"><link rel="icon" href="data:,"><title>kling-extend e2e (esbuild)</title></head>
  <body><script type="module" src="./dist/page.js"></script></body>
</html>
`;

const SERVER = `import { smoke } from "./smoke.js";

const [mockUrl, apiKey] = process.argv.slice(2);
console.log(JSON.stringify(await smoke({ baseUrl: mockUrl, apiKey })));
`;

const { consumer, mock } = await createConsumerWithMock({
  name: "esbuild",
  files: { "smoke.js": SMOKE, "page.js": PAGE, "index.html": HTML, "server.js": SERVER },
});
let server;
let browser;
after(() => closeAll([() => browser?.close(), () => server?.close(), () => mock.close(), () => consumer.cleanup()]));

test("esbuild: a page bundled with --conditions=inline-wasm quotes and runs a job in Chromium", { timeout: 60_000 }, async () => {
  await runCommand(join(BIN, "esbuild"), ["page.js", "--bundle", "--format=esm", "--conditions=inline-wasm", "--outdir=dist", "--log-level=warning"], {
    cwd: consumer.dir,
  });
  assert.deepEqual(readdirSync(join(consumer.dir, "dist")), ["page.js"], "one file, nothing to copy by hand");

  server = await serveStatic(consumer.dir);
  browser = await chromium.launch(CHROMIUM_LAUNCH);
  const { page, seen } = await watchedPage(browser);
  await page.goto(`${server.url}/index.html`);
  await page.waitForFunction(() => window.ready === true, null, { timeout: 15_000 }).catch((err) => {
    throw new Error(`the page never became ready (${err.message}):\n${seen.problems.join("\n")}`);
  });

  prepareMock(mock);
  const options = { baseUrl: mock.url, apiKey: API_KEY, dangerouslyAllowBrowser: true };
  const result = await page.evaluate((o) => window.smoke(o), options);
  assertSmoke(assert, result, mock);
  assert.equal(await page.evaluate(() => window.serverHalf()), "headers.webhook-signature", "the server half loaded and checked");
  assert.deepEqual(seen.wasm, [], "no .wasm fetched: the bytes are in the bundle");
  assert.deepEqual(seen.problems, [], "no page error, console error or failed load");
});

test("esbuild: a server bundled with --platform=node runs a job from another directory", { timeout: 60_000 }, async () => {
  const out = join(consumer.root, "elsewhere");
  mkdirSync(out);
  await runCommand(join(BIN, "esbuild"), ["server.js", "--bundle", "--platform=node", "--format=esm", `--outfile=${join(out, "server.mjs")}`, "--log-level=warning"], {
    cwd: consumer.dir,
  });
  assert.deepEqual(readdirSync(out), ["server.mjs"], "one file, nothing to copy");
  prepareMock(mock);
  const { stdout } = await runCommand(process.execPath, [join(out, "server.mjs"), mock.url, API_KEY], { cwd: out });
  assertSmoke(assert, JSON.parse(stdout), mock);
});
