// The demo server: the intended set-up, page → proxy → service, on one
// machine. A local mock of the gateway (which demands a key), the package's
// createProxy holding that key on the service's own paths (/v1/…), and a
// static server for www/ with the built package at /pkg/. The page needs no
// key. Prints the one URL to open. Usage: node scripts/demo.mjs [--port N]
import { createServer } from "node:http";
import { readFile } from "node:fs/promises";
import { extname, join, normalize } from "node:path";
import { fileURLToPath } from "node:url";
import { startMock } from "../pkg/mock/index.js";
import { createProxy } from "../pkg/node.js";

const root = fileURLToPath(new URL("..", import.meta.url));
const portArg = process.argv.indexOf("--port");
const port = portArg > 0 ? Number(process.argv[portArg + 1]) : Number(process.env.PORT ?? 8080);
const TYPES = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".wasm": "application/wasm",
  ".json": "application/json",
  ".svg": "image/svg+xml",
  ".png": "image/png",
};

// The keys only this server knows; the page never sees them.
const TRINETRA_KEY = "demo-trinetra-key";
const KLING_KEYS = { accessKey: "demo-kling-access", secretKey: "demo-kling-secret" };
const mock = await startMock({ apiKeys: [TRINETRA_KEY], klingKeys: [KLING_KEYS], advance: { mode: "time", stepMs: 1500 } });
const proxies = {};

/** Maps a URL path to a file under www/ or pkg/, refusing anything outside. */
function fileFor(pathname) {
  const [dir, rest] = pathname.startsWith("/pkg/") ? ["pkg", pathname.slice(5)] : ["www", pathname.slice(1)];
  const relative = normalize(decodeURIComponent(rest || "index.html"));
  return relative.startsWith("..") ? null : join(root, dir, relative);
}

const server = createServer(async (req, res) => {
  const { pathname } = new URL(req.url, "http://localhost");
  if (pathname.startsWith("/v1/")) return relay(req, res);
  if (pathname === "/config.json") {
    res.writeHead(200, { "content-type": TYPES[".json"] });
    res.end(JSON.stringify({ baseUrl: origin() }));
    return;
  }
  const file = fileFor(pathname.endsWith("/") ? `${pathname}index.html` : pathname);
  try {
    const body = await readFile(file ?? "");
    res.writeHead(200, { "content-type": TYPES[extname(file)] ?? "application/octet-stream" });
    res.end(body);
  } catch {
    res.writeHead(404, { "content-type": "text/plain" });
    res.end("not found");
  }
});

const origin = () => `http://127.0.0.1:${server.address().port}`;

/** The proxy of the provider whose paths these are (Kling's are /v1/videos/…). */
function proxyFor(pathname) {
  const provider = pathname.startsWith("/v1/videos/") ? "kling" : "trinetra";
  const credential = provider === "kling" ? KLING_KEYS : { apiKey: TRINETRA_KEY };
  proxies[provider] ??= createProxy({ provider, baseUrl: mock.url, allowedOrigins: [origin()], ...credential });
  return proxies[provider];
}

/** A proxy, as a Worker would run it, behind Node's http server. */
async function relay(req, res) {
  const body = ["GET", "HEAD"].includes(req.method) ? undefined : req;
  const url = new URL(req.url, origin());
  const request = new Request(url, { method: req.method, headers: req.headers, body, duplex: "half" });
  const response = await proxyFor(url.pathname)(request);
  // A body the proxy refused unread must not be taken for the next request.
  if (!req.complete) res.setHeader("connection", "close");
  res.writeHead(response.status, Object.fromEntries(response.headers));
  res.end(Buffer.from(await response.arrayBuffer()));
}

server.listen(port, "127.0.0.1", () => {
  console.log(`kling-extend demo: ${origin()}/  (page → proxies on /v1 → mock services at ${mock.url})`);
});

for (const signal of ["SIGINT", "SIGTERM"]) {
  process.on(signal, async () => {
    server.close();
    await mock.close();
    process.exit(0);
  });
}
