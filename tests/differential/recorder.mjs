// A recording proxy in front of the mock: what a client sent, as the wire
// carried it (the mock's own log redacts credentials, whose shape the
// differential test compares), and how each exchange ended. A connection the
// mock drops is dropped here too, and one the client leaves is left upstream,
// so the client sees what it would see talking to the mock directly.
import { createServer, request } from "node:http";

/** Headers that belong to one connection, not to the request or its answer. */
const HOP_BY_HOP = new Set(["connection", "keep-alive", "transfer-encoding", "proxy-connection", "te", "upgrade"]);

const endToEnd = (headers) => Object.fromEntries(Object.entries(headers).filter(([name]) => !HOP_BY_HOP.has(name)));

/**
 * Starts a proxy to `target` (the mock's URL) on 127.0.0.1.
 * `records`: one `{ at, wallMs, method, path, headers, body, answer }` per request, in
 * arrival order; `answer` is `{ status, retryAfter }`, `"dropped"` (the mock
 * closed the connection unanswered) or `"abandoned"` (the client left first).
 * @param {string} target
 */
export async function startRecorder(target) {
  const upstream = new URL(target);
  const records = [];
  const sockets = new Set();
  const server = createServer((req, res) => {
    const chunks = [];
    req.on("data", (chunk) => chunks.push(chunk));
    req.on("end", () => forward(req, res, Buffer.concat(chunks)));
  });
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });

  function forward(req, res, body) {
    const record = { at: performance.now(), wallMs: Date.now(), method: req.method, path: req.url, headers: { ...req.headers }, body: body.toString("utf8"), answer: null };
    records.push(record);
    const headers = { ...endToEnd(req.headers), host: upstream.host };
    const out = request({ host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers, agent: false }, (answer) => {
      record.answer = { status: answer.statusCode, retryAfter: answer.headers["retry-after"] ?? null };
      res.writeHead(answer.statusCode ?? 502, endToEnd(answer.headers));
      answer.pipe(res);
      answer.on("error", () => req.socket.destroy());
    });
    out.on("error", () => {
      record.answer ??= "dropped";
      req.socket.destroy();
    });
    res.on("close", () => {
      if (res.writableFinished) return;
      record.answer ??= "abandoned";
      out.destroy();
    });
    out.end(body);
  }

  await new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", resolve);
  });
  const { port } = /** @type {import("node:net").AddressInfo} */ (server.address());
  return {
    url: `http://127.0.0.1:${port}`,
    records,
    close: () =>
      new Promise((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve(undefined));
      }),
  };
}
