// Large documents (issue 21, "Linear cost"): a job document of a million
// tiny objects (7.6 MiB, under the default maxResponseBytes) through getJob,
// parseWebhook and createProxy, in fresh Node processes (cold: the first call
// of a new instance) and then again in the same process (warm); an eighth
// and 8× the size show how the time grows; and chainExtensions refusing a
// progress whose `finished` lists a million steps. Prints one markdown
// section; every call's time is the event loop blocked or waiting for it.
//
//   node scripts/bench/documents.mjs               # pkg/ must be built (scripts/bench.sh does it)
//   node scripts/bench/documents.mjs getJob plain  # only these rows ("resume" for the last)
import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { createServer } from "node:http";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { closeAll, createConsumer } from "../../tests/e2e/consumer.mjs";
import { document } from "./documents-shape.mjs";
import { fmt, mark, median, table } from "./stats.mjs";

const HERE = fileURLToPath(new URL(".", import.meta.url));
const MILLION = 1_000_000;
/** Fresh processes per call and size, and warm calls in each after the cold one. */
const RUNS = { small: 5, base: 5, large: 3, warm: 3 };
/** Issue 21's goals: the 7.6 MiB document in ≤ 300 ms cold; 8× the size in ≤ 10× the time. */
const COLD_GOAL_MS = 300;
const SCALE_GOAL = 10;
/**
 * createProxy holds at most 8 MiB of an upstream answer (lib/proxy.js), so
 * its growth is measured from an eighth of the document to the whole one.
 */
const SIZES = {
  plain: [MILLION, 8 * MILLION],
  getJob: [MILLION, 8 * MILLION],
  parseWebhook: [MILLION, 8 * MILLION],
  createProxy: [MILLION / 8, MILLION],
};

const run = promisify(execFile);
const only = process.argv.slice(2);
const wanted = (call) => only.length === 0 || only.includes(call);
const out = (text = "") => process.stdout.write(`${text}\n`);
const progress = (text) => process.stderr.write(`bench: ${text}\n`);
/** The document's size: its wrapper, then 8 bytes an object less the last comma. */
const mib = (objects) => `${((document(0).length + objects * 8 - 1) / 2 ** 20).toFixed(2)} MiB`;

/** The upstream: every GET of `/<objects>/…` answers the document of that many objects. */
async function startUpstream() {
  const texts = new Map();
  const server = createServer((req, res) => {
    const objects = Number(req.url.split("/")[1]);
    if (!texts.has(objects)) texts.set(objects, Buffer.from(document(objects)));
    const body = texts.get(objects);
    res.writeHead(200, { "content-type": "application/json", "content-length": body.length });
    res.end(body);
  });
  // Idle connections are kept longer than a large call takes (Node's 5 s would close one under the next request).
  server.keepAliveTimeout = 120_000;
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { url: `http://127.0.0.1:${server.address().port}`, close: () => new Promise((resolve) => server.close(resolve)) };
}

/** `runs` fresh processes of one call on one size: cold times, warm times, the largest wasm memory. */
async function measure(consumer, upstream, call, objects, runs) {
  const cold = [];
  const warm = [];
  let memory = 0;
  for (let i = 0; i < runs; i += 1) {
    const { stdout } = await run(
      process.execPath,
      ["documents-child.mjs", call, String(objects), `${upstream.url}/${objects}`, String(RUNS.warm)],
      { cwd: consumer.dir, maxBuffer: 1 << 20 },
    );
    const result = JSON.parse(stdout);
    cold.push(result.coldMs);
    warm.push(...result.warmMs);
    memory = Math.max(memory, result.memoryBytes);
  }
  return { cold, warm, memory };
}

const started = performance.now();
const read = (file) => readFileSync(join(HERE, file), "utf8");
const consumer = await createConsumer({
  name: "bench-documents",
  files: { "documents-child.mjs": read("documents-child.mjs"), "documents-shape.mjs": read("documents-shape.mjs") },
});
let upstream;
try {
  upstream = await startUpstream();
  const rows = [];
  const goals = [];
  // The same measure of `fetch` and `res.json()`, for the goals' table.
  let plain = { cold: "—", scale: "—" };
  for (const [call, [base, large]] of Object.entries(SIZES).filter(([call]) => wanted(call))) {
    const results = [];
    for (const objects of [base, large]) {
      const runs = objects > MILLION ? RUNS.large : objects < MILLION ? RUNS.small : RUNS.base;
      progress(`documents: ${call}, ${objects.toLocaleString("en")} objects, ${runs} processes`);
      const result = await measure(consumer, upstream, call, objects, runs);
      results.push(result);
      rows.push([call, `${objects.toLocaleString("en")} (${mib(objects)})`, fmt(result.cold, "ms"), fmt(result.warm, "ms"), `${result.memory / 2 ** 20} MiB`]);
    }
    const million = results[SIZES[call].indexOf(MILLION)];
    const scale = median(results[1].cold) / median(results[0].cold);
    if (call === "plain") {
      plain = { cold: `${median(million.cold).toFixed(0)} ms`, scale: `${scale.toFixed(1)}×` };
      continue;
    }
    const coldOk = median(million.cold) <= COLD_GOAL_MS;
    goals.push([`${call}: 7.6 MiB cold ≤ ${COLD_GOAL_MS} ms`, `${median(million.cold).toFixed(0)} ms`, plain.cold, mark(coldOk)]);
    goals.push([`${call}: 8× the size ≤ ${SCALE_GOAL}× the time (cold)`, `${scale.toFixed(1)}×`, plain.scale, mark(scale <= SCALE_GOAL)]);
  }
  if (wanted("resume")) {
    progress("documents: a resume whose finished lists a million steps");
    const resume = await measure(consumer, upstream, "resume", MILLION, RUNS.base);
    rows.push(["chainExtensions, refusing `resume`", `${MILLION.toLocaleString("en")} finished steps`, fmt(resume.cold, "ms"), fmt(resume.warm, "ms"), `${resume.memory / 2 ** 20} MiB`]);
  }

  out("## 8. Large documents");
  out();
  out(
    `A running job whose unknown member \`x\` holds tiny objects (\`{"a":1}\`, 8 bytes each; a million make 7.6 MiB, ` +
      "under the default `maxResponseBytes` of 8 MiB; 8× that with `maxResponseBytes` at its 64 MiB ceiling), " +
      "answered by a loopback server in the benchmark's process: `getJob` reads it, `parseWebhook` is given its text, " +
      "`plain` is the floor any client pays, the global `fetch` and `res.json()` of the same document, " +
      "`createProxy` passes it through on a job read (its upstream answers are held to 8 MiB, so it is measured from an " +
      `eighth of the size). Each row: ${RUNS.base} fresh Node processes (${RUNS.large} for 8×), the first call in each ` +
      `cold (a new wasm instance, memory not yet grown, code not yet optimised), then ${RUNS.warm} more calls warm; the ` +
      "wasm's linear memory after them. The last row: `chainExtensions` with a `resume` whose `finished` lists a " +
      "million steps, refused as `invalid_request` before any request.",
  );
  out();
  out(table(["call", "objects", "cold", "warm", "wasm memory"], rows, 2));
  out();
  out(table(["goal", "result", "plain fetch + res.json()", "mark"], goals, 1));
  out();
  out(`(${((performance.now() - started) / 1000).toFixed(0)} s for this section)`);
} finally {
  await closeAll([() => upstream?.close(), () => consumer.cleanup()]);
}
