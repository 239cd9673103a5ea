// Bun, as the README says to run it: `bun main.js` in a project that
// installed the packed package with npm (Bun matches the "node" condition).
// The bun binary is the one npm installed (the `bun` dev dependency).
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { API_KEY, BIN, closeAll, createConsumerWithMock } from "./consumer.mjs";
import { SMOKE, assertSmoke, prepareMock, runCommand } from "./toolchain.mjs";

const MAIN = `import { smoke } from "./smoke.js";

const [mockUrl, apiKey] = process.argv.slice(2);
const result = await smoke({ baseUrl: mockUrl, apiKey });
console.log(JSON.stringify({ ...result, resolved: import.meta.resolve("kling-extend") }));
`;

const { consumer, mock } = await createConsumerWithMock({ name: "bun", files: { "smoke.js": SMOKE, "main.js": MAIN } });
after(() => closeAll([() => mock.close(), () => consumer.cleanup()]));

test("bun: a quote and a whole job against the mock", { timeout: 60_000 }, async () => {
  prepareMock(mock);
  const { stdout } = await runCommand(join(BIN, "bun"), ["main.js", mock.url, API_KEY], {
    cwd: consumer.dir,
    env: { ...process.env, BUN_INSTALL_CACHE_DIR: join(consumer.root, "bun-cache"), DO_NOT_TRACK: "1", NO_COLOR: "1" },
  });
  const result = JSON.parse(stdout.trim().split("\n").at(-1));
  assert.match(result.resolved, /\/node_modules\/kling-extend\/node\.js$/, "Bun takes the node entry");
  assertSmoke(assert, result, mock);
});
