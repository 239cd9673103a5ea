// Deno, as the README says to run it: `deno run --allow-net main.js` in a
// project that installed the packed package with npm. Deno matches the
// "node" condition; the wasm comes inside a JS module, so no --allow-read.
// The deno binary is the one npm installed (the `deno` dev dependency).
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { join } from "node:path";
import { startHostile } from "./hostile-server.mjs";
import { API_KEY, BIN, closeAll, createConsumerWithMock } from "./consumer.mjs";
import { SMOKE, assertSmoke, prepareMock, runCommand } from "./toolchain.mjs";

const MAIN = `import { smoke } from "./smoke.js";
import { extendVideo } from "kling-extend";

const [mockUrl, apiKey] = Deno.args;
const options = { baseUrl: mockUrl, apiKey };
const result = await smoke(options);
// A host outside --allow-net: Deno refuses the submit before it leaves.
const error = await extendVideo({ video_id: "vid_refused" }, { ...options, baseUrl: "http://127.0.0.2:8080" }).catch((error) => error);
const refused = { code: error.code, maybeSubmitted: error.maybeSubmitted, message: error.message };
console.log(JSON.stringify({ ...result, resolved: import.meta.resolve("kling-extend"), refused }));
`;

/** createProxy served by Deno.serve, printing its port. */
const SERVE = `import { createProxy } from "kling-extend";

const [upstream] = Deno.args;
const proxy = createProxy({ apiKey: "deno-proxy-key", baseUrl: upstream, allowedOrigins: ["*"] });
Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: ({ port }) => console.log(JSON.stringify({ port })) }, proxy);
`;

const { consumer, mock } = await createConsumerWithMock({ name: "deno", files: { "smoke.js": SMOKE, "main.js": MAIN, "serve.js": SERVE } });
const hostile = await startHostile();
after(() => closeAll([() => hostile.close(), () => mock.close(), () => consumer.cleanup()]));

/**
 * `deno run --allow-net=127.0.0.1 main.js` (the README's command, its network
 * narrowed to the mock's host), its cache inside the temp dir; its printed JSON.
 */
async function denoRun() {
  const { stdout } = await runCommand(join(BIN, "deno"), ["run", "--allow-net=127.0.0.1", "main.js", mock.url, API_KEY], {
    cwd: consumer.dir,
    env: { ...process.env, DENO_DIR: join(consumer.root, "deno-dir"), DENO_NO_UPDATE_CHECK: "1", NO_COLOR: "1" },
  });
  return JSON.parse(stdout.trim().split("\n").at(-1));
}

test("deno: with --allow-net only, a quote and a whole job against the mock", { timeout: 60_000 }, async () => {
  prepareMock(mock);
  const result = await denoRun();
  assert.match(result.resolved, /\/node_modules\/kling-extend\/node\.js$/, "Deno takes the node entry");
  assertSmoke(assert, result, mock);
  // A request Deno's permissions refused never left: it is not reported as maybe accepted.
  assert.equal(result.refused.code, "network_error");
  assert.equal(result.refused.maybeSubmitted, false, result.refused.message);
  assert.doesNotMatch(result.refused.message, /may have/);
});

test("deno: a proxy under Deno.serve aborts its upstream request when the caller goes away (request.signal)", { timeout: 60_000 }, async () => {
  const env = { ...process.env, DENO_DIR: join(consumer.root, "deno-dir"), DENO_NO_UPDATE_CHECK: "1", NO_COLOR: "1" };
  const server = spawn(join(BIN, "deno"), ["run", "--allow-net=127.0.0.1", "serve.js", `${hostile.url}/slow-headers`], { cwd: consumer.dir, env });
  try {
    const { port } = await new Promise((resolve, reject) => {
      server.stdout.once("data", (data) => resolve(JSON.parse(String(data).split("\n")[0])));
      server.once("exit", (code) => reject(new Error(`deno exited with ${code}`)));
    });
    await fetch(`${hostile.url}/__hostile/reset`, { method: "POST" });
    await Promise.all(
      Array.from({ length: 10 }, async () => {
        const controller = new AbortController();
        setTimeout(() => controller.abort(), 300);
        await fetch(`http://127.0.0.1:${port}/v1/jobs/job_1`, { signal: controller.signal }).catch(() => {});
      }),
    );
    const log = async () => (await (await fetch(`${hostile.url}/__hostile/log`)).json()).main;
    const started = Date.now();
    while ((await log()).some((e) => !e.closed) && Date.now() - started < 3_000) await new Promise((resolve) => setTimeout(resolve, 50));
    const main = await log();
    assert.equal(main.length, 10, "every caller's request reached the upstream");
    assert.deepEqual(main.filter((e) => !e.closed), [], "every upstream request was closed once its caller left");
  } finally {
    server.kill();
  }
});
