// Chains as Cloudflare Workflows: each extension is a durable step, so a
// chain outlives the request, the isolate and a restart of the runtime. Only
// workerd runs Workflows, so this entry uses the workerd build.
import { extendVideo, getJob, isKlingExtendError, validateRequest, verifyWebhook } from "./workerd.js";

const TERMINAL = new Set(["succeeded", "failed", "canceled"]);

/**
 * Runs `prompts` as a chain of extensions of `videoId` inside a
 * WorkflowEntrypoint's `run(event, step)`, and resolves the finished jobs
 * in order (the instance's output). A job that does not succeed throws,
 * outside any `step.do` so it is not retried: the instance ends `errored`
 * and its status names the step, the job and the service's reason.
 */
export async function runChain(event, step, { videoId, prompts, options = {}, callbackUrl, callbackTimeout = "10 minutes", pollInterval = "30 seconds" }) {
  check(videoId, prompts, options.provider);
  const jobs = [];
  let source = { video_id: videoId };
  for (const [index, prompt] of prompts.entries()) {
    const request = { ...source, prompt, ...callback(callbackUrl, event.instanceId) };
    const jobId = await submit(step, index, request, options, `${event.instanceId}-${index}`);
    const job = await settle(step, index, jobId, options, callbackTimeout, pollInterval);
    if (job.status !== "succeeded") {
      throw new Error(`step ${index + 1} of ${prompts.length}: job ${job.id} ${job.status}${job.error ? `: ${job.error}` : ""}`);
    }
    jobs.push(job);
    source = nextSource(job, options.provider);
  }
  return jobs;
}

/**
 * Every prompt checked before the first submit, so a bad third prompt
 * cannot end a chain after two paid steps.
 */
function check(videoId, prompts, provider) {
  for (const [index, prompt] of prompts.entries()) {
    try {
      validateRequest({ video_id: videoId, prompt }, { provider });
    } catch (error) {
      throw new Error(`prompts[${index}]: ${error.message}`);
    }
  }
}

/**
 * The submit as a step, whose output (the job id) is stored: a replayed
 * workflow reuses it rather than submitting again. On Kling the submit
 * carries `externalId`, the same on every attempt, and a retried attempt
 * finds an earlier one's task by it before sending anything.
 */
function submit(step, index, request, options, externalId) {
  return step.do(`submit ${index}`, async () => {
    if (options.provider !== "kling") return (await extendVideo(request, options)).job_id;
    const found = await getJob(externalId, options).catch((error) => {
      if (isKlingExtendError(error) && error.code === "not_found") return null;
      throw error;
    });
    return found?.id ?? (await extendVideo({ ...request, external_task_id: externalId }, options)).job_id;
  });
}

/**
 * The job once it ended: from its signed callback (the event the callback
 * route sends), else, when none came within `timeout`, by reading it every
 * `interval`, each read a step of its own.
 */
async function settle(step, index, jobId, options, timeout, interval) {
  try {
    const { payload } = await step.waitForEvent(`callback ${index}`, { type: callbackEvent(jobId), timeout });
    return payload;
  } catch {
    // The timeout comes over RPC as a plain Error, worded differently when
    // a restarted instance replays it; whatever ended the wait, reading
    // the job is the answer.
  }
  for (let read = 0; ; read += 1) {
    const job = await step.do(`read ${index}.${read}`, () => getJob(jobId, options));
    if (TERMINAL.has(job.status)) return job;
    await step.sleep(`wait ${index}.${read}`, interval);
  }
}

/** The submit's `callback_url`: the route's URL naming the instance to wake. */
function callback(url, instanceId) {
  if (url === undefined) return {};
  const target = new URL(url);
  target.searchParams.set("instance", instanceId);
  return { callback_url: String(target) };
}

/**
 * What the next step extends: the result's video by its id, else (no id
 * given) the Kling task itself, or the Trinetra job, as chainExtensions does.
 */
function nextSource(job, provider) {
  const video = job.output.outputs[0].id;
  if (video !== undefined) return { video_id: video };
  return provider === "kling" ? { task_id: job.id } : { video_id: job.id };
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
  if (TERMINAL.has(job.status)) await (await workflow.get(instanceId)).sendEvent({ type: callbackEvent(job.id), payload: job });
  return new Response(null, { status: 204 });
}
