// examples/chain-workflow on this machine: the mock of both services, and
// the example Worker in `wrangler dev` (its Workflow run by workerd) pointed
// at the mock, with a Kling key and a webhook secret that only the two
// share. The example runs as it ships: its wrangler.toml and src/ copied
// into a temp project whose node_modules/kling-extend is this repository's
// pkg/, the key, the secret and the mock's URL in that project's .dev.vars.
// Prints the Worker's URL and how to start a chain and read it; Ctrl-C (or
// SIGTERM) stops wrangler and the mock and removes the temp project.
//
//   scripts/chain-workflow.sh [--port N]        builds the package, then runs this
//   node scripts/chain-workflow.mjs [--port N]  (default 8787; 0 = any free port)
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const PKG = join(ROOT, "pkg");
const EXAMPLE = join(ROOT, "examples", "chain-workflow");
const WRANGLER = join(ROOT, "node_modules", ".bin", "wrangler");
/** The one Kling API key the mock accepts and the Worker holds. */
const KLING_API_KEY = "local-kling-key";

const portArg = process.argv.indexOf("--port");
const port = Number(portArg > 0 ? process.argv[portArg + 1] : 8787);
if (!(Number.isInteger(port) && port >= 0 && port <= 65535)) fail("usage: node scripts/chain-workflow.mjs [--port N]   (N from 0 to 65535)", 2);
if (!existsSync(join(PKG, "workflows.js"))) fail("pkg/ is not built: run scripts/chain-workflow.sh, or bash scripts/build.sh first");
if (!existsSync(WRANGLER)) fail("wrangler is not installed: run bash scripts/setup.sh first");

const { startMock } = await import(pathToFileURL(join(PKG, "mock", "index.js")).href);
const secret = `whsec_${randomBytes(24).toString("base64")}`;
// Each status lasts a second, so a chain's progress can be watched.
const mock = await startMock({ klingApiKeys: [KLING_API_KEY], webhookSecret: secret, advance: { mode: "time", stepMs: 1000 } });
const project = mkdtempSync(join(tmpdir(), "kling-extend-chain-workflow-"));
let wrangler;
let stopping;
for (const signal of ["SIGINT", "SIGTERM"]) process.once(signal, () => stop().then(() => process.exit(0)));

try {
  cpSync(join(EXAMPLE, "wrangler.toml"), join(project, "wrangler.toml"));
  cpSync(join(EXAMPLE, "src"), join(project, "src"), { recursive: true });
  mkdirSync(join(project, "node_modules"));
  symlinkSync(PKG, join(project, "node_modules", "kling-extend"), "dir");
  writeFileSync(join(project, ".dev.vars"), `KLING_API_KEY=${KLING_API_KEY}\nWEBHOOK_SECRET=${secret}\nUPSTREAM_URL=${mock.url}\n`);
  // wrangler answers --port 0 with the port it took, on its "Ready on" line.
  wrangler = spawn(WRANGLER, ["dev", "--ip", "127.0.0.1", "--port", String(port)], {
    cwd: project,
    env: { ...process.env, WRANGLER_SEND_METRICS: "false" },
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
  });
  const url = await ready(wrangler);
  console.log(`kling-extend chain-workflow: ${url}  (examples/chain-workflow in wrangler dev, the services mocked at ${mock.url})
  start a chain:  curl -X POST ${url}/chains -d '{"videoId":"vid_1","prompts":["the camera pulls back","night falls"]}'
  read it:        curl ${url}/chains/<id>
  the project:    ${project} (removed on exit; its .wrangler/ holds the Workflow's state)`);
} catch (error) {
  await stop();
  fail(`kling-extend chain-workflow: could not start: ${error.message}`);
}

wrangler.once("exit", (code) => {
  if (stopping) return;
  console.error(`kling-extend chain-workflow: wrangler exited (${code})`);
  stop().then(() => process.exit(1));
});

/** Passes wrangler's output on, and resolves its URL once it is ready. */
function ready(child) {
  return new Promise((resolve, reject) => {
    let output = "";
    const watch = (into) => (chunk) => {
      into.write(chunk);
      output += chunk;
      const match = /Ready on (http:\/\/\S+)/.exec(output);
      if (match) resolve(match[1].replace(/\/$/, ""));
    };
    child.stdout.on("data", watch(process.stdout));
    child.stderr.on("data", watch(process.stderr));
    child.once("exit", (code) => reject(new Error(`wrangler dev exited (${code}) before it was ready`)));
  });
}

/** Ends wrangler's process group (workerd included) and the mock, and removes the temp project; once. */
function stop() {
  stopping ??= (async () => {
    if (wrangler?.exitCode === null && wrangler.signalCode === null) {
      const exited = new Promise((resolve) => wrangler.once("exit", resolve));
      try {
        process.kill(-wrangler.pid, "SIGTERM");
        await exited;
      } catch {
        // Already gone.
      }
    }
    await mock.close();
    rmSync(project, { recursive: true, force: true });
  })();
  return stopping;
}

function fail(message, code = 1) {
  console.error(message);
  process.exit(code);
}
