// Public types of kling-extend (the contract, v1).

export type Provider = "trinetra" | "kling";
export type Resolution = "720p" | "1080p";
export type Mode = "standard" | "professional" | "std" | "pro";
export type JobStatus = "queued" | "running" | "succeeded" | "failed" | "canceled";

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
  | "bad_response";

/** Which service, where, and the credential for it. */
export interface ServiceOptions {
  /** Default "trinetra". */
  provider?: Provider;
  /**
   * Default per provider: Trinetra's gateway, or `https://api-singapore.klingai.com`
   * (`https://api-beijing.klingai.com` serves China). A proxy URL needs no key.
   */
  baseUrl?: string;
  /**
   * Trinetra: sent as X-API-Key. Kling: its API key from the Kling console,
   * sent as `Authorization: Bearer <apiKey>` (Kling's current method).
   */
  apiKey?: string;
  /** Kling (legacy): a JWT is signed from these for every request. */
  accessKey?: string;
  secretKey?: string;
  /** Kling: a ready JWT (e.g. minted by a server). */
  token?: string;
  /** Per HTTP attempt; default 30000. */
  timeoutMs?: number;
}

export interface ClientOptions extends ServiceOptions {
  /** Per call; default 2. */
  maxRetries?: number;
  /**
   * The longest response body read, in bytes; default 8 MiB (8388608), at most
   * 256 MiB. A longer one is refused as `bad_response` while it is read.
   */
  maxResponseBytes?: number;
  /** Aborts the call, its retries and its waits. */
  signal?: AbortSignal;
  /** Default: the global fetch. */
  fetch?: typeof fetch;
  /** Extra headers; they never replace the credential. */
  headers?: Record<string, string>;
  /** Allow a key in a page, where every visitor can read it. */
  dangerouslyAllowBrowser?: boolean;
}

export interface PollOptions extends ClientOptions {
  /** First wait between reads; default 1000. Waits grow ×1.5. */
  intervalMs?: number;
  /** Longest wait between reads; default 10000. */
  maxIntervalMs?: number;
  /** The whole wait; default 600000. */
  waitTimeoutMs?: number;
  /** Called on every status change, the final one included. */
  onUpdate?: (job: Job) => void;
}

export interface ChainStepReport {
  /** 0-based. */
  index: number;
  job: Job;
}

export interface ChainOptions extends PollOptions {
  /** Called when each extension has finished. */
  onStep?: (step: ChainStepReport) => void;
  /** Length of the source video, when known (Kling's 180 s limit is checked against it; 5 s assumed otherwise). */
  sourceSeconds?: number;
}

export interface ExtendRequest {
  video_id?: string;
  prompt?: string;
  negative_prompt?: string;
  /** 0 to 1. */
  cfg_scale?: number;
  /** Absolute http(s) URL. */
  callback_url?: string;
  /** Trinetra. */
  resolution?: Resolution;
  /** Kling. */
  external_task_id?: string;
  task_id?: string;
  duration?: string | number;
  mode?: Mode;
  model_name?: string;
}

export interface Submission {
  job_id: string;
  status: JobStatus;
  provider: Provider;
  request_id?: string;
}

export interface JobVideo {
  url: string;
  type: "video";
  id?: string;
  /** Seconds. */
  duration?: number;
}

export interface Job {
  id: string;
  model: string;
  status: JobStatus;
  output?: { outputs: JobVideo[] };
  /** Trinetra: credits charged (1 credit = ₹1). */
  credits_charged?: number;
  /** Kling: resource-pack units charged (its `final_unit_deduction`; standard 1, professional 3.5 per 5 s). */
  units_charged?: number;
  /**
   * Kling: money taken from the account's balance, when Kling reports it (`final_balance_deduction.quota`,
   * whose currency it does not name, or the `cash` entries of a newer callback's `billing`).
   */
  money_charged?: { amount: number; currency?: string };
  /** The failure reason, when the service gives one. */
  error?: string;
  /** The service's document as received. */
  raw: unknown;
}

export declare class KlingExtendError extends Error {
  readonly name: "KlingExtendError";
  readonly code: ErrorCode;
  /** Whether the same call may succeed if made again later. */
  readonly retryable: boolean;
  readonly status?: number;
  readonly providerCode?: number;
  readonly requestId?: string;
  readonly retryAfterMs?: number;
  /** For invalid_request: the field at fault. */
  readonly field?: string;
  readonly job?: Job;
  /** For a failed submit: true when the service may have accepted it. */
  readonly maybeSubmitted?: boolean;
  toJSON(): Record<string, unknown>;
}

/** What Trinetra's gateway would charge: credits per second of output, one credit a rupee. */
export interface TrinetraQuoteInput {
  provider?: "trinetra";
  /** Default "720p" (19 credits a second; "1080p" 30). */
  resolution?: Resolution;
  /** Seconds of output, 0 to 10,000,000 (batch budgets too). */
  seconds: number;
  /** 0 to 100, at most two decimals. */
  discountPercent?: number;
  /** Negotiated rates, in credits per second. */
  rates?: { "720p"?: number; "1080p"?: number };
  /** Kling's: Trinetra prices in rupees. */
  mode?: never;
  /** Kling's: Trinetra prices in rupees. */
  unitPrice?: never;
}

/** What Kling's API would charge: its units per 5-second step, and money at your price per unit. */
export interface KlingQuoteInput {
  provider: "kling";
  /** Default "standard" (1 unit, 10 credits a step; "professional" 3.5 units, 35 credits). */
  mode?: Mode;
  /** Seconds of output, 0 to 10,000,000 (batch budgets too). */
  seconds: number;
  /** 0 to 100, at most two decimals; applies to credits and price. */
  discountPercent?: number;
  /** Negotiated rates, in credits per 5-second step. */
  rates?: { standard?: number; professional?: number };
  /** Your price of one Kling unit (at most four decimals), e.g. `{ amount: 0.14, currency: "USD" }`. */
  unitPrice?: { amount: number; currency: string };
  /** Trinetra's: Kling bills by mode. */
  resolution?: never;
}

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

export interface TrinetraQuote extends QuoteCommon {
  provider: "trinetra";
  resolution: Resolution;
  perSecond: number;
  /** Rupees: one credit is one rupee. */
  inr: number;
  /** Indian digit grouping, e.g. "₹1,23,456.00". */
  formatted: string;
}

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

export interface Price {
  amount: number;
  /** ISO 4217, as given. */
  currency: string;
  /** The code, thousands grouped, two decimals, e.g. "USD 1,234.50". */
  formatted: string;
}

export type Quote = TrinetraQuote | KlingQuote;

interface ChainInput {
  /** Seconds of the video before the first extension. */
  sourceSeconds: number;
  /** 0 to 1000. */
  extensions: number;
  /** Default "output" for Trinetra, "added" for Kling. */
  basis?: "output" | "added";
}

export type TrinetraChainQuoteInput = Omit<TrinetraQuoteInput, "seconds"> & ChainInput;
export type KlingChainQuoteInput = Omit<KlingQuoteInput, "seconds"> & ChainInput;
export type ChainQuoteInput = TrinetraChainQuoteInput | KlingChainQuoteInput;

export interface SecondsRange {
  min: number;
  max: number;
}

export interface ChainStep<Q extends Quote = Quote> {
  /** 1-based. */
  index: number;
  addedSeconds: SecondsRange;
  outputSeconds: SecondsRange;
  min: Q;
  max: Q;
}

export interface ChainQuote<Q extends Quote = Quote> {
  basis: "output" | "added";
  outputSeconds: SecondsRange;
  min: Q;
  max: Q;
  steps: ChainStep<Q>[];
}

export interface Client {
  extendVideo(request: ExtendRequest, options?: ClientOptions): Promise<Submission>;
  getJob(jobId: string, options?: ClientOptions): Promise<Job>;
  pollJob(jobId: string, options?: PollOptions): Promise<Job>;
  chainExtensions(videoId: string, prompts: string[], options?: ChainOptions): Promise<Job[]>;
}

export declare function extendVideo(request: ExtendRequest, options?: ClientOptions): Promise<Submission>;
export declare function getJob(jobId: string, options?: ClientOptions): Promise<Job>;
export declare function pollJob(jobId: string, options?: PollOptions): Promise<Job>;
export declare function chainExtensions(videoId: string, prompts: string[], options?: ChainOptions): Promise<Job[]>;
/** The Kling JWT (HS256, valid 30 minutes from nowSeconds, default now). */
export declare function signKlingToken(accessKey: string, secretKey: string, nowSeconds?: number): string;
export interface WebhookOptions {
  /** Which service sent the body; guessed from its shape when omitted. */
  provider?: Provider;
  /** How far webhook-timestamp may be from now, either way; default 300. */
  toleranceSeconds?: number;
  /** "Now" in Unix seconds, for replaying stored deliveries; default the clock. */
  nowSeconds?: number;
}

/** A Headers object or a plain record of header names (any case) to values. */
export type WebhookHeaders = Headers | Record<string, string>;

/**
 * Validates and normalises a Trinetra job document or a Kling callback body.
 */
export declare function parseWebhook(body: string | object, options?: WebhookOptions): Job;
/**
 * Checks a Standard Webhooks signature (webhook-id, webhook-timestamp,
 * webhook-signature: v1,<base64>) with one `whsec_` secret or several (rotation),
 * then parses the body. `rawBody` must be the body exactly as received.
 * In a page, the first call fetches the server build.
 */
export declare function verifyWebhook(
  rawBody: string | Uint8Array | ArrayBuffer,
  headers: WebhookHeaders,
  secret: string | string[],
  options?: WebhookOptions,
): Promise<Job>;
/** The upstream service and its credential (required here), plus the proxy's own rules. */
export interface ProxyConfig extends ServiceOptions {
  /** Origins of the pages that may call the proxy, e.g. "https://app.example.com", or "*". */
  allowedOrigins: string[];
  /** Your own check of the caller (a session cookie, a user token); false answers 401. */
  authorize?: (request: Request) => boolean | Promise<boolean>;
  /** Largest accepted body; default 65536. */
  maxBodyBytes?: number;
}

/**
 * A fetch-API handler (a Worker's `fetch`, or any server's) that forwards only
 * the provider's submit and job-read routes, adding the key server-side.
 * In a page, the server build is fetched first, so a bad `config` fails the
 * first request instead of this call.
 */
export declare function createProxy(config: ProxyConfig): (request: Request) => Promise<Response>;
/**
 * Applies extendVideo's request rules without sending anything (for forms that
 * check as the user types); throws a KlingExtendError naming the field.
 */
export declare function validateRequest(request: ExtendRequest, options?: { provider?: Provider }): void;
export declare function quote(input: KlingQuoteInput): KlingQuote;
export declare function quote(input: TrinetraQuoteInput): TrinetraQuote;
export declare function quote(input: QuoteInput): Quote;
export declare function quoteChain(input: KlingChainQuoteInput): ChainQuote<KlingQuote>;
export declare function quoteChain(input: TrinetraChainQuoteInput): ChainQuote<TrinetraQuote>;
export declare function quoteChain(input: ChainQuoteInput): ChainQuote;
export declare function createClient(options?: ChainOptions): Client;
