// The loopback mock in its own Node process, so that in the call benchmark
// the client and the server do not share one thread. Started by
// scripts/bench.mjs with fork(): it sends { url } once listening, answers
// "reset" (mock.reset(): jobs, log and faults cleared) with
// { connections }, the TCP connections accepted since the last reset, and
// closes on "close" or when its parent goes away.
//
//   node scripts/bench/mock-server.mjs <mock module> <api key> [keep-alive ms]
//
// With a keep-alive time, the mock's HTTP server keeps idle connections that
// long instead of its own 10 s (Node's fetch subtracts 2 s from the server's
// `keep-alive: timeout=N` hint; the benchmark measures calls over kept-alive
// connections and checks it by counting them).
import http from "node:http";
import { syncBuiltinESMExports } from "node:module";
import { pathToFileURL } from "node:url";

const [modulePath, apiKey, keepAliveMs] = process.argv.slice(2);

// Catch the mock's server as it is created (the mock does not expose it).
const servers = [];
const createServer = http.createServer;
http.createServer = (...args) => {
  const server = createServer(...args);
  servers.push(server);
  return server;
};
syncBuiltinESMExports();

const { startMock } = await import(pathToFileURL(modulePath).href);
const mock = await startMock({ apiKeys: [apiKey], advance: { mode: "polls", stepPolls: 1 } });
http.createServer = createServer;
syncBuiltinESMExports();
if (servers.length !== 1) throw new Error(`expected the mock to create one server, saw ${servers.length}`);

const [server] = servers;
if (keepAliveMs) server.keepAliveTimeout = Number(keepAliveMs);
let connections = 0;
server.on("connection", () => connections++);

process.on("message", async (message) => {
  if (message === "reset") {
    mock.reset();
    process.send({ connections });
    connections = 0;
  } else if (message === "close") {
    await mock.close();
    process.exit(0);
  }
});
process.on("disconnect", () => process.exit(0));
process.send({ url: mock.url, keepAliveTimeout: server.keepAliveTimeout });
