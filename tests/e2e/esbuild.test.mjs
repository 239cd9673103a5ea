// esbuild, as the README says to build a page with it:
//   esbuild page.js --bundle --format=esm --conditions=inline-wasm --outdir=dist
// esbuild copies no asset named by `new URL(…, import.meta.url)`, so the
// "inline-wasm" condition picks inline.js, whose wasm is inside the bundle.
// The page, served by a static server, runs one quote and one job against the
// mock in headless Chromium, then loads its server half (verifyWebhook).
// A server bundled with --platform=node takes node.js, whose wasm is a module
// too, so the bundle runs from any directory. The README's page that shows
// prices first and runs a job on click, bundled with --splitting, holds the
// calculator once; done naively (kling-extend/quote, then the client) twice.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { brotliCompressSync } from "node:zlib";
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

/**
 * The README's "Prices first, the client on click": nothing imported from
 * the package statically, one import() of the main entry started at once,
 * the price drawn when it resolves, the client taken from it on click.
 */
const PRICES_FIRST = `const kling = import("kling-extend");

kling.then(({ quote }) => {
  document.querySelector("#price").textContent = quote({ seconds: 10, resolution: "1080p" }).formatted;
});

window.extend = async (options) => {
  const { createClient } = await kling;
  const job = await createClient(options).run({ video_id: "vid_prices_first" }, { intervalMs: 20 });
  return { id: job.id, status: job.status, url: job.output.outputs[0].url };
};
`;

/** The same page done naively: the prices from kling-extend/quote, the client imported on click. */
const PRICES_TWICE = `import { quote } from "kling-extend/quote";

document.querySelector("#price").textContent = quote({ seconds: 10, resolution: "1080p" }).formatted;

window.extend = async (options) => {
  const { createClient } = await import("kling-extend");
  return createClient(options).run({ video_id: "vid_prices_twice" });
};
`;

const PRICES_HTML = `<!doctype html>
<html>
  <head><meta charset="utf-8"><link rel="icon" href="data:,"><title>kling-extend e2e (prices first)</title></head>
  <body><p id="price">…</p><script type="module" src="./prices-first/prices-first.js"></script></body>
</html>
`;

const SERVER = `import { smoke } from "./smoke.js";

const [mockUrl, apiKey] = process.argv.slice(2);
console.log(JSON.stringify(await smoke({ baseUrl: mockUrl, apiKey })));
`;

const { consumer, mock } = await createConsumerWithMock({
  name: "esbuild",
  files: {
    "smoke.js": SMOKE,
    "page.js": PAGE,
    "index.html": HTML,
    "server.js": SERVER,
    "prices-first.js": PRICES_FIRST,
    "prices-twice.js": PRICES_TWICE,
    "prices.html": PRICES_HTML,
  },
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

/**
 * Bundles `entry` as the README says for a page, with --splitting, into a
 * folder of its name; resolves esbuild's metafile: which package files each
 * output holds.
 */
async function splitPage(entry) {
  const name = entry.replace(/\.js$/, "");
  await runCommand(
    join(BIN, "esbuild"),
    [entry, "--bundle", "--splitting", "--format=esm", "--conditions=inline-wasm", `--outdir=${name}`, `--metafile=${name}.meta.json`, "--log-level=warning"],
    { cwd: consumer.dir },
  );
  return JSON.parse(readFileSync(join(consumer.dir, `${name}.meta.json`), "utf8"));
}

/** The outputs of a metafile that hold `input` (a path ending), and those of the entry itself. */
const holding = (meta, input) => Object.keys(meta.outputs).filter((out) => Object.keys(meta.outputs[out].inputs).some((file) => file.endsWith(input)));
const CALCULATOR = "kling-extend/quote/kling_extend_bg.wasm.js";
const CLIENT = "kling-extend/web/kling_extend_bg.wasm.js";

test("esbuild: the README's prices-first page holds the calculator once, shows the price, then runs a job on click", { timeout: 60_000 }, async (t) => {
  const naive = await splitPage("prices-twice.js");
  assert.equal(holding(naive, CALCULATOR).length, 1, "done naively, the calculator build is in the bundle (the check can fail)");
  assert.equal(holding(naive, CLIENT).length, 1, "next to the client's build, which carries the calculator too");

  const meta = await splitPage("prices-first.js");
  assert.deepEqual(holding(meta, CALCULATOR), [], "no calculator-only build: the calculator comes once, in the client's");
  const [entry] = Object.keys(meta.outputs).filter((out) => meta.outputs[out].entryPoint === "prices-first.js");
  assert.deepEqual(Object.keys(meta.outputs[entry].inputs), ["prices-first.js"], "the page's own script holds nothing of the package: it is imported lazily");
  assert.equal(holding(meta, CLIENT).length, 1, "the client's build is one chunk");

  server ??= await serveStatic(consumer.dir);
  browser ??= await chromium.launch(CHROMIUM_LAUNCH);
  const { page, seen } = await watchedPage(browser);
  const scripts = [];
  page.on("request", (request) => request.url().endsWith(".js") && scripts.push(new URL(request.url()).pathname));
  await page.goto(`${server.url}/prices.html`);
  await page.waitForFunction(() => document.querySelector("#price")?.textContent === "₹300.00", null, { timeout: 15_000 }).catch((err) => {
    throw new Error(`the price never showed (${err.message}):\n${seen.problems.join("\n")}`);
  });
  const clientChunk = `/${holding(meta, CLIENT)[0]}`;
  assert.ok(scripts.includes(clientChunk), `the client's chunk loaded for the price (${scripts.join(", ")})`);

  prepareMock(mock);
  const before = [...scripts];
  const options = { baseUrl: mock.url, apiKey: API_KEY, dangerouslyAllowBrowser: true };
  const job = await page.evaluate((o) => window.extend(o), options);
  assert.equal(job.status, "succeeded");
  assert.equal(job.url, `${mock.url}/media/${job.id}.mp4`, "the mock's video");
  assert.equal(mock.log.filter((e) => e.method === "POST").length, 1, "one submit");
  assert.deepEqual(scripts, before, "the click loaded no script: it took the module already loaded");
  assert.deepEqual(seen.problems, [], "no page error, console error or failed load");
  const brotli = scripts.reduce((sum, path) => sum + brotliCompressSync(readFileSync(join(consumer.dir, path))).length, 0);
  t.diagnostic(`prices first, then a job: ${scripts.join(", ")}: ${(brotli / 1000).toFixed(1)} KB brotli`);
});
