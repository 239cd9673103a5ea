/**
 * Callbacks, as the services make them: a job submitted with a `callback_url`
 * is POSTed to it, as JSON, at every change of its phase (queued, running,
 * and how it ended), in the provider's own document. With a `webhookSecret`
 * (`whsec_…`) each delivery is signed the Standard Webhooks way, as Kling
 * signs once an account has a secret: `webhook-id`, `webhook-timestamp`,
 * `webhook-signature: v1,<base64 HMAC-SHA256 of "id.timestamp.body">`.
 *
 * The store derives phases on demand (jobs.js): a light timer looks at the
 * tracked jobs while any is pending (time mode), reads call `check()` at once
 * (polls mode, where each read may change a phase), and the timer stops when
 * nothing is pending. Every delivery and its outcome is kept in
 * `deliveries`, for tests.
 */
import { createHmac, randomBytes } from "node:crypto";

/** How often pending jobs are looked at, in ms. */
const CHECK_MS = 25;
/** A receiver that does not answer within this is given up on. */
const DELIVERY_TIMEOUT_MS = 5_000;
/** Phases after which nothing changes. */
const FINAL = new Set(["succeeded", "failed", "canceled"]);

export class Callbacks {
  /** job id → { job, url, render, sent } */
  #tracked = new Map();
  #timer = null;
  #jobs;
  #settings;
  /** @type {{ url: string, body: any, headers: Record<string, string>, status: number | null, error: string | null }[]} */
  deliveries = [];

  /** @param {import("./jobs.js").JobStore} jobs @param {{ webhookSecret: string | null }} settings */
  constructor(jobs, settings) {
    this.#jobs = jobs;
    this.#settings = settings;
  }

  /** Delivers `render(job)` to `url` now and at every later change of phase. */
  track(job, url, render) {
    this.#tracked.set(job.id, { job, url, render, sent: undefined });
    this.check();
    if (this.#timer === null && this.#tracked.size > 0) {
      this.#timer = setInterval(() => this.check(), CHECK_MS);
      this.#timer.unref();
    }
  }

  /** Forgets the tracked jobs and the deliveries made. */
  clear() {
    this.#tracked.clear();
    this.deliveries.length = 0;
    this.#stop();
  }

  /** Delivers what changed since the last look. */
  check() {
    for (const [id, tracked] of this.#tracked) {
      const phase = this.#jobs.phase(tracked.job);
      if (phase === tracked.sent) continue;
      tracked.sent = phase;
      void this.#deliver(tracked.url, tracked.render(tracked.job));
      if (FINAL.has(phase)) this.#tracked.delete(id);
    }
    if (this.#tracked.size === 0) this.#stop();
  }

  #stop() {
    clearInterval(this.#timer);
    this.#timer = null;
  }

  async #deliver(url, document) {
    const body = JSON.stringify(document);
    const headers = { "content-type": "application/json", ...signature(this.#settings.webhookSecret, body) };
    const delivery = { url, body: document, headers, status: null, error: null };
    this.deliveries.push(delivery);
    try {
      const answer = await fetch(url, { method: "POST", headers, body, signal: AbortSignal.timeout(DELIVERY_TIMEOUT_MS) });
      delivery.status = answer.status;
      await answer.body?.cancel();
    } catch (error) {
      delivery.error = String(error?.message ?? error);
    }
  }
}

/** Standard Webhooks headers for `body`, or none without a secret. */
function signature(secret, body) {
  if (!secret) return {};
  const id = `msg_${randomBytes(8).toString("hex")}`;
  const timestamp = String(Math.floor(Date.now() / 1000));
  const key = Buffer.from(secret.slice("whsec_".length), "base64");
  const mac = createHmac("sha256", key).update(`${id}.${timestamp}.${body}`).digest("base64");
  return { "webhook-id": id, "webhook-timestamp": timestamp, "webhook-signature": `v1,${mac}` };
}
