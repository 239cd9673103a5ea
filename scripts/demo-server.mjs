// The demo server: the intended set-up, page → proxy → service, on one
// machine. A local mock of both services (which demand keys), the package's
// createProxy holding those keys on the services' own paths (/v1/…), and a
// static server for www/ with the built package at /pkg/. The page needs no
// key and no internet.
//
//   import { startDemo } from "./demo-server.mjs";
//   const demo = await startDemo({ port: 0, stepMs: 300 });
//   // open demo.url; demo.mock is the running mock (faults, log, configure)
//   await demo.close();
//
// scripts/demo.mjs is the command-line wrapper.
import { createServer } from "node:http";
import { readFile } from "node:fs/promises";
import { extname, join, normalize, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { startMock } from "../pkg/mock/index.js";
import { createProxy } from "../pkg/node.js";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const TYPES = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".wasm": "application/wasm",
  ".json": "application/json",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ts": "text/plain; charset=utf-8",
  ".md": "text/plain; charset=utf-8",
};

// The keys only this server knows; the page never sees them.
const TRINETRA_KEY = "demo-trinetra-key";
const KLING_KEYS = { accessKey: "demo-kling-access", secretKey: "demo-kling-secret" };

/** Maps a URL path to a file under www/ or pkg/, refusing anything outside them. */
function fileFor(pathname) {
  const [dir, rest] = pathname.startsWith("/pkg/") ? ["pkg", pathname.slice(5)] : ["www", pathname.slice(1)];
  let relative;
  try {
    relative = normalize(decodeURIComponent(rest || "index.html"));
  } catch {
    return null; // a malformed %-escape
  }
  if (relative.startsWith("..") || relative.includes(`${sep}..${sep}`) || relative.includes("\0")) return null;
  return join(ROOT, dir, relative);
}

/**
 * Starts the mock, the proxies and the static server.
 *
 * @param {{ port?: number, host?: string, stepMs?: number }} [options]
 *   port 0 = any free port; stepMs: how long a job stays queued, then running.
 * @returns {Promise<{ url: string, mockUrl: string, mock: object, close(): Promise<void> }>}
 *   url: the page's origin, without a trailing slash.
 */
export async function startDemo({ port = 0, host = "127.0.0.1", stepMs = 1500 } = {}) {
  const mock = await startMock({
    apiKeys: [TRINETRA_KEY],
    klingKeys: [KLING_KEYS],
    advance: { mode: "time", stepMs },
  });
  const proxies = {};
  let origin = "";

  /** The proxy of the provider whose paths these are (Kling's are /v1/videos/…). */
  function proxyFor(pathname) {
    const provider = pathname.startsWith("/v1/videos/") ? "kling" : "trinetra";
    const credential = provider === "kling" ? KLING_KEYS : { apiKey: TRINETRA_KEY };
    // The page may be opened as 127.0.0.1 or as localhost: both are this server.
    const allowedOrigins = [origin, origin.replace("//127.0.0.1:", "//localhost:")];
    proxies[provider] ??= createProxy({ provider, baseUrl: mock.url, allowedOrigins, ...credential });
    return proxies[provider];
  }

  /** A proxy, as a Worker would run it, behind Node's http server. */
  async function relay(req, res) {
    const body = ["GET", "HEAD"].includes(req.method) ? undefined : req;
    const url = new URL(req.url, origin);
    const request = new Request(url, { method: req.method, headers: req.headers, body, duplex: "half" });
    let response;
    try {
      response = await proxyFor(url.pathname)(request);
    } catch {
      response = Response.json({ error: { message: "the demo proxy failed" } }, { status: 502 });
    }
    // A body the proxy refused unread must not be taken for the next request.
    if (!req.complete) res.setHeader("connection", "close");
    res.writeHead(response.status, Object.fromEntries(response.headers));
    res.end(Buffer.from(await response.arrayBuffer()));
  }

  async function serveFile(pathname, res) {
    const file = fileFor(pathname.endsWith("/") ? `${pathname}index.html` : pathname);
    try {
      const body = await readFile(file ?? "");
      res.writeHead(200, {
        "content-type": TYPES[extname(file)] ?? "application/octet-stream",
        "cache-control": "no-store",
        "x-content-type-options": "nosniff",
      });
      res.end(body);
    } catch {
      res.writeHead(404, { "content-type": "text/plain; charset=utf-8" });
      res.end("not found");
    }
  }

  const server = createServer((req, res) => {
    const { pathname } = new URL(req.url, "http://localhost");
    if (pathname.startsWith("/v1/")) return void relay(req, res);
    if (pathname === "/config.json") {
      res.writeHead(200, { "content-type": TYPES[".json"], "cache-control": "no-store" });
      // The mock's own URL: the page tells it how long a source is (its control API never shows a key).
      res.end(JSON.stringify({ baseUrl: origin, mockUrl: mock.url }));
      return;
    }
    if (req.method !== "GET" && req.method !== "HEAD") {
      res.writeHead(405, { allow: "GET, HEAD", "content-type": "text/plain; charset=utf-8" });
      res.end("method not allowed");
      return;
    }
    void serveFile(pathname, res);
  });

  try {
    await new Promise((resolve, reject) => {
      server.once("error", reject);
      server.listen(port, host, () => {
        server.off("error", reject);
        resolve();
      });
    });
  } catch (error) {
    await mock.close();
    throw error;
  }
  origin = `http://${host}:${server.address().port}`;

  let closing;
  return {
    url: origin,
    mockUrl: mock.url,
    mock,
    close() {
      closing ??= (async () => {
        const closed = new Promise((resolve) => server.close(resolve));
        server.closeAllConnections();
        await closed;
        await mock.close();
      })();
      return closing;
    },
  };
}
