// Chains as Cloudflare Workflows: each extension is a durable step, so a
// chain outlives the request, the isolate and a restart of the runtime. The
// core decides every step (chainStep: what is in flight, Kling's 180 s
// limit; the chainSubmit task: the submit, looked up first when retried
// where the service can find it); this module only maps them onto steps. Only workerd
// runs Workflows, so this entry uses the workerd build.
import { KlingExtendError, getJob, isKlingExtendError, verifyWebhook } from "./workerd.js";
import { toJson } from "./lib/boundary.js";
import { split, task } from "./lib/task.js";
import { call } from "./lib/wasm.js";

const TERMINAL = new Set(["succeeded", "failed", "canceled"]);

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
  const advance = (progress, job) => call("chainStep", ...chainArgs, toJson({ ...settings, resume: progress }, "options"), toJson(key, "key"), toJson(job, "job"));
  const jobs = [];
  for (let progress = advance(undefined, null); progress.inFlight; ) {
    const { index, externalId } = progress.inFlight;
    const where = `step ${index + 1} of ${prompts.length}`;
    const send = (retried) => task("chainSubmit", [...chainArgs, toJson(retried, "retried")], { ...options, ...settings, resume: progress });
    const jobId = await submit(step, index, stepConfig, send, where, externalId);
    const job = await settle(step, index, stepConfig, jobId, options, callbackTimeout, pollInterval);
    if (job.status !== "succeeded") throw unsuccessful(where, job);
    jobs.push(job);
    progress = advance(progress, job);
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
 * `interval`, each read a step of its own.
 */
async function settle(step, index, config, jobId, options, timeout, interval) {
  try {
    const { payload } = await step.waitForEvent(`callback ${index}`, { type: callbackEvent(jobId), timeout });
    return payload;
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

/** The event type that wakes the step waiting for job `jobId` (Workflows allow letters, digits, `-` and `_`). */
export const callbackEvent = (jobId) => `job-${jobId.replace(/[^\w-]/g, "_")}`;

/**
 * The callback route: checks the delivery's signature with `verifyWebhook`
 * and, when the job has ended, sends it to the workflow instance named in
 * the URL (`runChain`'s `callback_url`). Answers 204, or 400 for a delivery
 * that does not verify, with no detail: the sender may be anyone.
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
  if (TERMINAL.has(job.status)) {
    // The instance is an RPC stub: disposed at once rather than left to the
    // garbage collector, so a busy route does not pile them up.
    const instance = await workflow.get(instanceId);
    try {
      await instance.sendEvent({ type: callbackEvent(job.id), payload: job });
    } finally {
      instance[Symbol.dispose]?.();
    }
  }
  return new Response(null, { status: 204 });
}
