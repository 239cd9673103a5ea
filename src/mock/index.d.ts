// Types for the Trinetra gateway and Kling API mock (see README.md in this folder).

/** How a job's status moves on: with time, or with each read of the job. */
export type AdvanceMode = "time" | "polls";

/**
 * How a job goes queued → running → its end: each status lasts `stepMs`
 * ("time") or `stepPolls` reads of the job ("polls"; deterministic, for tests).
 */
export interface Advance {
  /** Default "time". */
  mode: AdvanceMode;
  /** "time" mode: milliseconds per status step; default 300. */
  stepMs: number;
  /** "polls" mode: job reads per status step; default 1 (queued, running, then the end). */
  stepPolls: number;
}

/** A Kling access key and secret key pair, accepted for the legacy JWTs. */
export interface KlingKey {
  /** The JWT's `iss`. */
  accessKey: string;
  /** HMAC-SHA256 key of the JWT signature. */
  secretKey: string;
}

/**
 * What `startMock` and `mock.configure` take (each checked: an invalid one
 * throws a `TypeError` and changes nothing). A member left out, or
 * `undefined`, keeps its current value.
 */
export interface MockSettings {
  /** Accepted X-API-Key values on the Trinetra routes; empty (the default) = any key, or none, is accepted. */
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
  /** Merged into the current value: `{ stepMs: 50 }` keeps the mode. */
  advance?: Partial<Advance> | undefined;
  /**
   * Length in seconds of a source video the mock did not make (default 5, at
   * most 3600). A job's video is its source plus 5 s; Trinetra bills each of
   * its seconds, and its media URL plays that long.
   */
  sourceSeconds?: number | undefined;
}

/** `startMock`'s options: where to listen, and the first settings. */
export interface MockOptions extends MockSettings {
  /** The interface to listen on; default "127.0.0.1". */
  host?: string | undefined;
  /** Default 0 = any free port (read it from `mock.url`). */
  port?: number | undefined;
}

/**
 * Makes the next matching request(s) misbehave: answer `status` (or Kling's
 * `klingCode`) instead of serving it, wait `delayMs` first, or `drop` the
 * connection. A request takes the first pending fault that matches, in the
 * order they were queued; `OPTIONS` and `/__mock/` routes are never faulted.
 *
 * @example
 * ```ts
 * mock.fault({ method: "POST", status: 429, headers: { "retry-after": "1" } }); // the next submit is rate limited
 * mock.fault({ path: "/v1/jobs/", drop: "before", times: 2 }); // the next two Trinetra reads get no answer
 * ```
 */
export interface Fault {
  /** An HTTP method, any case; default any. */
  method?: string | undefined;
  /** Prefix of the request target (path + query), starting with "/"; default any. */
  path?: string | undefined;
  /** How many matching requests pass before it applies (each counts, even one another fault takes); default 0. */
  skip?: number | undefined;
  /** How many requests it applies to; default 1 (`Infinity` from JS, not over the control API). */
  times?: number | undefined;
  /** The status to answer (200 to 599), with `body` or `{"error":{"message":"injected fault"}}`. */
  status?: number | undefined;
  /** Instead of status/body: Kling's envelope for this code, with the code's HTTP status (a key of KLING_CODES). */
  klingCode?: number | undefined;
  /** With status or klingCode; they override the mock's own headers. */
  headers?: Record<string, string | number> | undefined;
  /** With status. A string is sent as is; anything else as JSON. */
  body?: unknown;
  /** Milliseconds to wait first; a client that gives up meanwhile sees nothing happen. */
  delayMs?: number | undefined;
  /**
   * Close the connection without answering: "before" handles nothing (no job
   * is made), "after" handles the request first (the job exists, its answer
   * is lost). Not with status, klingCode, headers or body.
   */
  drop?: "before" | "after" | undefined;
}

/** One API request the mock received (not `OPTIONS`, not `/__mock/` routes). */
export interface LogEntry {
  /** 1, 2, … in the order the requests arrived. */
  seq: number;
  /** The `x-request-id` the mock answered with (Kling's envelope repeats it). */
  requestId: string;
  /** ms since the epoch */
  at: number;
  /** The method, as sent ("GET", "POST"). */
  method: string;
  /** path + query */
  path: string;
  /** lower-cased names; x-api-key and authorization values are "[redacted]" */
  headers: Record<string, string | string[] | undefined>;
  /** The request's body, as UTF-8 text ("" when it had none or was over the 1 MiB limit). */
  body: string;
  /** status sent, "dropped", "aborted", or null while in flight */
  outcome: number | "dropped" | "aborted" | null;
}

/** A job or task the mock holds, of either service (`mock.jobs`). */
export interface MockJob {
  /** The job's id: Trinetra's `job_id`, Kling's `task_id`. */
  id: string;
  /** The service it was submitted to. */
  provider: "trinetra" | "kling";
  /** The source id the caller gave (Kling: video_id, else task_id). */
  video_id: string;
  /** Kling's caller-chosen id, or null. */
  external_task_id: string | null;
  /** current status in the provider's words */
  status: string;
  /** How many times the job was read. */
  polls: number;
  /** ms since the epoch */
  created_at: number;
  /** The submitted request body, parsed. */
  body: unknown;
}

/** The mock's current settings as `mock.config` shows them: never a key or a secret. */
export interface MockConfig {
  /** Trinetra X-API-Key required. */
  auth: boolean;
  /** How statuses advance (`MockSettings.advance`, merged). */
  advance: Advance;
  /** The length in seconds of a source video the mock did not make (`MockSettings.sourceSeconds`). */
  sourceSeconds: number;
  /** Present (true) only when Kling keys (API keys, or access and secret keys) are configured. */
  klingAuth?: true;
  /** Present (true) only when callbacks are signed (`webhookSecret`). */
  signedCallbacks?: true;
  /** Present only when not the default "task". */
  klingCallbackShape?: "newer";
  /** Present (true) only when reads echo the external id (`klingQueryEcho`). */
  klingQueryEcho?: true;
}

/** A running mock, from `startMock`. */
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
  /** The job's `callback_url` it was posted to. */
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

/**
 * Starts the mock of both services (the Trinetra gateway's routes and
 * Kling's, on one port) and resolves once it is listening. Point the
 * client's `baseUrl` at `mock.url`. A job's outcome follows its `video_id`
 * (Kling: else `task_id`): one starting with "fail" fails, "cancel" is
 * canceled, "unknown" stays in a status the client does not know; any other
 * succeeds, with a playable MP4. With no `apiKeys` (the default)
 * the Trinetra routes take any key or none; with neither `klingApiKeys` nor
 * `klingKeys`, so do Kling's.
 *
 * Rejects with a `TypeError` for an invalid option (its message names it),
 * or with Node's error when it cannot listen (`EADDRINUSE`: the port is
 * taken). Node 20 or later.
 *
 * @example
 * ```ts
 * import { startMock } from "kling-extend/mock";
 * import { run } from "kling-extend";
 *
 * const mock = await startMock({ apiKeys: ["test-key"], advance: { mode: "polls", stepPolls: 1 } });
 * try {
 *   const job = await run({ video_id: "vid_1" }, { baseUrl: mock.url, apiKey: "test-key", intervalMs: 10 });
 *   console.log(job.output.outputs[0].url, mock.log.length); // the video, and every request the client made
 * } finally {
 *   await mock.close();
 * }
 * ```
 */
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
  /** 0 for success, else a key of `KLING_CODES`. */
  code: number;
  /** "SUCCEED", or what went wrong. */
  message: string;
  /** The same as the answer's `x-request-id` header. */
  request_id: string;
  /** The answer's document, only when `code` is 0. */
  data?: T;
}

/** A video of a succeeded Kling task (`task_result.videos`), served by the mock. */
export interface KlingVideo {
  /** The video's id, to extend it again (`video_id`). */
  id: string;
  /** The mock's MP4, `<mock.url>/media/<task_id>.mp4`. */
  url: string;
  /** The watermarked copy's URL. */
  watermark_url: string;
  /** Seconds of the whole extended video, as a string, e.g. "10". */
  duration: string;
}

/** `data` of a Kling task read. */
export interface KlingTask {
  /** The task's id, for reads. */
  task_id: string;
  /** Kling's status; "paused_for_review" (not one of Kling's) for a source id starting with "unknown". */
  task_status: "submitted" | "processing" | "succeed" | "failed" | (string & {});
  /** Only when failed. */
  task_status_msg?: string;
  /** What the task was made from. */
  task_info: {
    /** In callbacks and the submit's answer; in a read's only with `klingQueryEcho`. */
    external_task_id?: string;
    parent_video: { id: string; url: string | null; duration: string };
  };
  /** Only when succeeded. */
  task_result?: { videos: KlingVideo[] };
  /** Only when succeeded. */
  final_unit_deduction?: string;
  /** ms since the epoch. */
  created_at: number;
  /** ms since the epoch: when the mock first reported the current status. */
  updated_at: number;
}
