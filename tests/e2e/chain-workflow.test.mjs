// scripts/chain-workflow.mjs, the one command that runs
// examples/chain-workflow locally: started from the repository as a
// developer would (on the built pkg/), it runs the example in `wrangler dev`
// against the mock and prints the Worker's URL; a chain started through the
// example's own route completes through the mock's signed callbacks; SIGTERM
// stops wrangler, workerd and the mock and removes the temp project.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { REPO, buildPackage } from "./consumer.mjs";

await buildPackage();
// wrangler writes its config and logs under HOME: a temp one, as the other wrangler tests do.
const home = mkdtempSync(join(tmpdir(), "kling-extend-e2e-chain-workflow-"));
after(() => rmSync(home, { recursive: true, force: true }));

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** What `read()` answers once it is not undefined, within `ms`, or an error showing `output()`. */
async function until(read, ms, what, output) {
  for (const end = Date.now() + ms; Date.now() < end; await sleep(200)) {
    const value = await read();
    if (value !== undefined) return value;
  }
  throw new Error(`${what} within ${ms} ms; the command's output:\n${output()}`);
}

test("chain-workflow: one command runs the example against the mock, a chain completes, and SIGTERM stops it all", { timeout: 240_000 }, async () => {
  const child = spawn(process.execPath, ["scripts/chain-workflow.mjs", "--port", "0"], {
    cwd: REPO,
    env: { ...process.env, HOME: home, XDG_CONFIG_HOME: join(home, ".config"), CI: "true", NO_COLOR: "1" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout.on("data", (chunk) => (output += chunk));
  child.stderr.on("data", (chunk) => (output += chunk));
  const exited = new Promise((resolve) => child.once("exit", (code, signal) => resolve({ code, signal })));
  let url;
  let mockUrl;
  let project;
  try {
    const banner = await until(() => /chain-workflow: (http:\S+) .*mocked at (http:\S+)\)[\s\S]*the project: +(\S+)/.exec(output) ?? undefined, 150_000, "no URL was printed", () => output);
    [, url, mockUrl, project] = banner;
    assert.ok(existsSync(join(project, ".dev.vars")), "the temp project holds the example's secrets");

    const started = await fetch(`${url}/chains`, { method: "POST", body: JSON.stringify({ videoId: "vid_local", prompts: ["the camera pulls back", "night falls"] }) });
    assert.equal(started.status, 202, await started.clone().text());
    const { id } = await started.json();
    const status = await until(
      async () => {
        const now = await (await fetch(`${url}/chains/${id}`)).json();
        return ["queued", "running", "waiting"].includes(now.status) ? undefined : now;
      },
      60_000,
      "the chain did not end",
      () => output,
    );
    // Within a minute, though a step waits 10 minutes for its callback before it reads the job: the callbacks came.
    assert.equal(status.status, "complete", JSON.stringify(status));
    assert.deepEqual(
      status.output.map((job) => [job.status, job.output.outputs[0].url.startsWith(`${mockUrl}/media/`), job.output.outputs[0].duration]),
      [["succeeded", true, 10], ["succeeded", true, 15]],
      "two steps, the second extending the first's video, made by the mock",
    );
  } finally {
    child.kill("SIGTERM");
  }
  assert.deepEqual(await exited, { code: 0, signal: null }, `it stops cleanly on SIGTERM:\n${output}`);
  assert.ok(!existsSync(project), "the temp project is removed");
  await assert.rejects(fetch(`${url}/chains/x`), "the Worker no longer answers");
  await assert.rejects(fetch(`${mockUrl}/__mock/config`), "nor the mock");
});
