// Types for the Trinetra gateway mock (see README.md in this folder).

export type AdvanceMode = "time" | "polls";

export interface Advance {
  mode: AdvanceMode;
  /** "time" mode: milliseconds per status step. */
  stepMs: number;
  /** "polls" mode: job reads per status step. */
  stepPolls: number;
}

export interface MockSettings {
  /** Accepted X-API-Key values; empty = no auth required. */
  apiKeys?: string[];
  /** Merged into the current value. */
  advance?: Partial<Advance>;
  /** Output length in seconds used for credits_charged. */
  videoSeconds?: number;
}

export interface MockOptions extends MockSettings {
  host?: string;
  /** 0 = any free port. */
  port?: number;
}

export interface Fault {
  method?: string;
  /** Prefix of the request target (path + query). */
  path?: string;
  times?: number;
  status?: number;
  headers?: Record<string, string | number>;
  /** A string is sent as is; anything else as JSON. */
  body?: unknown;
  delayMs?: number;
  drop?: "before" | "after";
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
  provider: string;
  video_id: string;
  /** current status in the provider's words */
  status: string;
  polls: number;
  /** ms since the epoch */
  created_at: number;
  body: unknown;
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
  readonly config: { auth: boolean; advance: Advance; videoSeconds: number };
  /** Queues faults; returns how many. Throws TypeError if any is invalid. */
  fault(fault: Fault | Fault[]): number;
  /** Throws TypeError if invalid (then nothing changes). */
  configure(settings: MockSettings): void;
  /** Clears jobs, log and faults; keeps settings. */
  reset(): void;
  /** Stops the server and destroys open sockets. */
  close(): Promise<void>;
}

export function startMock(options?: MockOptions): Promise<Mock>;

/** The `error` of a job whose video_id starts with "fail". */
export const FAILURE_MESSAGE: string;
/** Credits per second of output by resolution. */
export const RATES: { "720p": number; "1080p": number };
