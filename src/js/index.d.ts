// Public types of kling-extend (the contract, v1.2).

/** The service a call goes to. */
export type Provider = "trinetra" | "kling";
/** Trinetra's output resolutions. */
export type Resolution = "720p" | "1080p";
/** Kling's generation modes (`std` and `pro` are accepted as the short names). */
export type Mode = "standard" | "professional" | "std" | "pro";
/** A job's state, the same words for both services. */
export type JobStatus = "queued" | "running" | "succeeded" | "failed" | "canceled";

/** What went wrong, by kind: `KlingExtendError.code`. */
export type ErrorCode =
  | "invalid_request"
  | "unauthorized"
  | "forbidden"
  | "insufficient_credits"
  | "not_found"
  | "rate_limited"
  | "content_policy"
  | "server_error"
  | "network_error"
  | "timeout"
  | "aborted"
  | "job_failed"
  | "job_canceled"
  | "bad_response"
  /** The package itself failed (its wasm instance had to restart during the call); never the service's fault. */
  | "internal_error";

/** How much a call logs: each level adds to the one before. Default "off". */
export type LogLevel = "off" | "error" | "warn" | "info" | "debug";

/** Where log lines go: `console`, or anything shaped like it (pino, winston…). */
export interface Logger {
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

/** Which service, where, and the credential for it. */
export interface ServiceOptions {
  /** Default "trinetra". */
  provider?: Provider | undefined;
  /**
   * Default per provider: Trinetra's gateway, or `https://api-singapore.klingai.com`
   * (`https://api-beijing.klingai.com` serves China). A proxy URL needs no key.
   */
  baseUrl?: string | undefined;
  /**
   * Trinetra: sent as X-API-Key. Kling: its API key from the Kling console,
   * sent as `Authorization: Bearer <apiKey>` (Kling's current method).
   * In Node, a call given no credential reads `TRINETRA_API_KEY`, or
   * `KLING_API_KEY` (then `KLING_ACCESS_KEY` + `KLING_SECRET_KEY`) for Kling.
   */
  apiKey?: string | undefined;
  /** Kling (legacy): a JWT is signed from this and `secretKey` for every request. */
  accessKey?: string | undefined;
  /** Kling (legacy): the secret that signs the JWT; never sent. */
  secretKey?: string | undefined;
  /** Kling: a ready JWT (e.g. minted by a server with `signKlingToken`). */
  token?: string | undefined;
  /** Per HTTP attempt, in milliseconds; default 30000. */
  timeoutMs?: number | undefined;
}

/** Options every network call takes (last). */
export interface ClientOptions extends ServiceOptions {
  /** Retries per call after the first attempt; default 2, at most 10. */
  maxRetries?: number | undefined;
  /**
   * The longest response body read, in bytes; default 8 MiB (8388608), at most
   * 64 MiB (67108864: the most the wasm's memory can always parse; a larger
   * value is `invalid_request` naming `maxResponseBytes`). A longer body is
   * refused as `bad_response` while it is read.
   */
  maxResponseBytes?: number | undefined;
  /** Aborts the call, its retries and its waits (`aborted`). */
  signal?: AbortSignal | undefined;
  /** Default: the global fetch. */
  fetch?: typeof fetch | undefined;
  /** Extra headers; they never replace the credential. */
  headers?: Record<string, string> | undefined;
  /** Allow a key in a page, where every visitor can read it. */
  dangerouslyAllowBrowser?: boolean | undefined;
  /**
   * What to log: "error" (how a call failed), "warn" (+ each failed attempt
   * and retry), "info" (+ each answer: method, URL, status, time), "debug"
   * (+ each request sent, each wait). Default "off"; in Node,
   * `KLING_EXTEND_LOG` sets it. Never a key, a token or a body.
   */
  logLevel?: LogLevel | undefined;
  /** Where lines go; default `console`. A logger that throws is ignored. */
  logger?: Logger | undefined;
}

/** Options of `pollJob`: how to pace the reads, and progress. */
export interface PollOptions extends ClientOptions {
  /** First wait between reads, in milliseconds; default 1000. Waits grow ×1.5. */
  intervalMs?: number | undefined;
  /** Longest wait between reads; default 10000. */
  maxIntervalMs?: number | undefined;
  /** The whole wait; default 600000 (then `timeout`). */
  waitTimeoutMs?: number | undefined;
  /**
   * Called on every status change, the final one included. A promise it
   * returns is awaited, never past an abort or `waitTimeoutMs` (`timeout`);
   * one that throws or rejects ends the call as `aborted`, its error as `cause`.
   */
  onUpdate?: ((job: Job) => void | Promise<void>) | undefined;
}

/** Options of `run`: `pollJob`'s, and the submission as soon as it is accepted. */
export interface RunOptions extends PollOptions {
  /**
   * Called once the service accepted the job, before the first wait: save
   * `submission.job_id` to find the job again if this process goes away. A
   * promise it returns is awaited first; if it throws or rejects, the call
   * ends as `aborted` (its error as `cause`) with the paid job in `error.job`.
   */
  onSubmitted?: ((submission: Submission) => void | Promise<void>) | undefined;
}

/** One finished step of a chain, for `onStep`. */
export interface ChainStepReport {
  /** 0-based. */
  index: number;
  job: CompletedJob;
}

/**
 * Where a chain stands, reported by `onProgress` after every change (a step
 * about to be submitted, accepted, finished): plain JSON to store anywhere
 * and pass back as `resume`. Treat it as opaque; it is checked when read.
 */
export interface ChainProgress {
  provider: Provider;
  /** The chain's source video. */
  videoId: string;
  /** How many extensions the whole chain makes. */
  steps: number;
  /** 32 hex digits; each step's Kling `external_task_id` derives from it. */
  key: string;
  /** Finished steps in order (a step's index is its place): its job and the video it made. */
  finished: { jobId: string; videoId?: string; seconds?: number }[];
  /** The step being submitted (`externalId` only, Kling) or waited for (`jobId`). */
  inFlight?: { index: number; externalId?: string; jobId?: string };
  /** What the next step extends. */
  next: { videoId: string } | { taskId: string };
  /** Length of `next`, when known. */
  seconds?: number;
  /** What the finished steps cost: Kling units or Trinetra credits. */
  charged: number;
}

/** Options of `chainExtensions`; `onSubmitted` is called for every step. */
export interface ChainOptions extends RunOptions {
  /** Called when each extension has finished. */
  onStep?: ((step: ChainStepReport) => void | Promise<void>) | undefined;
  /**
   * Called after every change of the chain's progress, before the chain goes
   * on (a returned promise is awaited): store it to resume the chain later.
   */
  onProgress?: ((progress: ChainProgress) => void | Promise<void>) | undefined;
  /**
   * A progress from `onProgress` of this same chain (video id, prompts,
   * provider): finished steps are not redone, and a step in flight is waited
   * for or found again (Kling, by its `external_task_id`) before anything is
   * sent. A Trinetra step whose submit had no answer yet cannot be checked,
   * so it is not sent again: the call rejects with `aborted` and `maybeSubmitted`.
   */
  resume?: ChainProgress | undefined;
  /** Length of the source video, when known (Kling's 180 s limit is checked against it; 5 s assumed otherwise). Not with `resume`, which carries it. */
  sourceSeconds?: number | undefined;
  /** Every step's `callback_url`: the service posts each job's changes there. */
  callbackUrl?: string | undefined;
}

/** What `extendVideo` submits: the services' own field names. */
export interface ExtendRequest {
  /** The video to extend (required, except a Kling `task_id` alone). */
  video_id?: string | undefined;
  /** What happens next; at most 2500 characters. */
  prompt?: string | undefined;
  /** What to avoid; at most 2500 characters. */
  negative_prompt?: string | undefined;
  /** How closely to follow the prompt, 0 to 1. */
  cfg_scale?: number | undefined;
  /** Absolute http(s) URL the service posts the finished job to; `""` means none (nothing is sent), as in Kling's own example. */
  callback_url?: string | undefined;
  /** Trinetra. */
  resolution?: Resolution | undefined;
  /** Kling: your id for the task (one is generated when absent), used to find it after a lost answer. */
  external_task_id?: string | undefined;
  /** Kling: extend this task's video. */
  task_id?: string | undefined;
  /** Kling: seconds added, "5". */
  duration?: string | number | undefined;
  /** Kling. */
  mode?: Mode | undefined;
  /** Kling: the model, e.g. "kling-v1". */
  model_name?: string | undefined;
  /**
   * Kling: whether the task also makes a watermarked copy of its video
   * (`enabled`, required; nothing else may be in it). Sent as given.
   */
  watermark_info?: { enabled: boolean } | undefined;
}

/** The service accepted a job. */
export interface Submission {
  job_id: string;
  status: JobStatus;
  provider: Provider;
  /** The service's id of the request, for its support. */
  request_id?: string;
}

/** One output video. */
export interface JobVideo {
  url: string;
  type: "video";
  /** The video's id, to extend it further (Kling's `task_result.videos[].id`). */
  id?: string;
  /** Seconds. */
  duration?: number;
}

/** A job, the same for both services. */
export interface Job {
  id: string;
  model: string;
  status: JobStatus;
  /**
   * Present once the job has succeeded: its videos only. Outputs of other
   * types in a Kling callback (`image`, `audio`, `element`, `voice`) stay in `raw`.
   */
  output?: { outputs: JobVideo[] };
  /** Trinetra: credits charged (1 credit = ₹1). */
  credits_charged?: number;
  /**
   * Kling: resource-pack units charged (its `final_unit_deduction`, or the `unit` entries of a newer
   * callback's `billing`, whatever their `package_type`; standard 1, professional 3.5 per 5 s).
   */
  units_charged?: number;
  /**
   * Kling: money taken from the account's balance, when Kling reports it (`final_balance_deduction.quota`,
   * whose currency it does not name, or the `cash` entries of a newer callback's `billing` whose
   * `cash_type` is `balance` or absent, not `test_balance`, when they name one currency).
   */
  money_charged?: { amount: number; currency?: string };
  /** The failure reason, when the service gives one. */
  error?: string;
  /** The service's document as received. */
  raw: unknown;
  /** Only from `verifyWebhook`: the signed delivery that carried the document. */
  webhook?: WebhookDelivery;
}

/**
 * A Standard Webhooks delivery: `id` is the `webhook-id` header, the same for
 * every retry of one message (store it to drop replays); `timestamp` is
 * `webhook-timestamp`, in Unix seconds.
 */
export interface WebhookDelivery {
  id: string;
  timestamp: number;
}

/** What `verifyWebhook` resolves: the job, and the delivery that carried it. */
export interface VerifiedJob extends Job {
  webhook: WebhookDelivery;
}

/**
 * A job that succeeded with at least one video: what `pollJob`, `run` and
 * `chainExtensions` resolve (a "succeeded" document without one is a
 * `bad_response`), so `job.output.outputs[0].url` needs no check.
 */
export interface CompletedJob extends Job {
  status: "succeeded";
  output: { outputs: [JobVideo, ...JobVideo[]] };
}

/** What every `KlingExtendError` carries, whatever its code. */
interface KlingExtendErrorFields extends Error {
  readonly name: "KlingExtendError";
  readonly code: ErrorCode;
  /** Whether the same call may succeed if made again later. */
  readonly retryable: boolean;
  /** The HTTP status, when the service answered. */
  readonly status?: number;
  /** The service's own error code (Kling's body codes, e.g. 1102). */
  readonly providerCode?: number;
  /** The service's id of the request, for its support. */
  readonly requestId?: string;
  /** How long the service asked to wait (`Retry-After`), in milliseconds. */
  readonly retryAfterMs?: number;
  /** The field at fault; always present for `invalid_request` ("request" when the service named none). */
  readonly field?: string;
  /**
   * The job's document: always present for `job_failed` and `job_canceled`. After a submit was
   * accepted (`run`, a chain's step), any error names the job as accepted or last read, so it is
   * never lost (`raw` is `null` when no read came yet).
   */
  readonly job?: Job;
  /**
   * For a failed submit: true when the service may have accepted it (then it was not sent again).
   * For `internal_error`: true when a submit had left; `job`, when present, is the accepted one.
   */
  readonly maybeSubmitted?: boolean;
  /** The underlying error (a fetch failure, a wasm trap, the signal's `reason` for `aborted`), when there is one. */
  readonly cause?: unknown;
  /** The fields above as plain data (no key or token is ever among them). */
  toJSON(): Record<string, unknown>;
}

/** The job ended without a video: `error.job` is its document (`job.error`, the reason). */
export interface KlingExtendJobError extends KlingExtendErrorFields {
  readonly code: "job_failed" | "job_canceled";
  readonly job: Job;
}

/** Bad input, refused before anything was sent (or by the service): `error.field` names it. */
export interface KlingExtendInvalidRequestError extends KlingExtendErrorFields {
  readonly code: "invalid_request";
  readonly field: string;
}

/** Every other failure: the service, the network, a timeout, an abort. */
export interface KlingExtendOtherError extends KlingExtendErrorFields {
  readonly code: Exclude<ErrorCode, "job_failed" | "job_canceled" | "invalid_request">;
}

/**
 * Every failure the package reports. It narrows by `code`:
 *
 * ```ts
 * if (error instanceof KlingExtendError && error.code === "job_failed") console.log(error.job.error);
 * ```
 */
export type KlingExtendError = KlingExtendJobError | KlingExtendInvalidRequestError | KlingExtendOtherError;

/** What `new KlingExtendError(detail)` takes: the code, the message and any of the fields. */
export interface KlingExtendErrorDetail {
  code: ErrorCode;
  message: string;
  retryable?: boolean | undefined;
  status?: number | undefined;
  providerCode?: number | undefined;
  requestId?: string | undefined;
  retryAfterMs?: number | undefined;
  field?: string | undefined;
  job?: Job | undefined;
  maybeSubmitted?: boolean | undefined;
}

/** The class: `error instanceof KlingExtendError` narrows to the union above. */
export interface KlingExtendErrorConstructor {
  new (detail: KlingExtendErrorDetail, cause?: unknown): KlingExtendError;
  readonly prototype: KlingExtendError;
}

/** Every failure the package reports (see the `KlingExtendError` type for its fields). */
export declare const KlingExtendError: KlingExtendErrorConstructor;

/**
 * Whether `error` is a `KlingExtendError`, for `catch` blocks. Unlike
 * `instanceof`, it also knows one made by another copy of the package.
 */
export declare function isKlingExtendError(error: unknown): error is KlingExtendError;

/** What Trinetra's gateway would charge: credits per second of output, one credit a rupee. */
export interface TrinetraQuoteInput {
  provider?: "trinetra" | undefined;
  /** Default "720p" (19 credits a second; "1080p" 30). */
  resolution?: Resolution | undefined;
  /** Seconds of output, 0 to 10,000,000 (batch budgets too). */
  seconds: number;
  /** 0 to 100, at most two decimals. */
  discountPercent?: number | undefined;
  /** Negotiated rates, in credits per second. */
  rates?: { "720p"?: number | undefined; "1080p"?: number | undefined } | undefined;
  /** Kling's: Trinetra prices in rupees. */
  mode?: undefined;
  /** Kling's: Trinetra prices in rupees. */
  unitPrice?: undefined;
}

/** What Kling's API would charge: its units per 5-second step, and money at your price per unit. */
export interface KlingQuoteInput {
  provider: "kling";
  /** Default "standard" (1 unit, 10 credits a step; "professional" 3.5 units, 35 credits). */
  mode?: Mode | undefined;
  /** Seconds of output, 0 to 10,000,000 (batch budgets too). */
  seconds: number;
  /** 0 to 100, at most two decimals; applies to credits and price. */
  discountPercent?: number | undefined;
  /** Negotiated rates, in credits per 5-second step. */
  rates?: { standard?: number | undefined; professional?: number | undefined } | undefined;
  /** Your price of one Kling unit, e.g. `{ amount: 0.14, currency: "USD" }`: with it, the quote has `price`. */
  unitPrice?: UnitPrice | undefined;
  /** Trinetra's: Kling bills by mode. */
  resolution?: undefined;
}

/** Your price of one Kling unit, for a quote's `price`. */
export interface UnitPrice {
  /** 0 to 1,000,000, at most four decimals. */
  amount: number;
  /** Three capital letters (ISO 4217), e.g. "USD"; the quote's `price` repeats it. */
  currency: string;
}

/** A Kling quote's input with `unitPrice`: its quote has a `price` (`PricedKlingQuote`). */
export type PricedKlingQuoteInput = KlingQuoteInput & { unitPrice: UnitPrice };

/** What `quote` prices: Trinetra by default, Kling with `provider: "kling"`. */
export type QuoteInput = TrinetraQuoteInput | KlingQuoteInput;

interface QuoteCommon {
  seconds: number;
  /** Seconds billed: whole seconds (Trinetra) or whole 5-second steps (Kling). */
  billedSeconds: number;
  listCredits: number;
  discountPercent: number;
  /** After the discount. */
  credits: number;
}

/** A Trinetra price: credits, which are rupees. */
export interface TrinetraQuote extends QuoteCommon {
  provider: "trinetra";
  resolution: Resolution;
  perSecond: number;
  /** Rupees: one credit is one rupee. */
  inr: number;
  /** Indian digit grouping, e.g. "₹1,23,456.00". */
  formatted: string;
}

/** A Kling price: units per 5-second step, and money only at your `unitPrice`. */
export interface KlingQuote extends QuoteCommon {
  provider: "kling";
  mode: "standard" | "professional";
  /** 5-second steps billed. */
  steps: number;
  /** Kling's resource-pack units, as its `final_unit_deduction` counts them. */
  units: number;
  /** Credits per step (10 a unit). */
  perStep: number;
  /** Only with `unitPrice`: the units at that price, less the discount, exact to the cent. */
  price?: Price;
}

/** A Kling quote made with a `unitPrice`, so its `price` is there. */
export interface PricedKlingQuote extends KlingQuote {
  price: Price;
}

/** An amount of money at the caller's unit price, exact to the cent. */
export interface Price {
  amount: number;
  /** ISO 4217, as given. */
  currency: string;
  /** The code, thousands grouped, two decimals, e.g. "USD 1,234.50". */
  formatted: string;
}

/** What `quote` answers; narrows by `provider`. */
export type Quote = TrinetraQuote | KlingQuote;

interface ChainInput {
  /** Seconds of the video before the first extension. */
  sourceSeconds: number;
  /** 0 to 1000. */
  extensions: number;
  /** Default "output" for Trinetra, "added" for Kling. */
  basis?: "output" | "added" | undefined;
}

/** `quoteChain` for Trinetra: a quote's input without `seconds`, and the chain's shape. */
export type TrinetraChainQuoteInput = Omit<TrinetraQuoteInput, "seconds"> & ChainInput;
/** `quoteChain` for Kling. */
export type KlingChainQuoteInput = Omit<KlingQuoteInput, "seconds"> & ChainInput;
/** `quoteChain` for Kling with `unitPrice`: every quote of the chain has a `price`. */
export type PricedKlingChainQuoteInput = KlingChainQuoteInput & { unitPrice: UnitPrice };
/** What `quoteChain` prices. */
export type ChainQuoteInput = TrinetraChainQuoteInput | KlingChainQuoteInput;

/** Seconds, as a range: an extension adds 4 to 5 of them. */
export interface SecondsRange {
  min: number;
  max: number;
}

/** One step of a chain quote: what it adds and its price range. */
export interface ChainStep<Q extends Quote = Quote> {
  /** 1-based. */
  index: number;
  addedSeconds: SecondsRange;
  outputSeconds: SecondsRange;
  min: Q;
  max: Q;
}

/** A chain's price range, in total and per step. */
export interface ChainQuote<Q extends Quote = Quote> {
  basis: "output" | "added";
  outputSeconds: SecondsRange;
  min: Q;
  max: Q;
  steps: ChainStep<Q>[];
}

/**
 * The network functions with options bound, from `createClient(options)`.
 * A call's own options override the bound ones, and its `headers` merge
 * with them. Every method rejects with a `KlingExtendError`; its `code` says
 * what went wrong, and `error.retryable` whether trying again later may work.
 *
 * @example
 * ```ts
 * const client = createClient({ baseUrl: "https://video-proxy.example.com", logLevel: "warn" });
 * const job = await client.run({ video_id: "vid_123", prompt: "the camera pulls back" });
 * console.log(job.output.outputs[0].url);
 * ```
 */
export interface Client {
  /**
   * Submits one extension job and resolves once the service accepted it
   * (`{ job_id, status, provider, request_id? }`), without waiting for the
   * video: then `pollJob(job_id)`, or `run` for both.
   *
   * The request and the options are checked first: a bad one rejects with
   * `invalid_request` and `error.field` naming it, and nothing is sent.
   * The service's refusals are `unauthorized`, `forbidden`,
   * `insufficient_credits`, `content_policy` or `invalid_request`; after
   * `maxRetries` retries, `rate_limited`, `server_error`, `network_error`
   * or `timeout` (`timeoutMs`, per attempt); `aborted` when `signal` fires;
   * `bad_response` for an answer it cannot read; `internal_error` when the
   * package itself failed.
   *
   * A submit is sent again only when the service certainly did not take it
   * (408, 429, 503, a connection that never opened). Otherwise the error has
   * `maybeSubmitted: true` and it was not repeated, so nothing is paid twice;
   * with Kling, a lost answer is first looked up by the request's
   * `external_task_id` (one is generated when you give none).
   */
  extendVideo(request: ExtendRequest, options?: ClientOptions): Promise<Submission>;
  /**
   * Reads a job once and resolves its document, whatever its status (a
   * failed job resolves; only `pollJob` rejects it). `jobId` is the
   * submission's `job_id`; with Kling, its `task_id` or your `external_task_id`.
   *
   * Network failures, timeouts, 408, 429 and 5xx answers are retried
   * (`maxRetries`, obeying `Retry-After`). Rejects with `not_found` for an
   * id the service does not know, `unauthorized`, `forbidden`,
   * `invalid_request` (an empty id, a bad option: `error.field`),
   * `rate_limited`, `server_error`, `network_error`, `timeout`, `aborted`,
   * `bad_response` (an answer it cannot read, or another job's document) or
   * `internal_error`.
   */
  getJob(jobId: string, options?: ClientOptions): Promise<Job>;
  /**
   * Reads a job until it ends: waits of `intervalMs` (default 1 s) growing
   * ×1.5 up to `maxIntervalMs` (10 s), `onUpdate(job)` on every status
   * change, the whole wait bounded by `waitTimeoutMs` (10 minutes).
   * Resolves the succeeded job with at least one video.
   *
   * Rejects with `job_failed` or `job_canceled` (`error.job` is the
   * document, `error.job.error` the service's reason), `timeout` when
   * `waitTimeoutMs` passes (failed reads are retried until then),
   * `aborted` when `signal` fires or a hook throws, `not_found`,
   * `unauthorized` or `forbidden` at once, `bad_response` (a "succeeded"
   * job without a video, an answer it cannot read), `invalid_request` (a
   * bad id or option) or `internal_error`. Once a read came, `error.job`
   * holds the last document read.
   */
  pollJob(jobId: string, options?: PollOptions): Promise<CompletedJob>;
  /**
   * `extendVideo` then `pollJob`: one call from the request to the video.
   * `onSubmitted(submission)` is called once the service accepted the job,
   * before the first wait: store `submission.job_id` to find the job again
   * if this process goes away.
   *
   * Rejects as `extendVideo` does until the job is accepted, then as
   * `pollJob` does; from then on every error carries the paid job in
   * `error.job` (`raw` is `null` when no read came yet), so it is never lost.
   *
   * @example
   * ```ts
   * try {
   *   const job = await client.run({ video_id: "vid_123" }, { onSubmitted: (s) => save(s.job_id) });
   *   show(job.output.outputs[0].url);
   * } catch (error) {
   *   if (isKlingExtendError(error) && error.code === "job_failed") show(error.job.error);
   *   else throw error;
   * }
   * ```
   */
  run(request: ExtendRequest, options?: RunOptions): Promise<CompletedJob>;
  /**
   * Extends `videoId` with the first prompt, waits for the video, then
   * extends that video with the next prompt, and so on; resolves every
   * step's job, in order. `onSubmitted` is called for every step,
   * `onStep({ index, job })` when one has finished, and
   * `onProgress(progress)` after every change: store it and pass it back as
   * `resume` to go on after a restart without paying for a step twice.
   *
   * Every prompt, and with Kling the 3-minute limit (counted from
   * `sourceSeconds`, else 5 s), is checked before the first submit:
   * `invalid_request` naming `prompts[i]` (a bad prompt) or `prompts` (the
   * limit), nothing paid.
   * A step fails as `run` does; a finished job the chain cannot record (an
   * odd value from the service) is `bad_response` prefixed "step 2 of 5: ".
   * A Trinetra step resumed while its submit had no answer is not sent
   * again: `aborted` with `maybeSubmitted: true`. In a page, the first call
   * loads the server build.
   */
  chainExtensions(videoId: string, prompts: string[], options?: ChainOptions): Promise<CompletedJob[]>;
}

/**
 * Submits an extension job, with `options` for this call alone; resolves
 * once the service accepted it. What it checks, retries and rejects with:
 * `Client.extendVideo`.
 */
export declare function extendVideo(request: ExtendRequest, options?: ClientOptions): Promise<Submission>;
/** Reads a job once, whatever its status; see `Client.getJob`. */
export declare function getJob(jobId: string, options?: ClientOptions): Promise<Job>;
/**
 * Reads a job until it ends, with growing waits, a deadline (`waitTimeoutMs`)
 * and `onUpdate`. Resolves the succeeded job with its video; rejects with
 * `job_failed` / `job_canceled` (with `error.job`), `timeout` or `aborted`,
 * among others (`Client.pollJob`).
 */
export declare function pollJob(jobId: string, options?: PollOptions): Promise<CompletedJob>;
/**
 * Submits, then waits as `pollJob` does: one call from request to video.
 * `onSubmitted(submission)` hands over the job id before the first wait.
 * See `Client.run`.
 */
export declare function run(request: ExtendRequest, options?: RunOptions): Promise<CompletedJob>;
/**
 * Extends `videoId`, waits, then extends the result again, once per prompt.
 * A Kling chain that would pass its 3-minute limit is refused before the first submit.
 * `onProgress` reports a storable progress; `resume` continues from one
 * without paying for a step twice. See `Client.chainExtensions`.
 */
export declare function chainExtensions(videoId: string, prompts: string[], options?: ChainOptions): Promise<CompletedJob[]>;
/** The Kling JWT (HS256, valid 30 minutes from nowSeconds, default now). */
export declare function signKlingToken(accessKey: string, secretKey: string, nowSeconds?: number): string;
/** Options of `parseWebhook` and `verifyWebhook`. */
export interface WebhookOptions {
  /** Which service sent the body; guessed from its shape when omitted. */
  provider?: Provider | undefined;
  /** How far webhook-timestamp may be from now, either way; default 300. */
  toleranceSeconds?: number | undefined;
  /** "Now" in Unix seconds, for replaying stored deliveries; default the clock. */
  nowSeconds?: number | undefined;
}

/**
 * A Headers object, or a plain record of header names (any case) to values,
 * such as Node's `req.headers` (a list or no value counts as absent).
 */
export type WebhookHeaders = Headers | Record<string, string | string[] | undefined>;

/**
 * Validates and normalises a Trinetra job document or a Kling callback body.
 */
export declare function parseWebhook(body: string | object, options?: WebhookOptions): Job;
/**
 * Checks a Standard Webhooks signature (webhook-id, webhook-timestamp,
 * webhook-signature: v1,<base64>) with one `whsec_` secret or several (rotation),
 * within `toleranceSeconds` of now, then parses the body. A failure is
 * `invalid_request` whose `field` names the header at fault and whose message
 * says which check failed (a missing header, the timestamp, the signature).
 * Give the fetch `Request` itself (its body is read here, so read nothing
 * before), or the raw body exactly as received and the headers.
 * In a page, the first call fetches the server build.
 *
 * ```ts
 * const job = await verifyWebhook(request, env.WEBHOOK_SECRET);
 * if (await seen(job.webhook.id)) return new Response(null, { status: 204 }); // a replay
 * ```
 */
export declare function verifyWebhook(request: Request, secret: string | string[], options?: WebhookOptions): Promise<VerifiedJob>;
/** `verifyWebhook` with the raw body exactly as received and the headers (Node's `req.headers` too). */
export declare function verifyWebhook(
  rawBody: string | Uint8Array | ArrayBuffer,
  headers: WebhookHeaders,
  secret: string | string[],
  options?: WebhookOptions,
): Promise<VerifiedJob>;
/**
 * The upstream service and its credential, plus the proxy's own rules. Every
 * option is checked when the proxy is made, but the credential: without one
 * (a module loaded while its secret is unset, as `next build` does) the proxy
 * is made all the same, and answers every request 503 `server_error`, naming
 * what to set, until it has one. In Node (and Deno, Bun) it reads
 * `TRINETRA_API_KEY`, or for Kling `KLING_API_KEY` (else `KLING_ACCESS_KEY` +
 * `KLING_SECRET_KEY`), as `run` does, again before each request until set.
 */
export interface ProxyConfig extends ServiceOptions {
  /**
   * Origins of the pages that may call the proxy, e.g. "https://app.example.com",
   * or "*"; required. `[]` when only servers call it (a request without
   * `Origin` is not from a page, so CORS does not apply to it). A page on
   * another origin is answered 403 `forbidden` naming `allowedOrigins` (its
   * preflight passes, so that it can read why), never forwarded; each such
   * origin is logged once, as a warning.
   */
  allowedOrigins: string[];
  /**
   * Your own check of the caller (a session cookie, a user token): only
   * `true` forwards; a `Response` is sent as the answer (a redirect to sign
   * in, say); anything else, a throw included, answers 401.
   */
  authorize?: ((request: Request) => boolean | Response | Promise<boolean | Response>) | undefined;
  /** Largest accepted body; default 65536. */
  maxBodyBytes?: number | undefined;
  /**
   * A prefix the routes are served under, e.g. "/api/video" for a Next.js
   * route `app/api/video/[...path]/route.ts`; the client's `baseUrl` then ends
   * with it. Plain segments only; anything outside it is 404.
   */
  basePath?: string | undefined;
  /**
   * What the proxy logs: "error", a missing credential, at the first
   * request it refuses; "warn" (the default) also each refused origin, once
   * (the first 64 origins). "off" logs nothing. In Node, `KLING_EXTEND_LOG`
   * sets it when absent. Never a key, a token or a body.
   */
  logLevel?: LogLevel | undefined;
  /** Where lines go; default `console`. A logger that throws is ignored. */
  logger?: Logger | undefined;
}

/**
 * A fetch-API handler (a Worker's `fetch`, or any server's) that forwards only
 * the provider's submit and job-read routes, adding the key server-side.
 * Safe at module load: a bad option throws here (`invalid_request` naming
 * it), a missing credential does not (see {@link ProxyConfig}).
 * In a page, the server build is fetched first, so a bad `config` fails the
 * first request instead of this call.
 */
export declare function createProxy(config: ProxyConfig): (request: Request) => Promise<Response>;
/**
 * Applies extendVideo's request rules without sending anything (for forms that
 * check as the user types); throws a KlingExtendError naming the field.
 */
export declare function validateRequest(request: ExtendRequest, options?: { provider?: Provider | undefined }): void;
/**
 * Prices a job offline and synchronously, exactly (Trinetra in paise, Kling in units and your price).
 * Throws `invalid_request` naming the field for an input it refuses (a negative or non-finite number,
 * an unknown resolution or mode, a member of the other provider's, an unknown member).
 *
 * With `unitPrice`, a Kling quote's `price` is there (typed `PricedKlingQuote`):
 *
 * ```ts
 * quote({ provider: "kling", mode: "pro", seconds: 5, unitPrice: { amount: 0.14, currency: "USD" } }).price.formatted; // "USD 0.49"
 * ```
 */
export declare function quote(input: PricedKlingQuoteInput): PricedKlingQuote;
/** A Kling quote: units, steps and credits; `price` only with `unitPrice`. */
export declare function quote(input: KlingQuoteInput): KlingQuote;
/** A Trinetra quote (the default provider). */
export declare function quote(input: TrinetraQuoteInput): TrinetraQuote;
/** A quote for either provider, narrowed by `provider`. */
export declare function quote(input: QuoteInput): Quote;
/**
 * Prices a chain of extensions as a range (each adds 4 to 5 seconds), in total and per step.
 * Throws `invalid_request` naming the field, as `quote` does. With Kling's `unitPrice`, every quote of
 * the chain (`min`, `max`, each step's) has its `price`.
 */
export declare function quoteChain(input: PricedKlingChainQuoteInput): ChainQuote<PricedKlingQuote>;
/** A Kling chain's price range; `price` only with `unitPrice`. */
export declare function quoteChain(input: KlingChainQuoteInput): ChainQuote<KlingQuote>;
/** A Trinetra chain's price range. */
export declare function quoteChain(input: TrinetraChainQuoteInput): ChainQuote<TrinetraQuote>;
/** A chain's price range for either provider. */
export declare function quoteChain(input: ChainQuoteInput): ChainQuote;
/** Binds options (a key, a base URL, a logger…) for every call of the returned client. */
export declare function createClient(options?: ChainOptions): Client;
