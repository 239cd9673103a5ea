// Run by scripts/bench.mjs as a fresh Node process inside the consumer
// project: the package's wasm linear memory and externref table over 10,000
// mixed calls (after a warm-up) against an in-process loopback mock. Prints
// one JSON line: { checkpoints: [{ calls, memoryBytes, tableLength }], unexpected, calls }.
//
//   node memory-child.mjs <warm-up calls> <measured calls> <checkpoint,checkpoint,…>
import { extendVideo, getJob, pollJob, quote } from "kling-extend";
import { startMock } from "kling-extend/mock";
// The same module instance the entry initialised (same resolved file), so
// initSync() hands back the existing instance's exports instead of a new one.
import { initSync } from "./node_modules/kling-extend/server/kling_extend.js";

const [warmUp, measured, marks] = [Number(process.argv[2]), Number(process.argv[3]), process.argv[4]];
const checkpoints = new Set(marks.split(",").map(Number));
const API_KEY = "bench-key";
const REQUEST = { video_id: "kling_vid_bench", prompt: "the camera pulls back to reveal a crowd" };
const FAILING_REQUEST = { video_id: "fail_bench", prompt: "rejected by the mock" };
const FAST = { intervalMs: 1, maxIntervalMs: 2, waitTimeoutMs: 10_000 };

const mock = await startMock({ apiKeys: [API_KEY], advance: { mode: "polls", stepPolls: 1 } });
const options = { baseUrl: mock.url, apiKey: API_KEY };
const wasm = initSync();
const state = () => ({ memoryBytes: wasm.memory.buffer.byteLength, tableLength: wasm.__wbindgen_externrefs?.length ?? null });

let unexpected = 0;
const unexpectedSamples = [];
function note(what) {
  unexpected++;
  if (unexpectedSamples.length < 5) unexpectedSamples.push(what);
}
async function expectCode(code, promise) {
  try {
    await promise;
    note(`expected ${code}, got a result`);
  } catch (error) {
    if (error?.code !== code) note(`expected ${code}, got ${error?.code ?? error}`);
  }
}
function expectCodeSync(code, fn) {
  try {
    fn();
    note(`expected ${code}, got a result`);
  } catch (error) {
    if (error?.code !== code) note(`expected ${code}, got ${error?.code ?? error}`);
  }
}

/** One cycle of ten calls: five that succeed, five that fail in different ways. */
const cycle = [
  (i) => quote({ seconds: (i % 120) + 0.5, discountPercent: 5 }),
  async (i, ctx) => {
    ctx.id = (await extendVideo(REQUEST, options)).job_id;
  },
  (i, ctx) => getJob(ctx.id, options),
  async (i, ctx) => {
    const job = await pollJob(ctx.id, { ...options, ...FAST });
    if (job.status !== "succeeded") note(`pollJob ended ${job.status}`);
  },
  async (i, ctx) => {
    ctx.failing = (await extendVideo(FAILING_REQUEST, options)).job_id;
  },
  (i, ctx) => expectCode("job_failed", pollJob(ctx.failing, { ...options, ...FAST })),
  () => expectCode("invalid_request", extendVideo({ prompt: "no video_id" }, options)),
  (i) => expectCode("not_found", getJob(`job_missing_${i}`, options)),
  () => {
    mock.fault({ method: "POST", status: 500 });
    return expectCode("server_error", extendVideo(REQUEST, options));
  },
  () => expectCodeSync("invalid_request", () => quote({ seconds: -1 })),
];

const out = [{ calls: "import", ...state() }];
const ctx = {};
let calls = 0;
for (let total = warmUp + measured; calls < total; ) {
  for (const call of cycle) {
    await call(calls, ctx);
    calls++;
    if (calls === warmUp) out.push({ calls: "warm-up", ...state() });
    if (calls > warmUp && checkpoints.has(calls - warmUp)) out.push({ calls: calls - warmUp, ...state() });
    // The mock keeps every job and log entry until reset: keep it small.
    if (calls % 500 === 0) mock.reset();
  }
}
await mock.close();
process.stdout.write(`${JSON.stringify({ checkpoints: out, calls, unexpected, unexpectedSamples })}\n`);
