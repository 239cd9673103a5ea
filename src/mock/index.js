/**
 * Mock of the Trinetra gateway and of the official Kling API for tests: one
 * real HTTP server on 127.0.0.1 serving both, so Node, browsers and Workers
 * all exercise the client over the network.
 *
 *   import { startMock } from "kling-extend/mock";
 *   const mock = await startMock({ apiKeys: ["test-key"], advance: { mode: "polls" } });
 *   // point the client at mock.url …
 *   await mock.close();
 *
 * Magic video_id prefixes pick the job's outcome: "fail…" → failed,
 * "cancel…" → canceled, "unknown…" → "paused_for_review" forever,
 * anything else → succeeded (Kling: the prefix of video_id or task_id, and
 * "cancel…" ends failed with the message "canceled"). See README.md next to
 * this file.
 */
import { Callbacks } from "./callbacks.js";
import { applySettings, createSettings, publicSettings } from "./config.js";
import { controlRoutes } from "./control.js";
import { FaultQueue } from "./faults.js";
import { JobStore } from "./jobs.js";
import { klingRoutes } from "./kling.js";
import { mediaRoutes } from "./media.js";
import { startServer } from "./server.js";
import { trinetraRoutes } from "./trinetra.js";

export { FAILURE_MESSAGE, RATES } from "./trinetra.js";
export { CANCELED_MESSAGE, UNITS } from "./kling.js";
export { KLING_CODES } from "./klingcodes.js";

/**
 * Starts the mock and resolves once it is listening.
 *
 * @param {{
 *   host?: string,            // default "127.0.0.1"
 *   port?: number,            // default 0 = any free port
 *   apiKeys?: string[],       // Trinetra X-API-Key values; [] = no auth required
 *   klingApiKeys?: string[],                                 // Kling API keys (Bearer <key>)
 *   klingKeys?: { accessKey: string, secretKey: string }[],  // Kling JWT keys; neither = no auth
 *   webhookSecret?: string | null,     // whsec_…: callbacks to callback_url are signed (Standard Webhooks)
 *   klingCallbackShape?: "task"|"newer", // Kling's callback document: the task's, or the newer one
 *   klingQueryEcho?: boolean,  // a Kling read echoes task_info.external_task_id; default false, as Kling documents
 *   advance?: { mode?: "time"|"polls", stepMs?: number, stepPolls?: number },
 *   sourceSeconds?: number,   // length of a source video the mock did not make, default 5 (at most 3600)
 * }} [options]
 */
export async function startMock(options = {}) {
  const { host = "127.0.0.1", port = 0, ...rest } = options;
  if (typeof host !== "string") throw new TypeError("host must be a string");
  if (!(Number.isInteger(port) && port >= 0 && port <= 65535)) throw new TypeError("port must be 0..65535");
  const settings = createSettings(rest);
  const jobs = new JobStore(() => settings.advance);
  const callbacks = new Callbacks(jobs, settings);
  const faults = new FaultQueue();
  /** Live: cleared in place by reset(), so references stay valid. */
  const log = [];
  let url = "";

  const mock = {
    /** Base URL without trailing slash, e.g. "http://127.0.0.1:54321". */
    get url() {
      return url;
    },
    log,
    /** Fresh snapshot of all jobs with their current status (reading it counts no poll). */
    get jobs() {
      return jobs.list();
    },
    /** Fresh snapshot of the faults still pending. */
    get faults() {
      return faults.list();
    },
    /** Current settings, without the API keys themselves. */
    get config() {
      return publicSettings(settings);
    },
    /** Queues a fault or an array of faults; throws TypeError if any is invalid. */
    fault(fault) {
      return faults.add(fault);
    },
    /** The next jobs, of either service, take these ids in order; returns how many wait. Throws TypeError if any is invalid. */
    nameJobs(ids) {
      return jobs.nameNext(ids);
    },
    /** The callbacks delivered so far: `{ url, body, headers, status, error }`, oldest first. */
    get callbacks() {
      return callbacks.deliveries;
    },
    /** Clears jobs, log, callbacks, pending faults and job ids; settings stay. */
    reset() {
      jobs.clear();
      callbacks.clear();
      faults.clear();
      log.length = 0;
    },
    /** Changes settings at run time; throws TypeError if invalid (nothing is changed then). */
    configure(patch) {
      applySettings(settings, patch);
    },
    /** Stops the server, destroying open keep-alive sockets so it never hangs. */
    close() {
      callbacks.clear();
      return server.close();
    },
  };

  const mediaUrl = (id) => `${url}/media/${id}.mp4`;
  /** A job's video (Kling's watermarked copy is `<task id>-watermark`): its length. */
  const secondsOf = (name) => (jobs.get(name) ?? jobs.get(name.replace(/-watermark$/, "")))?.data.seconds;
  const routes = [
    ...controlRoutes(mock),
    ...trinetraRoutes({ jobs, settings, mediaUrl, callbacks }),
    ...klingRoutes({ jobs, settings, mediaUrl, callbacks }),
    ...mediaRoutes(secondsOf),
  ];
  const server = await startServer({ host, port, routes, log, faults });
  url = server.url;
  return mock;
}
