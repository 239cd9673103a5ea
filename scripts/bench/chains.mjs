// Chains at scale: the example Workflow (examples/chain-workflow), bundled
// from the packed package by wrangler and run in workerd by Miniflare, runs
// 200 chains of 3 steps at once against the mock, which signs its callbacks.
// Prints one markdown section: requests per chain (submits must be exactly
// 3; reads are 0 when every callback arrives), wall time, and CPU of the
// workerd process per step (the Workflows engine and the package together).
//
//   node scripts/bench/chains.mjs      # pkg/ must be built (scripts/bench.sh does it)
import { randomBytes } from "node:crypto";
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { Miniflare } from "miniflare";
import { API_KEY, REPO, bundledWorker, closeAll, createConsumer, importFrom, wranglerDryRun } from "../../tests/e2e/consumer.mjs";
import { fmt, mark, table } from "./stats.mjs";

const CHAINS = 200;
const STEPS = 3;
const RUNS = 3;
/** The mock's time per job phase (queued, running): a job ends about 2 × this after its submit. */
const PHASE_MS = 200;
const SECRET = `whsec_${randomBytes(24).toString("base64")}`;
const EXAMPLE = join(REPO, "examples", "chain-workflow");
const CLOCK_TICKS_PER_MS = 100 / 1000; // USER_HZ

const progress = (text) => process.stderr.write(`bench: ${text}\n`);
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

const files = Object.fromEntries(["wrangler.toml", "src/index.js"].map((file) => [file, readFileSync(join(EXAMPLE, file), "utf8")]));
const consumer = await createConsumer({ name: "bench-chains", files });
let mock;
let mf;
try {
  progress("chains: bundling the example with wrangler");
  await wranglerDryRun(consumer);
  const { startMock } = await importFrom(consumer, "mock-entry.mjs");
  mock = await startMock({ port: 0, webhookSecret: SECRET, advance: { mode: "time", stepMs: PHASE_MS } });
  const dist = join(consumer.dir, "dist");
  const compatibilityDate = /^compatibility_date\s*=\s*"([^"]+)"/m.exec(files["wrangler.toml"])[1];
  mf = new Miniflare(
    bundledWorker(dist, {
      compatibilityDate,
      workflows: { CHAIN: { name: "chain", className: "Chain" } },
      // A callback lost under load is made up for by reads after 20 s, which the report counts.
      bindings: { PROVIDER: "kling", UPSTREAM_URL: mock.url, KLING_API_KEY: API_KEY, WEBHOOK_SECRET: SECRET, CALLBACK_TIMEOUT: "20 seconds" },
      host: "127.0.0.1",
      port: 0,
    }),
  );
  const url = String(await mf.ready).replace(/\/$/, "");
  const workerd = workerdPid();
  progress("chains: warm-up");
  await runChains(url, 2, "warm");
  const runs = [];
  for (let run = 0; run < RUNS; run += 1) {
    progress(`chains: run ${run + 1} of ${RUNS}, ${CHAINS} chains of ${STEPS} steps`);
    const logStart = mock.log.length;
    const cpuStart = cpuMs(workerd);
    const started = performance.now();
    await runChains(url, CHAINS, `r${run}`);
    const wallMs = performance.now() - started;
    const cpu = cpuMs(workerd) - cpuStart;
    const log = mock.log.slice(logStart);
    const count = (method, path) => log.filter((e) => e.method === method && path.test(e.path)).length;
    runs.push({
      wallMs,
      cpuPerStep: cpu / (CHAINS * STEPS),
      submits: count("POST", /^\/v1\/videos\/video-extend$/) / CHAINS,
      reads: count("GET", /^\/v1\/videos\/video-extend\//) / CHAINS,
    });
  }
  report(runs);
} finally {
  await closeAll([() => mf?.dispose(), () => mock?.close(), () => consumer.cleanup()]);
}

/** Starts `n` chains through the example's route and resolves once every one is complete. */
async function runChains(url, n, tag) {
  const ids = await Promise.all(
    Array.from({ length: n }, async (_, i) => {
      const prompts = Array.from({ length: STEPS }, (_, step) => `step ${step + 1}`);
      const response = await fetch(`${url}/chains`, { method: "POST", body: JSON.stringify({ videoId: `src-${tag}-${i}`, prompts }) });
      if (response.status !== 202) throw new Error(`POST /chains: ${response.status} ${await response.text()}`);
      return (await response.json()).id;
    }),
  );
  const pending = new Set(ids);
  while (pending.size > 0) {
    await sleep(500);
    for (const id of pending) {
      // Under this load workerd may reset a connection now and then: the
      // chain is read again in the next round.
      const status = await fetch(`${url}/chains/${id}`).then((response) => response.json(), () => ({ status: "running" }));
      if (status.status === "complete") pending.delete(id);
      else if (!["queued", "running", "waiting"].includes(status.status)) throw new Error(`chain ${id}: ${JSON.stringify(status)}`);
    }
  }
}

/** The workerd process Miniflare started: this process's child running workerd. */
function workerdPid() {
  const children = readdirSync("/proc").filter((entry) => /^\d+$/.test(entry));
  const found = children.find((pid) => {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
      const parent = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      return parent === process.pid && readFileSync(`/proc/${pid}/cmdline`, "utf8").includes("workerd");
    } catch {
      return false;
    }
  });
  if (found === undefined) throw new Error("no workerd child process found");
  return found;
}

/** CPU time (user + system) the process has used, in ms. */
function cpuMs(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_MS;
}

function report(runs) {
  const of = (key) => runs.map((run) => run[key]);
  const submitsExact = runs.every((run) => run.submits === STEPS);
  const out = (text = "") => process.stdout.write(`${text}\n`);
  out();
  out(`## 7. Chains at scale (workerd, Workflows)`);
  out();
  out(`${CHAINS} chains of ${STEPS} steps started at once through the example Worker (examples/chain-workflow),`);
  out(`bundled by wrangler and run by Miniflare in workerd, against the mock (a job ends ≈ ${2 * PHASE_MS} ms after its submit,`);
  out(`then its signed callback is posted). ${RUNS} runs, after a warm-up of 2 chains. Requests are those the mock received;`);
  out(`CPU is the workerd process's (user + system, 10 ms ticks): the Workflows engine, its storage and the package.`);
  out();
  out(
    table(
      ["measure", "median (min–max)", "goal"],
      [
        ["submits per chain", fmt(of("submits")), `exactly ${STEPS}: **${mark(submitsExact)}**`],
        ["reads per chain", fmt(of("reads")), "0 when every callback arrives"],
        ["wall time, all chains", fmt(of("wallMs").map((ms) => ms / 1000), "s"), ""],
        ["workerd CPU per step", fmt(of("cpuPerStep"), "ms"), ""],
      ],
    ),
  );
}
