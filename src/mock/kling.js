/**
 * Routes of the official Kling API's video extension, as the client sees them:
 *   POST /v1/videos/video-extend       → envelope, data { task_id, task_status: "submitted", … }
 *   GET  /v1/videos/video-extend/{id}  → envelope, data = the task; {id} is the
 *                                        task_id or the caller's external_task_id
 * Every answer is `{ code, message, request_id, data? }` (klingcodes.js).
 * Auth is a bearer API key (`klingApiKeys`) or a bearer JWT signed with access
 * and secret keys (`klingKeys`, jwt.js), checked only when either is configured.
 * A `callback_url` gets the task document at every change of status, or the
 * newer callback document with `klingCallbackShape: "newer"` (callbacks.js).
 * A read's task document does not echo `task_info.external_task_id`, as
 * Kling documents its extend answers (`klingQueryEcho: true` adds it);
 * callbacks and the submit's answer carry it.
 *
 * Jobs live in the shared store with provider "kling"; the magic prefixes of
 * the source id (`video_id`, or `task_id`) pick the outcome as for Trinetra.
 * Kling has no canceled state: a "cancel…" source ends `failed` with the
 * message "canceled".
 */
import { FAILURE_MESSAGE } from "./trinetra.js";
import { EXTENSION_SECONDS, randomId } from "./jobs.js";
import { sameText, verifyKlingToken } from "./jwt.js";
import { klingError, klingSuccess } from "./klingcodes.js";

export const PROVIDER = "kling";
export const SUBMIT_PATH = "/v1/videos/video-extend";
/** task_status_msg of a job whose source id starts with "cancel". */
export const CANCELED_MESSAGE = "canceled";
/** final_unit_deduction by mode: a 5 s std extension is one unit, pro 3.5 (the ratio of the package's quote()). */
export const UNITS = { std: "1", pro: "3.5" };
const MODES = { std: "std", standard: "std", pro: "pro", professional: "pro" };
const MAX_PROMPT_CHARS = 2500;

/** Kling's status words for the job store's phases. */
const LABELS = {
  queued: "submitted",
  running: "processing",
  succeeded: "succeed",
  failed: "failed",
  canceled: "failed", // with task_status_msg "canceled"
  unknown: "paused_for_review", // a status the client does not know
};

/**
 * @param {{ jobs: import("./jobs.js").JobStore,
 *           settings: { klingApiKeys: string[], klingKeys: { accessKey: string, secretKey: string }[], sourceSeconds: number },
 *           mediaUrl: (name: string) => string }} deps
 */
export function klingRoutes({ jobs, settings, mediaUrl, callbacks }) {
  /** Error answer, or null when the request may proceed (always, without keys). */
  function checkAuth(headers, requestId) {
    if (settings.klingKeys.length === 0 && settings.klingApiKeys.length === 0) return null; // demo mode, like a key-holding proxy
    const bearer = /^Bearer +(\S+)\s*$/i.exec(typeof headers.authorization === "string" ? headers.authorization : "")?.[1];
    if (bearer !== undefined && settings.klingApiKeys.some((key) => sameText(key, bearer))) return null;
    // Not a known API key: a JWT, or (where API keys are in use) an unknown key.
    const verdict = bearer !== undefined && settings.klingApiKeys.length > 0 && !bearer.includes(".")
      ? { code: 1000, message: "authentication failed: unknown API key" }
      : verifyKlingToken(headers.authorization, settings.klingKeys);
    return verdict.code === 0 ? null : klingError(verdict.code, requestId, verdict.message);
  }

  function submit({ headers, text, requestId }) {
    const denied = checkAuth(headers, requestId);
    if (denied) return denied;
    let body;
    try {
      body = JSON.parse(text);
    } catch {
      return klingError(1200, requestId, "request body must be JSON");
    }
    if (typeof body !== "object" || body === null || Array.isArray(body)) {
      return klingError(1200, requestId, "request body must be a JSON object");
    }
    const invalid = validateSubmit(body);
    if (invalid) return klingError(1201, requestId, invalid);
    const externalId = body.external_task_id ?? undefined;
    if (externalId !== undefined && jobs.findExternal(PROVIDER, externalId)) {
      return klingError(1201, requestId, "external_task_id already exists");
    }

    const parent = parentOf(body);
    const id = jobs.newId("task_", (taken) => jobs.get(taken) || jobs.findExternal(PROVIDER, taken));
    const job = jobs.create({
      id,
      provider: PROVIDER,
      // The magic prefixes apply to the id the caller gave.
      videoId: body.video_id ?? body.task_id,
      body,
      labels: LABELS,
      externalId,
      data: {
        parent,
        seconds: parent.seconds + EXTENSION_SECONDS,
        video: { id: randomId("vid_"), url: mediaUrl(id), watermark_url: mediaUrl(`${id}-watermark`) },
        units: UNITS[MODES[body.mode ?? "std"]],
        seen: "queued",
        updatedAt: 0,
      },
    });
    job.data.updatedAt = job.createdAt;
    if (body.callback_url) {
      const render = (j) => (settings.klingCallbackShape === "newer" ? newerDocument(jobs, j) : taskData(jobs, j, true));
      callbacks.track(job, body.callback_url, render);
    }
    const taskInfo = externalId === undefined ? {} : { external_task_id: externalId };
    return klingSuccess(
      { task_id: id, task_status: LABELS.queued, task_info: taskInfo, created_at: job.createdAt, updated_at: job.createdAt },
      requestId,
    );
  }

  function read({ headers, params, requestId }) {
    const denied = checkAuth(headers, requestId);
    if (denied) return denied;
    const [id] = params;
    const byId = jobs.get(id);
    const found = byId?.provider === PROVIDER ? byId : jobs.findExternal(PROVIDER, id);
    if (!found) return klingError(1203, requestId, "task not found");
    const job = jobs.poll(found.id);
    callbacks.check();
    return klingSuccess(taskData(jobs, job, settings.klingQueryEcho), requestId);
  }

  /**
   * What is extended: a previous mock task (found by its result video id, or
   * by its task id) with its length, or a video the mock did not make, of `sourceSeconds`.
   * With both ids, video_id is the source.
   */
  function parentOf(body) {
    let source;
    if (body.video_id != null) {
      for (const job of jobs.ofProvider(PROVIDER)) if (job.data.video.id === body.video_id) source = job;
    } else {
      const job = jobs.get(body.task_id);
      if (job?.provider === PROVIDER) source = job;
    }
    if (source) return { id: source.data.video.id, url: source.data.video.url, seconds: source.data.seconds };
    return { id: body.video_id ?? body.task_id, url: null, seconds: settings.sourceSeconds };
  }

  /** Any method the two routes above did not take: Kling's "wrong method" (404 / 1202). */
  function wrongMethod({ method, requestId }) {
    return klingError(1202, requestId, `method ${method} is not supported on this path`);
  }

  return [
    { method: "POST", path: SUBMIT_PATH, handle: submit },
    { method: "GET", path: /^\/v1\/videos\/video-extend\/([^/]+)$/, handle: read },
    { method: "*", path: /^\/v1\/videos\/video-extend(?:\/[^/]+)?$/, handle: wrongMethod },
  ];
}

/** The task's `data` for its current phase; `echo`: with its `external_task_id` in `task_info`. */
function taskData(jobs, job, echo) {
  const now = Date.now();
  const phase = jobs.phase(job, now);
  if (phase !== job.data.seen) {
    // updated_at: when the mock first reported the new phase.
    job.data.seen = phase;
    job.data.updatedAt = now;
  }
  const { parent, video } = job.data;
  const data = { task_id: job.id, task_status: job.labels[phase] };
  if (phase === "failed") data.task_status_msg = FAILURE_MESSAGE;
  if (phase === "canceled") data.task_status_msg = CANCELED_MESSAGE;
  data.task_info = {
    ...(job.externalId === undefined || !echo ? {} : { external_task_id: job.externalId }),
    parent_video: { id: parent.id, url: parent.url, duration: duration(parent.seconds) },
  };
  if (phase === "succeeded") {
    data.task_result = {
      videos: [{ id: video.id, url: video.url, watermark_url: video.watermark_url, duration: duration(job.data.seconds) }],
    };
    data.final_unit_deduction = job.data.units;
  }
  data.created_at = job.createdAt;
  data.updated_at = job.data.updatedAt;
  return data;
}

/** A length as Kling writes it, a string of seconds: "10", "12.33" (to the millisecond, as the media is made). */
function duration(seconds) {
  return String(Math.round(seconds * 1000) / 1000);
}

/** Kling's status words in its newer callback document. */
const NEWER_STATUS = { submitted: "submitted", processing: "processing", succeed: "succeeded", failed: "failed" };

/**
 * The newer callback document, `{ id, status, message, create_time,
 * update_time, external_id, outputs, billing }`, for the job's current phase.
 */
function newerDocument(jobs, job) {
  const task = taskData(jobs, job);
  return {
    id: task.task_id,
    status: NEWER_STATUS[task.task_status] ?? task.task_status,
    message: task.task_status_msg ?? "",
    create_time: task.created_at,
    update_time: task.updated_at,
    external_id: job.externalId ?? "",
    outputs: (task.task_result?.videos ?? []).map((video) => ({ type: "video", ...video })),
    billing: task.final_unit_deduction === undefined ? [] : [{ charge_type: "unit", amount: task.final_unit_deduction, package_type: "video" }],
  };
}

/** The reason a submit body is invalid (naming the field), or null. Optional fields are checked when not null. */
function validateSubmit(body) {
  for (const field of ["video_id", "task_id", "external_task_id", "model_name"]) {
    if (body[field] != null && (typeof body[field] !== "string" || body[field] === "")) {
      return `${field} must be a non-empty string`;
    }
  }
  if (body.video_id == null && body.task_id == null) return "video_id or task_id is required";
  for (const field of ["prompt", "negative_prompt", "callback_url"]) {
    if (body[field] != null && typeof body[field] !== "string") return `${field} must be a string`;
  }
  for (const field of ["prompt", "negative_prompt"]) {
    if (body[field] != null && [...body[field]].length > MAX_PROMPT_CHARS) {
      return `${field} must be at most ${MAX_PROMPT_CHARS} characters`;
    }
  }
  const cfg = body.cfg_scale;
  if (cfg != null && !(typeof cfg === "number" && cfg >= 0 && cfg <= 1)) return "cfg_scale must be a number from 0 to 1";
  if (body.mode != null && !(typeof body.mode === "string" && Object.hasOwn(MODES, body.mode))) {
    return 'mode must be "std" or "pro"';
  }
  if (body.duration != null && body.duration !== "5") return 'duration must be "5"';
  const watermark = body.watermark_info;
  if (watermark != null && typeof watermark?.enabled !== "boolean") return "watermark_info.enabled must be a boolean";
  return null;
}
