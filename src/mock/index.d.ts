// Types for the Trinetra gateway and Kling API mock (see README.md in this folder).

export type AdvanceMode = "time" | "polls";

export interface Advance {
  mode: AdvanceMode;
  /** "time" mode: milliseconds per status step. */
  stepMs: number;
  /** "polls" mode: job reads per status step. */
  stepPolls: number;
}

export interface KlingKey {
  /** The JWT's `iss`. */
  accessKey: string;
  /** HMAC-SHA256 key of the JWT signature. */
  secretKey: string;
}

export interface MockSettings {
  /** Accepted X-API-Key values on the Trinetra routes; empty = no auth required. */
  apiKeys?: string[] | undefined;
  /** Kling API keys accepted as `Authorization: Bearer <key>`. Replaces the list. */
  klingApiKeys?: string[] | undefined;
  /**
   * Keys accepted for Kling JWTs (access keys unique). With neither these nor
   * `klingApiKeys`, the Kling routes need no auth. Replaces the list.
   */
  klingKeys?: KlingKey[] | undefined;
  /**
   * A `whsec_` secret: callbacks to a job's `callback_url` are then signed the
   * Standard Webhooks way (webhook-id, webhook-timestamp, webhook-signature), as
   * Kling signs them. `null` = unsigned.
   */
  webhookSecret?: string | null | undefined;
  /** Kling's callback document: its task document (default) or the newer `{ id, status, outputs, billing, … }`. */
  klingCallbackShape?: "task" | "newer" | undefined;
  /**
   * Whether a Kling read's task document echoes `task_info.external_task_id`.
   * Default `false`: Kling documents its extend answers without it (callbacks
   * and the submit's answer carry it either way).
   */
  klingQueryEcho?: boolean | undefined;
  /** Merged into the current value. */
  advance?: Partial<Advance> | undefined;
  /** Output length in seconds used for Trinetra's credits_charged. */
  videoSeconds?: number | undefined;
}

export interface MockOptions extends MockSettings {
  host?: string | undefined;
  /** 0 = any free port. */
  port?: number | undefined;
}

export interface Fault {
  method?: string | undefined;
  /** Prefix of the request target (path + query). */
  path?: string | undefined;
  times?: number | undefined;
  status?: number | undefined;
  /** Instead of status/body: Kling's envelope for this code, with the code's HTTP status (a key of KLING_CODES). */
  klingCode?: number | undefined;
  /** With status or klingCode. */
  headers?: Record<string, string | number> | undefined;
  /** With status. A string is sent as is; anything else as JSON. */
  body?: unknown;
  delayMs?: number | undefined;
  drop?: "before" | "after" | undefined;
}

export interface LogEntry {
  seq: number;
  requestId: string;
  /** ms since the epoch */
  at: number;
  method: string;
  /** path + query */
  path: string;
  /** lower-cased names; x-api-key and authorization values are "[redacted]" */
  headers: Record<string, string | string[] | undefined>;
  body: string;
  /** status sent, "dropped", "aborted", or null while in flight */
  outcome: number | "dropped" | "aborted" | null;
}

export interface MockJob {
  id: string;
  provider: "trinetra" | "kling";
  /** The source id the caller gave (Kling: video_id, else task_id). */
  video_id: string;
  /** Kling's caller-chosen id, or null. */
  external_task_id: string | null;
  /** current status in the provider's words */
  status: string;
  polls: number;
  /** ms since the epoch */
  created_at: number;
  body: unknown;
}

export interface MockConfig {
  /** Trinetra X-API-Key required. */
  auth: boolean;
  advance: Advance;
  videoSeconds: number;
  /** Present (true) only when Kling keys (API keys, or access and secret keys) are configured. */
  klingAuth?: true;
  /** Present (true) only when callbacks are signed (`webhookSecret`). */
  signedCallbacks?: true;
  /** Present only when not the default "task". */
  klingCallbackShape?: "newer";
  /** Present (true) only when reads echo the external id (`klingQueryEcho`). */
  klingQueryEcho?: true;
}

export interface Mock {
  /** Base URL without trailing slash, e.g. "http://127.0.0.1:54321". */
  readonly url: string;
  /** Live request log, cleared in place by reset(). */
  readonly log: LogEntry[];
  /** Fresh snapshot on each read. */
  readonly jobs: MockJob[];
  /** Pending faults, fresh snapshot on each read. */
  readonly faults: Fault[];
  /** Current settings, without the keys. */
  readonly config: MockConfig;
  /** Callbacks delivered to jobs' `callback_url`s, oldest first; cleared by reset(). */
  readonly callbacks: CallbackDelivery[];
  /** Queues faults; returns how many. Throws TypeError if any is invalid. */
  fault(fault: Fault | Fault[]): number;
  /**
   * The next jobs, of either service, take these ids in order (then random
   * ones again), for ids unlike the services' own; returns how many wait.
   * Throws TypeError for an empty list, an id that is not a non-empty string
   * of at most 512 characters, or one repeated or already a job's.
   */
  nameJobs(ids: string[]): number;
  /** Throws TypeError if invalid (then nothing changes). */
  configure(settings: MockSettings): void;
  /** Clears jobs, log, callbacks, faults and named job ids; keeps settings. */
  reset(): void;
  /** Stops the server and destroys open sockets. */
  close(): Promise<void>;
}

/** One callback the mock POSTed: a job's document at a change of its status. */
export interface CallbackDelivery {
  url: string;
  /** The document sent (the job's, in its provider's shape). */
  body: unknown;
  /** content-type, and the Standard Webhooks headers when a secret is set. */
  headers: Record<string, string>;
  /** The receiver's status, or null (not answered yet, or failed). */
  status: number | null;
  /** Why the delivery failed, if it did. */
  error: string | null;
}

export function startMock(options?: MockOptions): Promise<Mock>;

/** The `error` of a job whose video_id starts with "fail". */
export const FAILURE_MESSAGE: string;
/** Credits per second of output by resolution. */
export const RATES: { "720p": number; "1080p": number };

/** task_status_msg of a Kling task whose source id starts with "cancel". */
export const CANCELED_MESSAGE: string;
/** Kling's final_unit_deduction by wire mode. */
export const UNITS: { std: string; pro: string };
/** Kling error code → [HTTP status, default message]. */
export const KLING_CODES: Readonly<Record<number, readonly [number, string]>>;

/** The Kling API's answer envelope; `data` only when `code` is 0. */
export interface KlingEnvelope<T = unknown> {
  code: number;
  message: string;
  request_id: string;
  data?: T;
}

export interface KlingVideo {
  id: string;
  url: string;
  watermark_url: string;
  /** Seconds of the whole extended video, as a string, e.g. "10". */
  duration: string;
}

/** `data` of a Kling task read. */
export interface KlingTask {
  task_id: string;
  task_status: "submitted" | "processing" | "succeed" | "failed" | (string & {});
  /** Only when failed. */
  task_status_msg?: string;
  task_info: {
    /** In callbacks and the submit's answer; in a read's only with `klingQueryEcho`. */
    external_task_id?: string;
    parent_video: { id: string; url: string | null; duration: string };
  };
  /** Only when succeeded. */
  task_result?: { videos: KlingVideo[] };
  /** Only when succeeded. */
  final_unit_deduction?: string;
  created_at: number;
  updated_at: number;
}
