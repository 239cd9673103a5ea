// Chains as Cloudflare Workflows: each extension is a durable step, so a
// chain outlives the request, the isolate and a restart of the runtime. The
// core decides every step (chainStep: what is in flight, Kling's 180 s
// limit; the chainSubmit task: the submit, looked up first when retried
// where the service can find it); this module only maps them onto steps. Only workerd
// runs Workflows, so this entry uses the workerd build.
import { KlingExtendError, getJob, isKlingExtendError, verifyWebhook } from "./workerd.js";
import { toJson } from "./lib/boundary.js";
import { perform, split } from "./lib/task.js";
import { call } from "./lib/wasm.js";

const TERMINAL = new Set(["succeeded", "failed", "canceled"]);
/** An instance in these states takes no more events. */
const ENDED = new Set(["complete", "errored", "terminated"]);
/** Workflows' documented rules for an instance id and an event type: at most 100 characters of these. */
const WORKFLOWS_NAME = /^[A-Za-z0-9_][A-Za-z0-9_-]{0,99}$/;
/**
 * The largest job passed on whole in an event. Workflows takes events of
 * 1 MiB at most and stores each in the instance; a job document is a few KB,
 * and a larger delivery (up to verifyWebhook's 1 MiB) is passed on as its id
 * and status, so the step reads the job instead.
 */
const MAX_EVENT_JOB_BYTES = 64 * 1024;

/**
 * Runs `prompts` as a chain of extensions of `videoId` inside a
 * WorkflowEntrypoint's `run(event, step)`, and resolves the finished jobs
 * in order (the instance's output). What would end the chain (a bad
 * prompt, a Kling chain past 180 s, a job that does not succeed, a submit
 * that may have been accepted and cannot be looked up) throws outside any
 * `step.do`, so it is not retried: the instance ends `errored`, its error a
 * KlingExtendError naming the step.
 */
export async function runChain(event, step, chain) {
  const { videoId, prompts, options = {}, callbackUrl, callbackTimeout = "10 minutes", pollInterval = "30 seconds", stepConfig = {} } = chain;
  const [data] = split(options);
  const settings = { ...data, ...(callbackUrl === undefined ? {} : { callbackUrl: callback(callbackUrl, event.instanceId) }) };
  // Stored by its step, so a replay derives the same findable ids.
  const key = await step.do("chain key", async () => randomKey());
  const chainArgs = [toJson(videoId, "videoId"), toJson(prompts, "prompts")];
  const recordStep = (progress, job) => call("chainStep", ...chainArgs, toJson({ ...settings, resume: progress }, "options"), toJson(key, "key"), toJson(job, "job"));
  const jobs = [];
  for (let progress = recordStep(undefined, null); progress.inFlight; ) {
    const { index, externalId } = progress.inFlight;
    const where = `step ${index + 1} of ${prompts.length}`;
    const send = (retried) => perform("chainSubmit", [...chainArgs, toJson(retried, "retried")], { ...options, ...settings, resume: progress });
    const jobId = await submit(step, index, stepConfig, send, where, externalId);
    const job = await settle(step, index, stepConfig, jobId, options, callbackTimeout, pollInterval);
    if (job.status !== "succeeded") throw unsuccessful(where, job);
    jobs.push(job);
    progress = recordStep(progress, job);
  }
  return jobs;
}

/** A chain's key: 16 random bytes as hex, from which each step's findable id derives. */
const randomKey = () => Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, "0")).join("");

/** The error that ends a chain whose step's job failed or was canceled. */
function unsuccessful(where, job) {
  const reason = job.error ? `: ${job.error}` : "";
  return new KlingExtendError({ code: `job_${job.status}`, retryable: false, message: `${where}: job ${job.id} ${job.status}${reason}`, job });
}

/**
 * The submit as a step, whose output (the job id) is stored: a replayed
 * workflow reuses it rather than submitting again. Workflows counts a
 * step's attempts before it runs one, so any attempt after the first (a
 * retry, or the step run again after the runtime restarted) is `retried`:
 * a step with a findable id is then looked up before it is sent (the
 * core's chainSubmit). A runtime that does not say the attempt gets the
 * look-up every time. One without a findable id (Trinetra) may be retried
 * only after a failure that certainly sent nothing, so an attempt that may
 * have been accepted ends the chain instead of paying twice.
 */
async function submit(step, index, config, send, where, findable) {
  const output = await step.do(`submit ${index}`, config, async (ctx) => {
    try {
      return { jobId: (await send(ctx?.attempt !== 1)).job_id };
    } catch (error) {
      if (findable || !isKlingExtendError(error) || !error.maybeSubmitted) throw error;
      return { ambiguous: error.toJSON() };
    }
  });
  if (output.ambiguous) throw new KlingExtendError({ ...output.ambiguous, message: `${where}: ${output.ambiguous.message}` });
  return output.jobId;
}

/**
 * The job once it ended: from its signed callback (the event the callback
 * route sends), else, when none came within `timeout`, by reading it every
 * `interval`, each read a step of its own. Only this job's own ended
 * document ends the wait: an event that carries another job (a digest's
 * collision, or whatever else an app sends with this type) or none (a
 * delivery too large to pass on) is answered by reading the job.
 */
async function settle(step, index, config, jobId, options, timeout, interval) {
  try {
    const { payload } = await step.waitForEvent(`callback ${index}`, { type: await callbackEvent(jobId), timeout });
    const job = payload?.job;
    if (job?.id === jobId && TERMINAL.has(job.status)) return job;
  } catch {
    // The timeout comes over RPC as a plain Error, worded differently when
    // a restarted instance replays it; whatever ended the wait, reading
    // the job is the answer.
  }
  for (let read = 0; ; read += 1) {
    const job = await step.do(`read ${index}.${read}`, config, () => getJob(jobId, options));
    if (TERMINAL.has(job.status)) return job;
    await step.sleep(`wait ${index}.${read}`, interval);
  }
}

/** The submits' `callback_url`: the route's URL naming the instance to wake. */
function callback(url, instanceId) {
  const target = new URL(url);
  target.searchParams.set("instance", instanceId);
  return String(target);
}

/**
 * The event type that wakes the step waiting for job `jobId`: one per id,
 * within Workflows' rules for a type (at most 100 characters of
 * `[A-Za-z0-9_-]`). Letters, digits and `-` stand for themselves, and any
 * other UTF-16 unit is `_` and its 4 hex digits (`k.7` is `job-k_002e7`,
 * `k_7` is `job-k_005f7`), so no two ids share a type. An id too long to be
 * spelled out so is named by its SHA-256 (`job_` and 64 hex digits, a prefix
 * no spelled-out type has); the waiting step checks the id it is given all
 * the same.
 */
export async function callbackEvent(jobId) {
  const spelled = `job-${jobId.replace(/[^A-Za-z0-9-]/g, (unit) => `_${hex(unit.charCodeAt(0), 4)}`)}`;
  if (spelled.length <= 100) return spelled;
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(jobId)));
  return `job_${Array.from(digest, (byte) => hex(byte, 2)).join("")}`;
}

/** `n` as `digits` lowercase hex digits. */
const hex = (n, digits) => n.toString(16).padStart(digits, "0");

/**
 * The callback route: checks the delivery's signature with `verifyWebhook`
 * and, when the job has ended, sends it to the workflow instance named in
 * the URL (`runChain`'s `callback_url`), as the event its step waits for.
 * Answers, with no detail (the sender may be anyone): 400 for a delivery
 * that does not verify or names no instance; 404 for an instance that
 * cannot or does not exist, so the service stops trying; 204 otherwise,
 * also when the job has not ended (nothing to send yet) or the instance has
 * (nothing is sent). A failure to reach an existing instance is thrown (a
 * 500 the service retries). A delivery sent again wakes nothing twice: the
 * step takes one event of its job's type, and Workflows keeps that one for
 * the step; the copies stay queued, unread.
 */
export async function deliverCallback(request, workflow, secret, options) {
  const instanceId = new URL(request.url).searchParams.get("instance");
  let job;
  try {
    job = await verifyWebhook(request, secret, options);
  } catch (error) {
    if (isKlingExtendError(error)) return new Response(null, { status: 400 });
    throw error;
  }
  if (instanceId === null) return new Response(null, { status: 400 });
  if (!WORKFLOWS_NAME.test(instanceId)) return new Response(null, { status: 404 });
  if (!TERMINAL.has(job.status)) return new Response(null, { status: 204 });
  const instance = await instanceNamed(workflow, instanceId);
  if (instance === null) return new Response(null, { status: 404 });
  // The instance is an RPC stub: disposed at once rather than left to the
  // garbage collector, so a busy route does not pile them up.
  try {
    if (!ENDED.has((await instance.status()).status)) {
      await instance.sendEvent({ type: await callbackEvent(job.id), payload: eventPayload(job) });
    }
  } finally {
    instance[Symbol.dispose]?.();
  }
  return new Response(null, { status: 204 });
}

/** The instance named `id`, or null when none is (`get` throws `instance.not_found` then). */
async function instanceNamed(workflow, id) {
  try {
    return await workflow.get(id);
  } catch (error) {
    if (String(error?.message).includes("instance.not_found")) return null;
    throw error;
  }
}

/** What the step learns of `job`: its id and status, and the job itself unless it is too large to pass on. */
function eventPayload(job) {
  const { id, status } = job;
  return new TextEncoder().encode(JSON.stringify(job)).byteLength <= MAX_EVENT_JOB_BYTES ? { id, status, job } : { id, status };
}
