// Run by scripts/bench/documents.mjs as a fresh Node process inside the
// consumer project: one kind of call on one large document, the first time
// (cold: a fresh instance, its memory not grown yet, its code not yet
// optimised) and then `warm` more times. Prints one JSON line:
// { coldMs, warmMs: [...], memoryBytes } (the wasm's linear memory at the end).
//
//   node documents-child.mjs <call> <objects> <upstream base URL> <warm calls>
//
// <call>: getJob (the document read from the upstream), parseWebhook (the
// document's text): each timed to the job it resolves, whose `raw` (parsed
// when first read) is checked after the timing, as a caller who reads it
// pays for it then; createProxy (a job read through the proxy, whose
// upstream answers the document), resume (chainExtensions refusing a progress
// whose `finished` lists <objects> steps, before any request), plain (the
// baseline: the global fetch and `res.json()` of the same document).
import { chainExtensions, createProxy, getJob, parseWebhook } from "kling-extend";
// The instance the entry initialised (the same resolved file): its memory.
import { initSync } from "./node_modules/kling-extend/server/kling_extend.js";
import { document } from "./documents-shape.mjs";

const [call, objects, upstream, warm] = [process.argv[2], Number(process.argv[3]), process.argv[4], Number(process.argv[5])];
const KEY = "bench-key";
const options = { apiKey: KEY, baseUrl: upstream, maxResponseBytes: 64 * 2 ** 20, maxRetries: 0 };

/** Each kind of call, made when chosen: a factory, so no other call's data (a million-step progress) weighs on the heap. */
const calls = {
  plain: () => async () => {
    const job = await (await fetch(`${upstream}/v1/jobs/j`)).json();
    if (job.id !== "j" || job.x.length !== objects) throw new Error("fetch read another document");
  },
  getJob: () => async () => {
    const job = await getJob("j", options);
    if (job.id !== "j") throw new Error("getJob read another document");
    return () => job.raw.x.length === objects;
  },
  parseWebhook: () => {
    const text = document(objects);
    return () => {
      const job = parseWebhook(text);
      if (job.id !== "j") throw new Error("parseWebhook read another document");
      return () => job.raw.x.length === objects;
    };
  },
  createProxy: () => {
    const proxy = createProxy({ apiKey: KEY, baseUrl: upstream, allowedOrigins: ["*"] });
    return async () => {
      const response = await proxy(new Request("http://proxy.test/v1/jobs/j"));
      const text = await response.text();
      if (response.status !== 200 || text.length < objects * 8) throw new Error(`the proxy answered ${response.status}: ${text.slice(0, 200)}`);
    };
  },
  resume: () => {
    const resume = {
      provider: "trinetra",
      videoId: "v",
      steps: 1,
      key: "0".repeat(32),
      finished: Array.from({ length: objects }, () => ({ jobId: "j" })),
      next: { videoId: "v" },
      charged: 0,
    };
    return async () => {
      const error = await chainExtensions("v", ["p"], { ...options, resume }).catch((e) => e);
      if (error?.code !== "invalid_request" || error.field !== "resume.finished") throw new Error(`resume was not refused: ${error}`);
    };
  },
};

const run = calls[call]();
const time = async () => {
  const started = performance.now();
  const check = await run();
  const ms = performance.now() - started;
  if (check && !check()) throw new Error(`${call}: raw is not the document`);
  return ms;
};
const coldMs = await time();
const warmMs = [];
for (let i = 0; i < warm; i += 1) warmMs.push(await time());
const { memory } = initSync();
process.stdout.write(`${JSON.stringify({ coldMs, warmMs, memoryBytes: memory.buffer.byteLength })}\n`);
