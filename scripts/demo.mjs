// The demo on the command line: starts the local mock services, the proxies
// that hold their keys and the page (see demo-server.mjs), then prints the one
// URL to open. Usage: node scripts/demo.mjs [--port N]   (default 8080; 0 = any)
import { startDemo } from "./demo-server.mjs";

const portArg = process.argv.indexOf("--port");
const port = Number(portArg > 0 ? process.argv[portArg + 1] : (process.env.PORT ?? 8080));
if (!(Number.isInteger(port) && port >= 0 && port <= 65535)) {
  console.error("usage: node scripts/demo.mjs [--port N]   (N from 0 to 65535)");
  process.exit(2);
}

let demo;
try {
  demo = await startDemo({ port });
} catch (error) {
  const reason = error?.code === "EADDRINUSE" ? `port ${port} is in use; try --port ${port + 1}` : error?.message;
  console.error(`kling-extend demo: could not start: ${reason}`);
  process.exit(1);
}

console.log(`kling-extend demo: ${demo.url}/  (no key, no internet: page → proxy → local mock services)`);

for (const signal of ["SIGINT", "SIGTERM"]) {
  process.once(signal, async () => {
    await demo.close();
    process.exit(0);
  });
}
