// Prints the shipped size of the package: each file a browser loads, raw,
// gzip -9 and brotli (quality 11), and the total. Usage: node scripts/size.mjs
import { readFileSync } from "node:fs";
import { brotliCompressSync, gzipSync, constants } from "node:zlib";

const files = ["kling_extend_bg.wasm", "kling_extend.js", "api.js", "error.js", "proxy.js", "index.js"];
const sizes = files.map((name) => {
  const bytes = readFileSync(new URL(`../pkg/${name}`, import.meta.url));
  return {
    name,
    raw: bytes.length,
    gzip: gzipSync(bytes, { level: 9 }).length,
    brotli: brotliCompressSync(bytes, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length,
  };
});
const total = ["raw", "gzip", "brotli"].reduce((t, k) => ({ ...t, [k]: sizes.reduce((s, f) => s + f[k], 0) }), {
  name: "total (browser)",
});
const kb = (n) => (n / 1000).toFixed(1).padStart(7);
console.log(`| file                 |  raw KB | gzip KB | brotli KB |`);
console.log(`|----------------------|--------:|--------:|----------:|`);
for (const f of [...sizes, total]) {
  console.log(`| ${f.name.padEnd(20)} | ${kb(f.raw)} | ${kb(f.gzip)} | ${kb(f.brotli).padStart(9)} |`);
}
