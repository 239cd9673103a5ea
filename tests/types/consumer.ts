// A TypeScript consumer of kling-extend: uses every public function and type
// the way an application would, under `--strict`. Each `@ts-expect-error`
// line is wrong usage the typings must reject (tsc fails if one compiles).
// Checked by tests/e2e/types.test.mjs; never run.
import {
  chainExtensions,
  createProxy,
  parseWebhook,
  signKlingToken,
  verifyWebhook,
  createClient,
  extendVideo,
  getJob,
  isKlingExtendError,
  KlingExtendError,
  pollJob,
  run,
  type CompletedJob,
  type Logger,
  type LogLevel,
  type RunOptions,
  quote,
  quoteChain,
  type ChainOptions,
  type ProxyConfig,
  type ChainStepReport,
  type WebhookHeaders,
  type WebhookOptions,
  type ChainQuote,
  type ChainQuoteInput,
  type ChainStep,
  type Client,
  type ClientOptions,
  type ErrorCode,
  type ExtendRequest,
  type Job,
  type JobStatus,
  type JobVideo,
  type Mode,
  type PollOptions,
  type Provider,
  type KlingQuote,
  type Quote,
  type QuoteInput,
  type TrinetraQuote,
  type TrinetraQuoteInput,
  type Resolution,
  type SecondsRange,
  type Submission,
  type PricedKlingQuote,
  type UnitPrice,
  validateRequest,
} from "kling-extend";
import { quote as quoteAlone, type PricedKlingQuote as PricedAlone } from "kling-extend/quote";
import { createServer } from "kling-extend/node";
import { callbackEvent, deliverCallback, runChain, type WorkflowStepLike, type WorkflowLike } from "kling-extend/workflows";
import { startMock, FAILURE_MESSAGE, RATES, type Fault, type LogEntry, type Mock, type MockJob } from "kling-extend/mock";

const controller = new AbortController();
const options: ClientOptions = {
  provider: "trinetra",
  baseUrl: "https://gateway.example",
  apiKey: "key",
  timeoutMs: 10_000,
  maxRetries: 2,
  signal: controller.signal,
  fetch: (input, init) => fetch(input, init),
  headers: { "x-trace-id": "t-1" },
  dangerouslyAllowBrowser: false,
};
const provider: Provider = options.provider ?? "kling";
const resolution: Resolution = "1080p";
const mode: Mode = "pro";

/** Every error code the contract names, handled exhaustively. */
function advice(code: ErrorCode): string {
  switch (code) {
    case "invalid_request":
    case "unauthorized":
    case "forbidden":
    case "insufficient_credits":
    case "not_found":
    case "content_policy":
      return "fix the request";
    case "rate_limited":
    case "server_error":
    case "network_error":
    case "timeout":
      return "try again later";
    case "aborted":
      return "nothing to do";
    case "job_failed":
    case "job_canceled":
      return "look at err.job";
    case "bad_response":
      return "report it";
    case "internal_error":
      return "look at err.job, then try again";
    default: {
      const unreachable: never = code;
      return unreachable;
    }
  }
}

function describeStatus(status: JobStatus): string {
  switch (status) {
    case "queued":
    case "running":
      return "pending";
    case "succeeded":
    case "failed":
    case "canceled":
      return "over";
    default: {
      const unreachable: never = status;
      return unreachable;
    }
  }
}

function firstVideo(job: Job): JobVideo | undefined {
  const video = job.output?.outputs[0];
  if (video) {
    const url: string = video.url;
    const type: "video" = video.type;
    const seconds: number | undefined = video.duration;
    void [url, type, seconds, video.id];
  }
  return video;
}

async function extend(): Promise<Job | undefined> {
  const request: ExtendRequest = {
    video_id: "kling_vid_1",
    prompt: "the camera pulls back",
    negative_prompt: "blur",
    cfg_scale: 0.5,
    callback_url: "https://example.com/hook",
    resolution,
  };
  const submission: Submission = await extendVideo(request, options);
  const id: string = submission.job_id;
  const requestId: string | undefined = submission.request_id;
  void [submission.status, submission.provider, requestId];

  const once: Job = await getJob(id, options);
  void describeStatus(once.status);

  const pollOptions: PollOptions = {
    ...options,
    intervalMs: 500,
    maxIntervalMs: 5_000,
    waitTimeoutMs: 60_000,
    onUpdate: (job: Job) => console.log(job.status, job.raw),
  };
  try {
    const done = await pollJob(id, pollOptions);
    const charged: number | undefined = done.credits_charged ?? done.units_charged;
    void [charged, done.model, done.id, done.error, firstVideo(done)];
    return done;
  } catch (err) {
    if (err instanceof KlingExtendError) {
      const code: ErrorCode = err.code;
      const message: string = err.message;
      const retryable: boolean = err.retryable;
      const status: number | undefined = err.status;
      const field: string | undefined = err.field;
      const retryAfterMs: number | undefined = err.retryAfterMs;
      const maybeSubmitted: boolean | undefined = err.maybeSubmitted;
      const serialized: Record<string, unknown> = err.toJSON();
      void [message, retryable, status, field, retryAfterMs, maybeSubmitted, serialized, err.requestId, err.providerCode];
      if (err.code === "job_failed" || err.code === "job_canceled") {
        const job: Job = err.job; // narrowed by the code: always there
        return job;
      }
      if (err.code === "invalid_request") {
        const named: string = err.field;
        void named;
      }
      console.error(advice(code));
      // @ts-expect-error: the code is read-only
      err.code = "timeout";
      return undefined;
    }
    if (err instanceof Error) throw err;
    throw new Error(String(err));
  }
}

async function withClient(): Promise<void> {
  const client: Client = createClient({ ...options, intervalMs: 250 });
  const { job_id } = await client.extendVideo({ video_id: "v" }, { timeoutMs: 5_000 });
  const job: Job = await client.getJob(job_id);
  const final: Job = await client.pollJob(job_id, { waitTimeoutMs: 10_000, onUpdate: (j) => void j.status });
  void [job, final];
}

function costs(): number {
  const input: TrinetraQuoteInput = { provider: "trinetra", resolution: "720p", seconds: 10, discountPercent: 10 };
  const q: TrinetraQuote = quote(input);
  const unitPrice = { amount: 0.14, currency: "USD" };
  const kling: KlingQuote = quote({ provider: "kling", mode, seconds: 5, rates: { standard: 9, professional: 30 }, unitPrice });
  const fields: [number, number, string, number, number, number, number, number, string | undefined] = [
    q.credits,
    q.inr,
    q.formatted,
    q.billedSeconds,
    q.perSecond,
    kling.units,
    kling.steps,
    kling.perStep,
    kling.price?.formatted,
  ];
  void fields;
  // With a unitPrice, the price is there: no optional chaining, in either entry.
  const priced: PricedKlingQuote = quote({ provider: "kling", mode, seconds: 5, unitPrice });
  const alone: PricedAlone = quoteAlone({ provider: "kling", seconds: 5, unitPrice: { amount: 0.14, currency: "USD" } });
  const pricedChain = quoteChain({ provider: "kling", sourceSeconds: 5, extensions: 2, unitPrice });
  const money: [string, string, number, number, string | undefined] = [
    priced.price.formatted,
    alone.price.currency,
    pricedChain.min.price.amount,
    pricedChain.max.price.amount,
    pricedChain.steps[0]?.max.price.formatted,
  ];
  void money;
  const either: Quote = quote({ seconds: 5 } as QuoteInput);
  const shown: string = either.provider === "kling" ? `${either.units} units` : either.formatted;
  void shown;

  const chainInput: ChainQuoteInput = { sourceSeconds: 5, extensions: 3, resolution: "1080p", basis: "added" };
  const chain: ChainQuote = quoteChain(chainInput);
  const range: SecondsRange = chain.outputSeconds;
  const steps: ChainStep[] = chain.steps;
  const first: ChainStep | undefined = steps[0];
  void [range.min, range.max, first?.index, first?.addedSeconds, first?.outputSeconds, first?.min.credits, chain.basis];
  return chain.max.credits - chain.min.credits;
}

async function mockTypes(): Promise<void> {
  const mock: Mock = await startMock({ port: 0, apiKeys: ["k"], advance: { mode: "polls", stepPolls: 1 } });
  const fault: Fault = { method: "POST", path: "/v1/", status: 503, headers: { "retry-after": 1 } };
  const queued: number = mock.fault(fault);
  const named: number = mock.nameJobs(["k.7", "k_7"]);
  // @ts-expect-error: ids are strings
  mock.nameJobs([7]);
  const log: LogEntry[] = mock.log;
  const jobs: MockJob[] = mock.jobs;
  void [queued, named, log, jobs, FAILURE_MESSAGE, RATES["720p"], mock.url];
  await mock.close();
}

// ---- wrong usage the typings must reject

// @ts-expect-error: "4k" is not a Resolution
void extendVideo({ video_id: "v", resolution: "4k" });

// @ts-expect-error: `seconds` is required
void quote({ resolution: "720p" });

// @ts-expect-error: an unknown request field
void extendVideo({ video_id: "v", colour: "red" });

// @ts-expect-error: timeoutMs is a number
void getJob("job_1", { timeoutMs: "fast" });

// Kling's watermark_info, and an empty callback_url (none), as Kling's own example sends them.
void extendVideo({ video_id: "v", callback_url: "", watermark_info: { enabled: true } }, { provider: "kling" });

// @ts-expect-error: watermark_info.enabled is a boolean
void extendVideo({ video_id: "v", watermark_info: { enabled: "yes" } });

// @ts-expect-error: "turbo" is not a Mode
void quote({ provider: "kling", mode: "turbo", seconds: 5 });

// @ts-expect-error: the submission is a promise, it must be awaited
const notAwaited: Submission = extendVideo({ video_id: "v" });

// @ts-expect-error: onUpdate receives a Job, not a string
void pollJob("job_1", { onUpdate: (status: string) => status.length });

// @ts-expect-error: a job id is a string
void getJob(42);

// @ts-expect-error: quote is synchronous, not a promise
void quote({ seconds: 1 }).then;

declare const someJob: Job;
// @ts-expect-error: "paused_for_review" is not a JobStatus (it is reported as "running")
void (someJob.status === "paused_for_review");

// @ts-expect-error: no such error code
const badCode: ErrorCode = "payment_required";

// @ts-expect-error: quoteChain needs `extensions`
void quoteChain({ sourceSeconds: 5 });

// @ts-expect-error: a Trinetra quote is in rupees and has no Kling units
void quote({ seconds: 5 }).units;

// @ts-expect-error: a Kling quote is not in rupees
void quote({ provider: "kling", seconds: 5 }).inr;

// @ts-expect-error: a unit price is Kling's
void quote({ seconds: 5, unitPrice: { amount: 1, currency: "USD" } });

// @ts-expect-error: without a unitPrice, a Kling quote's price may be absent
void quote({ provider: "kling", seconds: 5 }).price.formatted;

declare const maybeUnitPrice: UnitPrice | undefined;
// @ts-expect-error: a unitPrice that may be absent gives a price that may be absent
void quote({ provider: "kling", seconds: 5, unitPrice: maybeUnitPrice }).price.formatted;

// @ts-expect-error: the same in kling-extend/quote
void quoteAlone({ provider: "kling", seconds: 5 }).price.formatted;

// @ts-expect-error: and in a chain
void quoteChain({ provider: "kling", sourceSeconds: 5, extensions: 2 }).max.price.formatted;

/** Kling through a Worker-held key, a chain with progress, and webhooks. */
async function klingAndWebhooks(rawBody: string, request: Request): Promise<Job[]> {
  const token: string = signKlingToken("ak", "sk", 1_700_000_000);
  const chain: ChainOptions = {
    provider: "kling",
    token,
    sourceSeconds: 5,
    onStep: (step: ChainStepReport) => console.log(step.index, step.job.output?.outputs[0]?.id),
  };
  const jobs: Job[] = await chainExtensions("vid_1", ["one", "two"], chain);
  const client: Client = createClient({ provider: "kling", accessKey: "ak", secretKey: "sk" });
  await client.chainExtensions("vid_2", ["three"]);
  const headers: WebhookHeaders = request.headers;
  const options: WebhookOptions = { toleranceSeconds: 600 };
  const verified: Job = await verifyWebhook(rawBody, headers, ["whsec_new", "whsec_old"], options);
  const parsed: Job = parseWebhook({ task_id: "t", task_status: "succeed" }, { provider: "kling" });
  // @ts-expect-error: a parsed body cannot be verified
  await verifyWebhook({ id: "j" }, headers, "whsec_x");
  // @ts-expect-error: signKlingToken is synchronous and returns the token itself
  void signKlingToken("ak", "sk").then;
  return [...jobs, verified, parsed];
}

/** A Worker's fetch handler that keeps the key server-side. */
function proxyWorker(env: { KEY: string }): (request: Request) => Promise<Response> {
  const config: ProxyConfig = {
    apiKey: env.KEY,
    allowedOrigins: ["https://app.example.com"],
    authorize: async (request) => request.headers.get("authorization") === "Bearer user",
    maxBodyBytes: 16_384,
  };
  // An answer of the app's own (a redirect to sign in) is an authorize's answer too.
  const signIn: ProxyConfig["authorize"] = (request) =>
    request.headers.has("cookie") || Response.redirect("https://app.example.com/sign-in", 302);
  createProxy({ ...config, authorize: signIn });
  // @ts-expect-error: allowedOrigins is required
  createProxy({ apiKey: env.KEY });
  return createProxy(config);
}

/**
 * Values that may be undefined (an unset environment variable, an empty
 * form field) count as absent, so they compile under
 * exactOptionalPropertyTypes too.
 */
async function fromEnvironment(env: Record<string, string | undefined>, signal?: AbortSignal): Promise<void> {
  const client = createClient({ apiKey: env.TRINETRA_API_KEY, baseUrl: env.PROXY_URL, signal, logger: undefined, onProgress: undefined, resume: undefined });
  const request: ExtendRequest = { video_id: "v", prompt: env.PROMPT, callback_url: env.CALLBACK_URL, resolution: undefined, cfg_scale: undefined };
  validateRequest(request, { provider: undefined });
  await client.run(request, { onSubmitted: undefined, waitTimeoutMs: undefined });
  const proxy = createProxy({ apiKey: env.TRINETRA_API_KEY, allowedOrigins: ["https://app.example.com"], basePath: env.BASE_PATH, authorize: undefined });
  createServer(proxy, { maxInFlight: undefined }).listen(8787);
  void quote({ seconds: 5, resolution: undefined, discountPercent: undefined, rates: { "720p": undefined }, unitPrice: undefined });
  void quote({ provider: "kling", seconds: 5, mode: undefined, unitPrice: undefined });
  void quoteChain({ sourceSeconds: 5, extensions: 1, basis: undefined });
  void parseWebhook("{}", { provider: undefined, toleranceSeconds: undefined });
  const mock = await startMock({ host: undefined, port: undefined, apiKeys: undefined, webhookSecret: undefined, advance: undefined });
  mock.fault({ method: undefined, path: "/v1/", status: 503, times: undefined });
}

void [provider, notAwaited, badCode, extend, withClient, costs, mockTypes, klingAndWebhooks, proxyWorker, fromEnvironment];

/** run, onSubmitted, logging and the type guard, as the README shows them. */
async function conventions(): Promise<string> {
  const lines: string[] = [];
  const logger: Logger = { debug: (m) => lines.push(m), info: (m) => lines.push(m), warn: console.warn, error: console.error };
  const level: LogLevel = "info";
  const runOptions: RunOptions = { logLevel: level, logger, onSubmitted: (s: Submission) => void s.job_id };
  // @ts-expect-error: not a level
  const loud: RunOptions = { logLevel: "loud" };
  void loud;
  const consoleToo: ClientOptions = { logger: console, logLevel: "debug" };
  void consoleToo;
  try {
    const job: CompletedJob = await run({ video_id: "v" }, runOptions);
    const url: string = job.output.outputs[0].url; // no optional chaining needed
    const jobs: CompletedJob[] = await createClient().chainExtensions("v", ["a"], { onSubmitted: () => {} });
    const again: CompletedJob = await createClient().run({ video_id: "v" });
    void [jobs, again];
    return url;
  } catch (error: unknown) {
    if (isKlingExtendError(error) && error.code === "job_failed") return error.job.error ?? "failed";
    // @ts-expect-error: without narrowing, the job may be absent
    if (isKlingExtendError(error)) return error.job.id;
    throw error;
  }
}

/** A Workflow's run and its callback route, as the README's "Long chains" shows them. */
async function workflow(step: WorkflowStepLike, chain: WorkflowLike, request: Request): Promise<string> {
  const options = { provider: "kling" as const, apiKey: "key" };
  const jobs: CompletedJob[] = await runChain({ instanceId: "i" }, step, { videoId: "v", prompts: ["a"], options, callbackUrl: "https://app.example/callback", callbackTimeout: "10 minutes" });
  const answer: Response = await deliverCallback(request, chain, "whsec_x");
  // @ts-expect-error: the prompts are a list
  await runChain({ instanceId: "i" }, step, { videoId: "v", prompts: "a" });
  const type: string = await callbackEvent("task_1");
  return `${jobs[0].output.outputs[0].url} ${answer.status} ${type}`;
}
void workflow;
