#!/usr/bin/env node
/**
 * Runs the mock from a shell, e.g. next to a dev server or a browser test run:
 *   node src/mock/cli.js --port 8787 --api-key KEY --advance polls --step-polls 1
 *   node src/mock/cli.js --kling-key ACCESS:SECRET
 * Prints exactly one line, "kling-extend mock listening on http://127.0.0.1:PORT",
 * so scripts can read the URL, then runs until SIGINT/SIGTERM.
 */
import { parseArgs } from "node:util";
import { startMock } from "./index.js";

const USAGE = `Usage: kling-extend-mock [options]
  --host HOST            interface to listen on (default 127.0.0.1)
  --port PORT            port, 0 = any free port (default 0)
  --api-key KEY          accepted X-API-Key; repeat for several; none = no auth
  --kling-api-key KEY    accepted Kling API key (Bearer KEY); repeat for several
  --kling-key AK:SK      Kling access key and secret key (split at the first ":");
                         repeat for several; no Kling key of either kind =
                         no auth on the Kling routes
  --advance time|polls   how job status advances (default time)
  --step-ms MS           time mode: ms per status step (default 300)
  --step-polls N         polls mode: reads per status step (default 1)
  --source-seconds S     length of a source video the mock did not make
                         (default 5, at most 3600)
  -h, --help             show this help`;

/** Number option or undefined; NaN is left for startMock to reject with a clear message. */
function num(value) {
  return value === undefined ? undefined : Number(value);
}

/** "ACCESS:SECRET" → { accessKey, secretKey }; the message never repeats the value. */
function klingKey(value) {
  const colon = value.indexOf(":");
  if (colon <= 0 || colon === value.length - 1) throw new TypeError("--kling-key must be ACCESS_KEY:SECRET_KEY");
  return { accessKey: value.slice(0, colon), secretKey: value.slice(colon + 1) };
}

async function main() {
  const { values } = parseArgs({
    options: {
      host: { type: "string", default: "127.0.0.1" },
      port: { type: "string", default: "0" },
      "api-key": { type: "string", multiple: true, default: [] },
      "kling-key": { type: "string", multiple: true, default: [] },
      "kling-api-key": { type: "string", multiple: true, default: [] },
      advance: { type: "string" },
      "step-ms": { type: "string" },
      "step-polls": { type: "string" },
      "source-seconds": { type: "string" },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const advance = {};
  if (values.advance !== undefined) advance.mode = values.advance;
  if (values["step-ms"] !== undefined) advance.stepMs = num(values["step-ms"]);
  if (values["step-polls"] !== undefined) advance.stepPolls = num(values["step-polls"]);

  const mock = await startMock({
    host: values.host,
    port: num(values.port),
    apiKeys: values["api-key"],
    klingKeys: values["kling-key"].map(klingKey),
    klingApiKeys: values["kling-api-key"],
    advance,
    sourceSeconds: num(values["source-seconds"]),
  });
  console.log(`kling-extend mock listening on ${mock.url}`);

  const stop = () => {
    mock.close().then(() => process.exit(0));
  };
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
}

main().catch((err) => {
  // Usage errors get the help text; others (e.g. port in use) just the message.
  const usage = err instanceof TypeError || String(err.code).startsWith("ERR_PARSE_ARGS");
  console.error(`kling-extend mock: ${err.message}${usage ? `\n\n${USAGE}` : ""}`);
  process.exit(2);
});
