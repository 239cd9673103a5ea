/**
 * In-memory job store shared by every provider the mock speaks.
 *
 * A job's status is never stored: it is derived on each read from the job's
 * age ("time" mode) or from how many times it was polled ("polls" mode). So
 * the mock needs no timers, and the same job always reads the same way for
 * the same age or poll count.
 *
 * The final outcome is chosen by the submitted video_id (case-sensitive prefix):
 *   "fail…"    → failed
 *   "cancel…"  → canceled
 *   "unknown…" → after running, a status the client does not know, forever
 *   anything else → succeeded
 *
 * The store speaks in provider-neutral phases ("queued", "running",
 * "succeeded", "failed", "canceled", "unknown"); each provider maps them to
 * its own status words through the `labels` it gives when creating a job.
 *
 * A job may also carry a caller-chosen `externalId` (Kling's
 * `external_task_id`), unique per provider, by which it can be found.
 *
 * Every job makes one video, its source extended by EXTENSION_SECONDS; its
 * length is the job's `data.seconds`, which the provider bills and the media
 * route plays.
 */
import { randomBytes } from "node:crypto";

/** @typedef {"queued"|"running"|"succeeded"|"failed"|"canceled"|"unknown"} Phase */

/** Seconds one extension adds, with either service (which add 4 to 5). */
export const EXTENSION_SECONDS = 5;

/**
 * Picks the terminal phase for a video id (see the header comment).
 * @param {string} videoId
 * @returns {Phase}
 */
export function outcomeFor(videoId) {
  if (videoId.startsWith("fail")) return "failed";
  if (videoId.startsWith("cancel")) return "canceled";
  if (videoId.startsWith("unknown")) return "unknown";
  return "succeeded";
}

/**
 * Random id with a provider prefix; random so tests cannot rely on order.
 * @param {string} prefix
 */
export function randomId(prefix) {
  return prefix + randomBytes(6).toString("hex");
}

export class JobStore {
  /** @type {Map<string, any>} */
  #jobs = new Map();
  /** `${provider} ${externalId}` → job */
  #external = new Map();
  /** The ids the next jobs take, in order (`nameNext`). */
  #names = [];
  #getAdvance;

  /**
   * @param {() => { mode: "time"|"polls", stepMs: number, stepPolls: number }} getAdvance
   *   read on every status computation, so a run-time `configure()` applies at once
   */
  constructor(getAdvance) {
    this.#getAdvance = getAdvance;
  }

  /**
   * @param {{ id: string, provider: string, videoId: string, body: any,
   *           labels: Record<Phase, string>, data?: any, externalId?: string }} init
   *   `data` holds values fixed at submit time: `seconds`, the video's length, and the provider's own (price, …);
   *   `externalId` must not be taken yet (check with `findExternal`)
   */
  create({ id, provider, videoId, body, labels, data = {}, externalId }) {
    const job = {
      id,
      provider,
      videoId,
      externalId,
      body,
      labels,
      data,
      outcome: outcomeFor(videoId),
      createdAt: Date.now(),
      polls: 0,
    };
    this.#jobs.set(id, job);
    if (externalId !== undefined) this.#external.set(`${provider} ${externalId}`, job);
    return job;
  }

  /**
   * Makes the next jobs, of either service, take these ids in order, then
   * random ones again: ids unlike the services' own, for the clients and
   * routes that must keep them apart.
   * @param {string[]} ids
   * @returns {number} how many are waiting to be taken
   * @throws {TypeError} for ids that are not non-empty strings of at most 512 characters, repeat one another or are taken
   */
  nameNext(ids) {
    if (!Array.isArray(ids) || ids.length === 0) throw new TypeError("job ids must be a non-empty array");
    for (const id of ids) {
      if (typeof id !== "string" || id === "" || id.length > 512) throw new TypeError("each job id must be a non-empty string of at most 512 characters");
    }
    if (new Set([...ids, ...this.#names]).size !== ids.length + this.#names.length) throw new TypeError("job ids must differ from one another");
    const taken = ids.find((id) => this.#jobs.has(id));
    if (taken !== undefined) throw new TypeError(`job id "${taken}" is already a job's`);
    this.#names.push(...ids);
    return this.#names.length;
  }

  /** A new job's id: the next named one, else `prefix` and random hex not `taken` yet. */
  newId(prefix, taken = (id) => this.#jobs.has(id)) {
    if (this.#names.length > 0) return this.#names.shift();
    let id;
    do id = randomId(prefix);
    while (taken(id));
    return id;
  }

  /** The provider's job with this external id, without counting a poll. */
  findExternal(provider, externalId) {
    return this.#external.get(`${provider} ${externalId}`);
  }

  /** Every job of a provider, oldest first (no polls counted). */
  *ofProvider(provider) {
    for (const job of this.#jobs.values()) if (job.provider === provider) yield job;
  }

  /** Looks a job up without counting a poll. */
  get(id) {
    return this.#jobs.get(id);
  }

  /** Looks a job up and counts one poll (a client read). */
  poll(id) {
    const job = this.#jobs.get(id);
    if (job) job.polls += 1;
    return job;
  }

  /**
   * The job's phase now: the one its last poll saw in "polls" mode.
   * @returns {Phase}
   */
  phase(job, now = Date.now()) {
    const { mode, stepMs, stepPolls } = this.#getAdvance();
    const step = mode === "polls" ? job.polls : now - job.createdAt;
    const size = mode === "polls" ? stepPolls : stepMs;
    // In polls mode the k-th read (1-based) is compared, so reads 1..size are
    // queued; in time mode the age is, so [0, size) is queued.
    const queued = mode === "polls" ? step <= size : step < size;
    const running = mode === "polls" ? step <= 2 * size : step < 2 * size;
    if (queued) return "queued";
    if (running) return "running";
    return job.outcome;
  }

  /** The provider's status word for the job's current phase. */
  status(job, now = Date.now()) {
    return job.labels[this.phase(job, now)];
  }

  /** Snapshot for tests and the control API (does not count polls). */
  list() {
    const now = Date.now();
    return [...this.#jobs.values()].map((job) => ({
      id: job.id,
      provider: job.provider,
      video_id: job.videoId,
      external_task_id: job.externalId ?? null,
      status: this.status(job, now),
      polls: job.polls,
      created_at: job.createdAt,
      body: job.body,
    }));
  }

  clear() {
    this.#jobs.clear();
    this.#external.clear();
    this.#names.length = 0;
  }
}
