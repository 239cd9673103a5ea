// kling-extend/quote, installed from the packed package and resolved through
// its `exports` as a user's project resolves it: in Node (the "node"
// condition), in workerd (a wrangler bundle run by Miniflare: "workerd"), and
// in headless Chromium, as a page without a bundler (an import map to
// quote/index.js) and as an esbuild bundle (--conditions=inline-wasm:
// quote/inline.js). Each runs the same 10,000 seeded inputs (quote-cases.js)
// through kling-extend/quote and the main entry, and every answer must be
// the same, errors included; then, through both, inputs whose getters and
// Proxy traps quote again or grow the wasm memory while they are read
// (quote-reentrancy.js).
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { Miniflare } from "miniflare";
import { chromium } from "playwright-core";
import { BIN, CHROMIUM_LAUNCH, closeAll, createConsumer, importFrom, wranglerDryRun } from "./consumer.mjs";
import { runCommand, serveStatic, watchedPage } from "./toolchain.mjs";

const CASES = readFileSync(new URL("./quote-cases.js", import.meta.url), "utf8");
const REENTRANCY = readFileSync(new URL("./quote-reentrancy.js", import.meta.url), "utf8");

/** Both entries side by side, as every runtime imports them. */
const COMPARE = `import * as calculator from "kling-extend/quote";
import * as main from "kling-extend";
import { compare } from "./quote-cases.js";
import { reentrancy } from "./quote-reentrancy.js";

// Synchronous right after the import: no init().
export const first = calculator.quote({ seconds: 10, resolution: "1080p" }).formatted;
export const exported = Object.keys(calculator).sort();
export const run = () => ({ ...compare(calculator, main), reentrancy: reentrancy(calculator, main) });
`;

const WORKER = `import { first, exported, run } from "./compare.js";

export default {
  fetch() {
    return Response.json({ first, exported, ...run() });
  },
};
`;

const PAGE = `import { first, exported, run } from "./compare.js";

window.result = { first, exported, ...run() };
`;

const HTML = (script) => `<!doctype html>
<html>
  <head>
    <meta charset="utf-8"><link rel="icon" href="data:,"><title>kling-extend/quote e2e</title>
    <script type="importmap">{ "imports": {
      "kling-extend": "/node_modules/kling-extend/index.js",
      "kling-extend/quote": "/node_modules/kling-extend/quote/index.js"
    } }</script>
  </head>
  <body><script type="module" src="${script}"></script></body>
</html>
`;

const consumer = await createConsumer({
  name: "quote",
  files: {
    "quote-cases.js": CASES,
    "quote-reentrancy.js": REENTRANCY,
    "compare.js": COMPARE,
    "worker.js": WORKER,
    "wrangler.toml": 'name = "kling-extend-quote-e2e"\nmain = "worker.js"\ncompatibility_date = "2026-04-01"\n',
    "page.js": PAGE,
    "plain.html": HTML("./page.js"),
    "bundled.html": HTML("./bundle/page.js"),
    "resolve.mjs": 'export const resolved = import.meta.resolve("kling-extend/quote");\n',
  },
});
/** How many checks quote-reentrancy.js makes, both entries together. */
const REENTRANCY_CHECKS = 172;
let mf;
let server;
let browser;
after(() => closeAll([() => browser?.close(), () => server?.close(), () => mf?.dispose(), () => consumer.cleanup()]));

/**
 * Checks what an entry answered: the first quote, its exports, 10,000
 * answers like the main entry's, and every re-entrancy check passed.
 */
function assertSame(result) {
  assert.equal(result.first, "₹300.00", "a quote right after the import");
  assert.deepEqual(result.exported, ["quote", "quoteChain"], "kling-extend/quote exports quote and quoteChain only");
  assert.equal(result.count, 10_000);
  assert.ok(result.refused > 2_000 && result.refused < 8_000, `both priced and refused inputs (${result.refused} refused)`);
  assert.equal(result.differing, 0, `answers differ from the main entry's: ${JSON.stringify(result.examples, null, 1)}`);
  assert.deepEqual(result.reentrancy.failures, [], "quotes of inputs that run code while they are read");
  assert.equal(result.reentrancy.checks, REENTRANCY_CHECKS, "every re-entrancy check ran");
}

test("quote: the tarball holds the entry, and Node resolves it to quote/node.js", async () => {
  for (const file of ["quote/index.js", "quote/node.js", "quote/workerd.js", "quote/inline.js", "quote/index.d.ts", "quote/kling_extend_bg.wasm", "quote/kling_extend_bg.wasm.js"]) {
    assert.ok(consumer.packedFiles.includes(file), `${file} is in the tarball`);
  }
  const { resolved } = await importFrom(consumer, "resolve.mjs");
  assert.match(resolved, /\/node_modules\/kling-extend\/quote\/node\.js$/);
});

test("quote in Node: the same 10,000 answers as the main entry", async () => {
  const { first, exported, run } = await importFrom(consumer, "compare.js");
  assertSame({ first, exported, ...run() });
});

test("quote in workerd: wrangler bundles the workerd entry, and it answers as the main entry", { timeout: 120_000 }, async () => {
  await wranglerDryRun(consumer);
  const dist = join(consumer.dir, "dist");
  const bundle = readFileSync(join(dist, "worker.js"), "utf8");
  const wasm = readdirSync(dist).filter((f) => f.endsWith(".wasm"));
  assert.equal(wasm.length, 2, `the main entry's and the calculator's wasm, as modules (${wasm.join(", ")})`);
  assert.ok(!bundle.includes("quote/kling_extend_bg.wasm.js"), "not the Node entry (bytes in a module)");
  mf = new Miniflare({
    modules: true,
    scriptPath: join(dist, "worker.js"),
    modulesRoot: dist,
    modulesRules: [{ type: "CompiledWasm", include: ["**/*.wasm"] }],
    compatibilityDate: "2026-04-01",
  });
  const result = await (await mf.dispatchFetch("http://worker.test/")).json();
  assertSame(result);
});

test("quote in Chromium: a page without a bundler, and an esbuild bundle, answer as the main entry", { timeout: 120_000 }, async () => {
  await runCommand(join(BIN, "esbuild"), ["page.js", "--bundle", "--format=esm", "--conditions=inline-wasm", "--outdir=bundle", "--log-level=warning"], {
    cwd: consumer.dir,
  });
  server = await serveStatic(consumer.dir);
  browser = await chromium.launch(CHROMIUM_LAUNCH);
  for (const [html, wasm] of [["plain.html", ["quote/kling_extend_bg.wasm", "web/kling_extend_bg.wasm"]], ["bundled.html", []]]) {
    const { page, seen } = await watchedPage(browser);
    await page.goto(`${server.url}/${html}`);
    await page.waitForFunction(() => window.result !== undefined, null, { timeout: 60_000 }).catch((err) => {
      throw new Error(`${html} never answered (${err.message}):\n${seen.problems.join("\n")}`);
    });
    assertSame(await page.evaluate(() => window.result));
    assert.deepEqual(seen.problems, [], `${html}: no page or console error`);
    const fetched = seen.wasm.map((url) => new URL(url).pathname.replace("/node_modules/kling-extend/", "")).sort();
    assert.deepEqual(fetched, wasm.sort(), `${html}: the wasm it fetched`);
    await page.close();
  }
});
