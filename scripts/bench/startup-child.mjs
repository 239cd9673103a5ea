// Run by scripts/bench.mjs as a fresh Node process inside the consumer
// project: the time from the start of this script to the first quote()
// result, through the package's `node` entry (which reads and compiles the
// wasm synchronously at import). Touches no fetch. Prints one JSON line.
const start = performance.now();
const { quote } = await import("kling-extend");
const imported = performance.now();
const first = quote({ seconds: 10 });
const done = performance.now();
process.stdout.write(
  `${JSON.stringify({ importMs: imported - start, quoteMs: done - imported, totalMs: done - start, formatted: first.formatted })}\n`,
);
