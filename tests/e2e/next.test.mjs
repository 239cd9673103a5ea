// Next.js 16, built twice as the README says it needs nothing: `next build`
// (Turbopack, the default) and `next build --webpack`, each served by
// `next start`. The app has
//   - a page whose client component quotes while it is prerendered (Node, at
//     build time) and, in Chromium, runs a job through createProxy;
//   - the proxy, as one catch-all route handler under a prefix
//     (app/api/video/[...path], createProxy's basePath), the mock as upstream,
//     made when its module loads as the README's is: the build loads it with
//     TRINETRA_API_KEY unset, and only `next start` has the key;
//   - a Node-runtime route (app/api/node) and an edge-runtime route
//     (pages/api/edge: Next 16.4.6's webpack build fails on any App Router
//     route handler with runtime "edge", with or without this package), each
//     running a quote and a job server-side.
// kling-extend comes from the packed tarball; next, react and react-dom are
// linked from the repository's node_modules (no registry in tests), which is
// why next.config.mjs sets turbopack.root: Turbopack reads no file outside it.
import { describe, test, before, after } from "node:test";
import assert from "node:assert/strict";
import { symlinkSync } from "node:fs";
import { join } from "node:path";
import { chromium } from "playwright-core";
import { API_KEY, CHROMIUM_LAUNCH, REPO, closeAll, createConsumerWithMock } from "./consumer.mjs";
import { SMOKE, assertSmoke, freePort, prepareMock, runCommand, startServer, watchedPage } from "./toolchain.mjs";

const FILES = {
  "smoke.js": SMOKE,
  "next.config.mjs": `export default { turbopack: { root: "/" } };\n`,
  "app/layout.js": `export default function RootLayout({ children }) {
  return (
    <html>
      <head><link rel="icon" href="data:," /></head>
      <body>{children}</body>
    </html>
  );
}
`,
  "app/page.js": `import Client from "./client.js";

export default function Page() {
  return <Client />;
}
`,
  "app/client.js": `"use client";
import { useEffect, useState } from "react";
import { quote } from "kling-extend";
import { smoke } from "../smoke.js";

// Quotes while rendering (so prerendering runs the wasm), then runs a job
// through the proxy, which is this app itself.
export default function Client() {
  const [result, setResult] = useState("");
  useEffect(() => {
    smoke({ baseUrl: \`\${window.location.origin}/api/video\` }, "vid_next_client").then(
      (answer) => setResult(JSON.stringify(answer)),
      (error) => setResult(JSON.stringify({ error: String(error) })),
    );
  }, []);
  return (
    <main>
      <p id="quote">{quote({ seconds: 10, resolution: "1080p" }).formatted}</p>
      <pre id="result">{result}</pre>
    </main>
  );
}
`,
  "app/api/video/[...path]/route.js": `import { createProxy } from "kling-extend";

// The README's route: the proxy is made when the module loads, which \`next
// build\` does with TRINETRA_API_KEY unset (only \`next start\` has it). The
// mock is its upstream, and the page's origin the one allowed.
const proxy = createProxy({
  baseUrl: process.env.MOCK_URL,
  apiKey: process.env.TRINETRA_API_KEY,
  allowedOrigins: [process.env.APP_ORIGIN],
  basePath: "/api/video",
});

export const GET = proxy;
export const POST = proxy;
export const OPTIONS = proxy;
`,
  "app/api/node/route.js": `import { smoke } from "../../../smoke.js";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";
export const GET = async () => Response.json(await smoke({ baseUrl: process.env.MOCK_URL, apiKey: process.env.MOCK_KEY }, "vid_next_node"));
`,
  "pages/api/edge.js": `import { smoke } from "../../smoke.js";

export const config = { runtime: "edge" };
export default async function handler() {
  return Response.json(await smoke({ baseUrl: process.env.MOCK_URL, apiKey: process.env.MOCK_KEY }, "vid_next_edge"));
}
`,
};

const { consumer, mock } = await createConsumerWithMock({ name: "next", files: FILES });
for (const name of ["next", "react", "react-dom"]) {
  symlinkSync(join(REPO, "node_modules", name), join(consumer.dir, "node_modules", name));
}
const NEXT = join(consumer.dir, "node_modules", "next", "dist", "bin", "next");
const env = { ...process.env, NEXT_TELEMETRY_DISABLED: "1", NO_COLOR: "1" };
// The build runs without the proxy's key, as a CI build without the secret does.
for (const name of ["TRINETRA_API_KEY", "KLING_API_KEY", "KLING_ACCESS_KEY", "KLING_SECRET_KEY"]) delete env[name];

let browser;
try {
  browser = await chromium.launch(CHROMIUM_LAUNCH);
} catch (err) {
  await closeAll([() => mock.close(), () => consumer.cleanup()]);
  throw err;
}
after(() => closeAll([() => browser.close(), () => mock.close(), () => consumer.cleanup()]));

for (const [bundler, flags] of [["turbopack", []], ["webpack", ["--webpack"]]]) {
  describe(`next (${bundler})`, () => {
    let app;
    let origin;
    before(async () => {
      // The build loads the proxy's route module with no key: it must not
      // throw. The page's origin (its port) is known only once it starts, and
      // `next start` loads the module again: the build gets a stand-in.
      const buildEnv = { ...env, MOCK_URL: mock.url, APP_ORIGIN: "http://127.0.0.1:1" };
      await runCommand(process.execPath, [NEXT, "build", ...flags], { cwd: consumer.dir, env: buildEnv });
      const port = await freePort();
      origin = `http://127.0.0.1:${port}`;
      app = await startServer(process.execPath, [NEXT, "start", "-p", String(port), "-H", "127.0.0.1"], {
        cwd: consumer.dir,
        env: { ...env, MOCK_URL: mock.url, MOCK_KEY: API_KEY, APP_ORIGIN: origin, TRINETRA_API_KEY: API_KEY },
        ready: /Ready in/,
      });
    });
    after(() => app?.stop());

    /** GET `path` of the app: its JSON, or a failure with what it answered. */
    async function getJson(path) {
      const res = await fetch(origin + path);
      const text = await res.text();
      assert.equal(res.status, 200, `${path} answered ${res.status}: ${text.slice(0, 2000)}\n${app.output()}`);
      return JSON.parse(text);
    }

    test(`next (${bundler}): a Node-runtime route quotes and runs a job`, async () => {
      prepareMock(mock);
      assertSmoke(assert, await getJson("/api/node"), mock, "vid_next_node");
    });

    test(`next (${bundler}): an edge-runtime route quotes and runs a job`, async () => {
      prepareMock(mock);
      assertSmoke(assert, await getJson("/api/edge"), mock, "vid_next_edge");
    });

    test(`next (${bundler}): the prerendered page quotes; in Chromium it runs a job through createProxy`, async () => {
      const html = await (await fetch(origin)).text();
      assert.match(html, /<p id="quote">₹300\.00<\/p>/, "prerendered with the quote");
      prepareMock(mock);
      const { page, seen } = await watchedPage(browser);
      try {
        await page.goto(origin);
        await page.waitForFunction(() => document.querySelector("#result")?.textContent, null, { timeout: 20_000 }).catch((err) => {
          throw new Error(`no result in the page (${err.message}):\n${seen.problems.join("\n")}`);
        });
        const result = JSON.parse(await page.textContent("#result"));
        assert.equal(result.error, undefined, result.error);
        assertSmoke(assert, result, mock, "vid_next_client");
        const submit = mock.log.find((entry) => entry.method === "POST");
        assert.equal(submit.headers["x-api-key"], "[redacted]", "the proxy added the key the page never had");
        assert.equal(seen.wasm.length, 1, `the page fetched the web build's wasm once (${seen.wasm.join(", ")})`);
        assert.deepEqual(seen.problems, [], "no page error, console error or failed load");
      } finally {
        await page.close();
      }
    });
  });
}
