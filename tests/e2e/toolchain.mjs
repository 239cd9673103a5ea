// What the toolchain tests (esbuild, Next.js, Deno, Bun) share: the one job
// each runs in its runtime (SMOKE, written into the consumer project as
// smoke.js), the checks of its result against the mock, a static file server
// for pages, and child processes that are always stopped.
import { execFile, spawn } from "node:child_process";
import { createServer } from "node:http";
import { readFile } from "node:fs/promises";
import { extname, resolve, sep } from "node:path";
import { promisify } from "node:util";

/** The contract's names, which every entry exports (the same list as browser.test.mjs). */
export const EXPORTS = [
  "KlingExtendError", "chainExtensions", "createClient", "createProxy", "extendVideo", "getJob", "isKlingExtendError",
  "parseWebhook", "pollJob", "quote", "quoteChain", "run", "signKlingToken", "validateRequest", "verifyWebhook",
];

export const SUBMIT_PATH = "/v1/video/kling-extend-video";

/**
 * smoke.js, runtime-neutral: one quote and one whole job (submit, then poll
 * to the end), answered as plain JSON so any runtime can print or return it.
 * `options` are the call options (the mock and its key, or a proxy's URL).
 */
export const SMOKE = `import * as kling from "kling-extend";

export async function smoke(options, videoId = "vid_smoke") {
  const price = kling.quote({ seconds: 10, resolution: "1080p" });
  const { job_id } = await kling.extendVideo({ video_id: videoId, prompt: "the camera pulls back", resolution: "1080p" }, options);
  const job = await kling.pollJob(job_id, { ...options, intervalMs: 20 });
  return {
    exports: Object.keys(kling).sort(),
    quote: { credits: price.credits, formatted: price.formatted },
    job: { id: job.id, status: job.status, url: job.output.outputs[0].url, credits: job.credits_charged },
  };
}
`;

/** Resets `mock` so each job ends on its second poll. */
export function prepareMock(mock) {
  mock.reset();
  mock.configure({ advance: { mode: "polls", stepPolls: 1 } });
}

/**
 * Checks smoke()'s answer: the whole contract exported, the quote exact, the
 * job finished with the mock's output and charged what was quoted, and
 * exactly one submit with `videoId` reaching the mock.
 */
export function assertSmoke(assert, result, mock, videoId = "vid_smoke") {
  assert.deepEqual(result.exports, EXPORTS, "the entry exports the whole contract");
  assert.deepEqual(result.quote, { credits: 300, formatted: "₹300.00" });
  assert.equal(result.job.status, "succeeded");
  assert.match(result.job.id, /^job_klingextendvideo_[0-9a-f]+$/);
  assert.equal(result.job.url, `${mock.url}/media/${result.job.id}.mp4`);
  assert.equal(result.job.credits, result.quote.credits, "charged what was quoted");
  const submits = mock.log.filter((entry) => entry.method === "POST" && entry.path === SUBMIT_PATH);
  assert.equal(submits.length, 1, `one submit reached the mock (${mock.log.map((e) => `${e.method} ${e.path}`).join(", ")})`);
  const job = mock.jobs.find((j) => j.id === result.job.id);
  assert.equal(job?.video_id, videoId, "the mock holds the job that was submitted");
}

const run = promisify(execFile);

/** Runs `command` to its end; its output, or an error carrying all of it. */
export async function runCommand(command, args, options) {
  try {
    const { stdout, stderr } = await run(command, args, { maxBuffer: 64 << 20, ...options });
    return { stdout, stderr };
  } catch (err) {
    throw new Error(`${command} ${args.join(" ")} failed (${err.code ?? err.signal}):\n${err.stdout ?? ""}${err.stderr ?? ""}`);
  }
}

/**
 * Starts a long-running server `command` in its own process group and waits
 * until its output matches `ready`. `stop()` ends the whole group (a server
 * may fork workers, as `next start` does), by its id.
 */
export async function startServer(command, args, { ready, timeoutMs = 60_000, ...options }) {
  const child = spawn(command, args, { ...options, detached: true, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  const exited = new Promise((resolve) => child.once("exit", resolve));
  await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${command} was not ready after ${timeoutMs} ms:\n${output}`)), timeoutMs);
    const onData = (chunk) => {
      output += chunk;
      if (ready.test(output)) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout.on("data", onData);
    child.stderr.on("data", onData);
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`${command} exited (${code}) before it was ready:\n${output}`));
    });
  });
  return {
    output: () => output,
    async stop() {
      try {
        process.kill(-child.pid, "SIGTERM");
      } catch {
        return; // Already gone.
      }
      await exited;
    },
  };
}

/** A port free now on 127.0.0.1, for servers that must be told theirs before they start. */
export async function freePort() {
  const server = createServer();
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

const MIME = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".json": "application/json",
  ".wasm": "application/wasm",
  ".css": "text/css",
  ".map": "application/json",
};

/** A static file server for `root` on 127.0.0.1 (any free port). */
export async function serveStatic(root) {
  const base = resolve(root);
  const server = createServer(async (req, res) => {
    try {
      const path = decodeURIComponent(new URL(req.url ?? "/", "http://x").pathname);
      const file = resolve(base, `.${path}`);
      if (file !== base && !file.startsWith(base + sep)) throw Object.assign(new Error("outside root"), { code: "ENOENT" });
      const body = await readFile(file);
      res.writeHead(200, {
        "content-type": MIME[extname(file)] ?? "application/octet-stream",
        "cache-control": "no-store",
      });
      res.end(body);
    } catch (err) {
      res.writeHead(err.code === "ENOENT" || err.code === "EISDIR" ? 404 : 500, { "content-type": "text/plain" });
      res.end(String(err.code ?? err));
    }
  });
  await new Promise((ok, fail) => {
    server.once("error", fail);
    server.listen(0, "127.0.0.1", ok);
  });
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    close: () =>
      new Promise((ok) => {
        server.close(() => ok());
        server.closeAllConnections();
      }),
  };
}

/**
 * A Chromium page that records what goes wrong (page errors, console errors
 * and warnings, requests that failed or were answered ≥ 400) and which .wasm
 * files it fetched. Failed requests to the service's routes (/v1/…) are left
 * out: Chromium reports some of the package's reads there as ERR_ABORTED
 * after they were answered; as in browser.test.mjs, the calls' results and
 * the mock's log are asserted instead.
 */
export async function watchedPage(browser) {
  const page = await browser.newPage();
  const seen = { problems: [], wasm: [] };
  page.on("console", (msg) => {
    if (msg.type() === "error" || msg.type() === "warning") seen.problems.push(`console ${msg.type()}: ${msg.text()}`);
  });
  page.on("pageerror", (err) => seen.problems.push(`page error: ${err?.stack ?? err}`));
  page.on("requestfailed", (req) => {
    if (!new URL(req.url()).pathname.startsWith("/v1/")) seen.problems.push(`failed: ${req.url()} (${req.failure()?.errorText})`);
  });
  page.on("response", (res) => {
    if (res.status() >= 400) seen.problems.push(`HTTP ${res.status()}: ${res.url()}`);
  });
  page.on("request", (req) => {
    if (new URL(req.url()).pathname.endsWith(".wasm")) seen.wasm.push(req.url());
  });
  return { page, seen };
}
