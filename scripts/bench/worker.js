// The benchmark's Worker (bundled by wrangler from a consumer install of the
// packed package, run in Miniflare by scripts/bench.mjs). workerd's clock
// stands still while code runs and moves at each I/O, so every timing here
// ends on an awaited fetch.
//
//   POST /calls   { impl: "package" | "plain", kind: "extend" | "get", n, baseUrl, apiKey, jobId }
//     → { ms, n, ok }: n sequential calls against the mock; every call is I/O,
//       so the last Date.now() follows the last answer.
//   POST /quotes  { impl: "package" | "plain", n, inputs, pingUrl }
//     → { ms, pingMs }: n quotes between two fetches of pingUrl, and the time
//       of one more fetch alone (to subtract).
//   GET /quote    → quote({ seconds: 10 })
import { createClient, quote } from "kling-extend";
import { plainExtend, plainGetJob, plainQuote } from "./baseline.js";

const REQUEST = { video_id: "kling_vid_bench", prompt: "the camera pulls back to reveal a crowd" };

function caller({ impl, kind, baseUrl, apiKey, jobId }) {
  if (impl === "package") {
    // Through a client, as an app calls: its options are checked once.
    const client = createClient({ baseUrl, apiKey });
    return kind === "extend" ? () => client.extendVideo(REQUEST) : () => client.getJob(jobId);
  }
  return kind === "extend" ? () => plainExtend(baseUrl, apiKey, REQUEST) : () => plainGetJob(baseUrl, apiKey, jobId);
}

async function calls(spec) {
  const call = caller(spec);
  let ok = 0;
  const start = Date.now();
  for (let i = 0; i < spec.n; i++) {
    const answer = await call();
    if (answer && (answer.job_id || answer.id)) ok++;
  }
  return { ms: Date.now() - start, n: spec.n, ok };
}

async function quotes({ impl, n, inputs, pingUrl }) {
  const fn = impl === "package" ? quote : plainQuote;
  const ping = async () => (await fetch(pingUrl)).arrayBuffer();
  await ping();
  const start = Date.now();
  let sink = 0;
  for (let i = 0; i < n; i++) {
    const q = fn(inputs[i % inputs.length]);
    sink += q.credits + q.formatted.length;
  }
  await ping();
  const end = Date.now();
  await ping();
  return { ms: end - start, pingMs: Date.now() - end, sink };
}

export default {
  async fetch(request) {
    const url = new URL(request.url);
    if (url.pathname === "/quote") return Response.json(quote({ seconds: 10 }));
    const route = { "/calls": calls, "/quotes": quotes }[url.pathname];
    if (!route) return new Response("not found", { status: 404 });
    try {
      return Response.json(await route(await request.json()));
    } catch (error) {
      return Response.json({ error: String(error?.stack ?? error) }, { status: 500 });
    }
  },
};
