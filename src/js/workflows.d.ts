// Types of `kling-extend/workflows`, for Cloudflare Workflows. They name only
// what the helpers use of the Workflows API, so they need no
// @cloudflare/workers-types: `run(event, step)`'s own objects fit.
import type { CompletedJob, PollOptions, WebhookOptions } from "./index.js";

/** The parts of a `WorkflowStep` the chain uses. */
export interface WorkflowStepLike {
  /** `ctx.attempt` (1 first), where the runtime passes it, spares a first submit its look-up. */
  do<T>(name: string, config: WorkflowStepConfig, callback: (ctx?: { attempt?: number }) => Promise<T>): Promise<T>;
  sleep(name: string, duration: string | number): Promise<void>;
  /** Not generic: the runtime's own is constrained (`T extends Rpc.Serializable<T>`), which a generic here could not take. */
  waitForEvent(name: string, options: { type: string; timeout?: string | number }): Promise<{ payload: unknown }>;
}

/** How Workflows retries and times out a step (its `WorkflowStepConfig`). */
export interface WorkflowStepConfig {
  retries?: { limit: number; delay: string | number; backoff?: "constant" | "linear" | "exponential" };
  timeout?: string | number;
}

/** The parts of a workflow binding (`env.CHAIN`) the callback route uses. */
export interface WorkflowLike {
  /** Throws an error whose message holds `instance.not_found` for an id no instance has. */
  get(id: string): Promise<{
    status(): Promise<{ status: string }>;
    sendEvent(event: { type: string; payload: unknown }): Promise<void>;
  }>;
}

/** What `runChain` runs: the video, its prompts, the service and how to wait for each step. */
export interface WorkflowChain {
  /** The video to extend. */
  videoId: string;
  /** One extension per prompt, each extending the result of the one before. */
  prompts: string[];
  /**
   * The service and its credential (from `env`, never from the event's
   * params, which are stored), and `sourceSeconds` for Kling's 180 s check.
   */
  options?: (PollOptions & { sourceSeconds?: number | undefined }) | undefined;
  /**
   * The URL of the Worker's route that calls `deliverCallback`: each submit
   * asks the service to post the job's changes there (`?instance=` is added).
   * Without it, every step is read by polling (after `callbackTimeout`).
   */
  callbackUrl?: string | undefined;
  /** How long a step waits for its callback before polling; default "10 minutes". */
  callbackTimeout?: string | number | undefined;
  /** Between two reads when polling; default "30 seconds". */
  pollInterval?: string | number | undefined;
  /** How Workflows retries the submit and read steps; default its own (5 retries, 10 s apart, exponential). */
  stepConfig?: WorkflowStepConfig | undefined;
}

/**
 * Runs a chain of extensions in a WorkflowEntrypoint's `run(event, step)`.
 * Every prompt, and on Kling the 180 s limit, is checked before anything
 * is sent. Then, per prompt, a `step.do` submit (on Kling with an
 * `external_task_id` derived from a random key the first step stores, looked
 * up before every attempt sends, so a retried or replayed step never pays
 * twice), a wait for the job's signed callback (the event of type
 * `callbackEvent(jobId)`), else reads every `pollInterval`. The wait ends
 * only with that job's own ended document: an event that carries another
 * job, or only the job's id and status (a delivery too large to pass on),
 * makes the step read the job instead. Resolves the finished jobs, in order.
 *
 * What ends the chain ends the instance `errored`, not retried: a bad
 * prompt, a chain past Kling's limit, a job that fails (the step, the job
 * id and the service's reason), a Trinetra submit that may have been
 * accepted (Trinetra cannot be asked, so it is not sent again). Workflows
 * reports the error as `{ name: "Error", message: "KlingExtendError: step 2
 * of 5: job … failed: …" }`.
 *
 * ```js
 * export class Chain extends WorkflowEntrypoint {
 *   run(event, step) {
 *     const { videoId, prompts } = event.payload;
 *     const options = { provider: "kling", apiKey: this.env.KLING_API_KEY };
 *     return runChain(event, step, { videoId, prompts, options, callbackUrl: "https://my.app/callback" });
 *   }
 * }
 * ```
 */
export declare function runChain(event: { instanceId: string }, step: WorkflowStepLike, chain: WorkflowChain): Promise<CompletedJob[]>;

/**
 * The callback route: verifies the delivery (`verifyWebhook`) and sends an
 * ended job to the instance named by the URL's `instance` parameter, as the
 * event its step waits for (`callbackEvent(job.id)`), whose payload is
 * `{ id, status, job }`, without `job` when the job's JSON is over 64 KiB
 * (Workflows takes events of 1 MiB at most; the step then reads the job).
 * Resolves, with an empty body (the sender may be anyone):
 * - 400 for a delivery that does not verify, or a URL without `instance`;
 * - 404 when no instance can have that id (Workflows' rules), or when the
 *   job has ended and no instance has it, so the service stops trying;
 * - 204 otherwise, sending nothing for a job that has not ended or an
 *   instance that has (complete, errored, terminated).
 *
 * A delivery sent again (the same `webhook-id`, a service's retry or a
 * replay) wakes nothing a second time: each job's step takes one event of
 * its type, and Workflows keeps that one for the step's name; the copies
 * stay queued in the instance, unread. An error reaching an instance that
 * exists is thrown, so the route answers 500 and the service retries.
 *
 * ```js
 * if (url.pathname === "/callback") return deliverCallback(request, env.CHAIN, env.WEBHOOK_SECRET);
 * ```
 */
export declare function deliverCallback(request: Request, workflow: WorkflowLike, secret: string | string[], options?: WebhookOptions): Promise<Response>;

/**
 * The event type that wakes the step waiting for job `jobId`: one type per
 * id, within Workflows' rules for a type (at most 100 characters of
 * `[A-Za-z0-9_-]`). Letters, digits and `-` stand for themselves and every
 * other UTF-16 unit for `_` and its 4 hex digits (`k.7` → `job-k_002e7`,
 * `k_7` → `job-k_005f7`); an id too long for that is named by its SHA-256
 * (`job_` and 64 hex digits).
 */
export declare function callbackEvent(jobId: string): Promise<string>;
