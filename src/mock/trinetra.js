/**
 * Routes of the Trinetra gateway as the client sees them:
 *   POST /v1/video/kling-extend-video  → 202 { job_id, status: "queued" }
 *   GET  /v1/jobs/{id}                 → the job document
 * Auth is the X-API-Key header, checked only when keys are configured. The
 * key is never echoed back. A `callback_url` gets the job document at every
 * change of status (callbacks.js).
 *
 * The gateway bills per second of output, and an extension's output is the
 * whole extended video: its source (a job of this mock, by its id, as a chain
 * passes it on; any other video lasts `sourceSeconds`) and the seconds added.
 * Seconds are billed whole, rounded up.
 */
import { EXTENSION_SECONDS } from "./jobs.js";
import { errorAnswer } from "./server.js";

export const PROVIDER = "trinetra";
export const MODEL = "kling-extend-video";
export const FAILURE_MESSAGE = "Extension failed: the source video was rejected (mock)";
/** Credits per second of output video. */
export const RATES = { "720p": 19, "1080p": 30 };

/** The gateway's status words for the job store's phases. */
const LABELS = {
  queued: "queued",
  running: "running",
  succeeded: "succeeded",
  failed: "failed",
  canceled: "canceled",
  unknown: "paused_for_review", // a status the client does not know
};

/**
 * @param {{ jobs: import("./jobs.js").JobStore,
 *           settings: { apiKeys: string[], sourceSeconds: number },
 *           mediaUrl: (jobId: string) => string }} deps
 */
export function trinetraRoutes({ jobs, settings, mediaUrl, callbacks }) {
  /** 401 answer, or null when the request may proceed. */
  function checkKey(headers) {
    if (settings.apiKeys.length === 0) return null; // demo mode, like a key-holding proxy
    const key = headers["x-api-key"];
    if (typeof key === "string" && settings.apiKeys.includes(key)) return null;
    return errorAnswer(401, "Invalid or missing API key");
  }

  function submit({ headers, text }) {
    const denied = checkKey(headers);
    if (denied) return denied;
    let body;
    try {
      body = JSON.parse(text);
    } catch {
      return errorAnswer(400, "body must be JSON");
    }
    const invalid = validateSubmit(body);
    if (invalid) return invalid;

    const resolution = body.resolution ?? "720p";
    const source = jobs.get(body.video_id);
    const seconds = (source?.provider === PROVIDER ? source.data.seconds : settings.sourceSeconds) + EXTENSION_SECONDS;
    const job = jobs.create({
      id: jobs.newId("job_klingextendvideo_"),
      provider: PROVIDER,
      videoId: body.video_id,
      body,
      labels: LABELS,
      data: { seconds, credits: RATES[resolution] * Math.ceil(seconds) },
    });
    if (body.callback_url) callbacks.track(job, body.callback_url, (j) => jobDocument(jobs, j, mediaUrl));
    return { status: 202, body: { job_id: job.id, status: "queued" } };
  }

  function read({ headers, params }) {
    const denied = checkKey(headers);
    if (denied) return denied;
    const [id] = params;
    const found = jobs.get(id);
    if (!found || found.provider !== PROVIDER) return errorAnswer(404, "job not found");
    const job = jobs.poll(id);
    callbacks.check();
    return { status: 200, body: jobDocument(jobs, job, mediaUrl) };
  }

  return [
    { method: "POST", path: "/v1/video/kling-extend-video", handle: submit },
    { method: "GET", path: /^\/v1\/jobs\/([^/]+)$/, handle: read },
  ];
}

/** The job document for the job's current phase. */
function jobDocument(jobs, job, mediaUrl) {
  const phase = jobs.phase(job);
  const doc = { id: job.id, model: MODEL, status: job.labels[phase] };
  if (phase === "succeeded") {
    doc.output = { outputs: [{ url: mediaUrl(job.id), type: "video" }] };
    doc.credits_charged = job.data.credits;
  } else if (phase === "failed") {
    doc.error = FAILURE_MESSAGE;
  }
  return doc;
}

/** 400 answer for a bad submit body, or null. Optional fields are checked when not null. */
function validateSubmit(body) {
  const bad = (field, message) => errorAnswer(400, message, { field });
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    return bad("video_id", "video_id is required");
  }
  if (typeof body.video_id !== "string" || body.video_id === "") return bad("video_id", "video_id is required");
  for (const field of ["prompt", "negative_prompt", "callback_url"]) {
    if (body[field] != null && typeof body[field] !== "string") return bad(field, `${field} must be a string`);
  }
  const cfg = body.cfg_scale;
  if (cfg != null && !(typeof cfg === "number" && cfg >= 0 && cfg <= 1)) {
    return bad("cfg_scale", "cfg_scale must be a number from 0 to 1");
  }
  if (body.resolution != null && !Object.hasOwn(RATES, body.resolution)) {
    return bad("resolution", 'resolution must be "720p" or "1080p"');
  }
  return null;
}
