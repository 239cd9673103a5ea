// Deno, as the README says to run it: `deno run --allow-net main.js` in a
// project that installed the packed package with npm. Deno matches the
// "node" condition; the wasm comes inside a JS module, so no --allow-read.
// The deno binary is the one npm installed (the `deno` dev dependency).
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
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

const { consumer, mock } = await createConsumerWithMock({ name: "deno", files: { "smoke.js": SMOKE, "main.js": MAIN } });
after(() => closeAll([() => mock.close(), () => consumer.cleanup()]));

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
