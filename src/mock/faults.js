/**
 * Fault injection queue: lets a test make the next matching request(s) fail
 * in a chosen way (status + body, delay, dropped connection) without any
 * provider code knowing about it. Faults are validated when queued so a typo
 * in a test fails loudly instead of silently never matching.
 *
 * Fault: { method?, path?, skip? = 0, times? = 1, status?, klingCode?, headers?, body?, delayMs?, drop? }
 *   method  – "GET", "POST", … (case-insensitive); omitted = any method
 *   path    – prefix of the request target (path + query), e.g. "/v1/jobs/"
 *   skip    – how many matching requests pass before it applies (they may
 *             take other faults): the second submit of a chain, not the first
 *   times   – how many requests it applies to (integer >= 1, or Infinity in JS)
 *   status  – answer with this status instead of processing the request
 *   klingCode – instead of status/body: answer with the official Kling API's
 *             envelope { code, message, request_id } for this code, with the
 *             code's HTTP status (table in klingcodes.js)
 *   headers – extra/overriding response headers (with `status` or `klingCode`)
 *   body    – response body with `status`: string as-is, anything else as JSON
 *   delayMs – wait before answering / processing
 *   drop    – "before": close the socket unprocessed;
 *             "after": process the request, then close the socket unanswered
 */
import { validateHeaderName, validateHeaderValue } from "node:http";
import { isPlainObject } from "./config.js";
import { isKlingCode } from "./klingcodes.js";

const FIELDS = new Set(["method", "path", "skip", "times", "status", "klingCode", "headers", "body", "delayMs", "drop"]);
const MAX_DELAY_MS = 2 ** 31 - 1; // setTimeout's limit

/**
 * Checks one fault and returns a normalized copy (own object, so later
 * changes by the caller do not affect the queue).
 * @throws {TypeError}
 */
export function validateFault(input) {
  if (!isPlainObject(input)) throw new TypeError("a fault must be an object");
  for (const key of Object.keys(input)) {
    if (!FIELDS.has(key)) throw new TypeError(`unknown fault field "${key}"`);
  }
  const f = { ...input };

  if (f.method !== undefined) {
    if (typeof f.method !== "string" || !/^[A-Za-z]+$/.test(f.method)) {
      throw new TypeError("fault.method must be an HTTP method name");
    }
    f.method = f.method.toUpperCase();
  }
  if (f.path !== undefined && (typeof f.path !== "string" || !f.path.startsWith("/"))) {
    throw new TypeError('fault.path must be a string starting with "/"');
  }
  if (f.skip !== undefined && !(Number.isInteger(f.skip) && f.skip >= 0)) {
    throw new TypeError("fault.skip must be an integer >= 0");
  }
  f.times ??= 1;
  if (!((Number.isInteger(f.times) && f.times >= 1) || f.times === Infinity)) {
    throw new TypeError("fault.times must be an integer >= 1");
  }
  if (f.status !== undefined && !(Number.isInteger(f.status) && f.status >= 200 && f.status <= 599)) {
    throw new TypeError("fault.status must be an integer from 200 to 599");
  }
  if (f.klingCode !== undefined) {
    if (!isKlingCode(f.klingCode)) throw new TypeError("fault.klingCode must be a known Kling error code (1000-1304, 5000-5002)");
    if (f.status !== undefined || f.body !== undefined) {
      throw new TypeError("fault.klingCode cannot be combined with status or body");
    }
  }
  if (f.headers !== undefined) {
    if (!isPlainObject(f.headers)) throw new TypeError("fault.headers must be an object");
    const headers = {};
    for (const [name, value] of Object.entries(f.headers)) {
      if (typeof value !== "string" && typeof value !== "number") {
        throw new TypeError(`fault header "${name}" must be a string or number`);
      }
      try {
        validateHeaderName(name);
        validateHeaderValue(name, String(value));
      } catch {
        throw new TypeError(`fault header "${name}" is not a valid HTTP header`);
      }
      headers[name.toLowerCase()] = String(value);
    }
    f.headers = headers;
  }
  if (f.delayMs !== undefined && !(Number.isFinite(f.delayMs) && f.delayMs >= 0 && f.delayMs <= MAX_DELAY_MS)) {
    throw new TypeError("fault.delayMs must be a number of milliseconds >= 0");
  }
  if (f.drop !== undefined && f.drop !== "before" && f.drop !== "after") {
    throw new TypeError('fault.drop must be "before" or "after"');
  }
  if (f.drop !== undefined && (f.status !== undefined || f.klingCode !== undefined || f.headers !== undefined || f.body !== undefined)) {
    // A dropped connection sends nothing, so an answer would silently be ignored.
    throw new TypeError("fault.drop cannot be combined with status, klingCode, headers or body");
  }
  if (f.body !== undefined && f.status === undefined) {
    throw new TypeError("fault.body needs fault.status");
  }
  if (f.headers !== undefined && f.status === undefined && f.klingCode === undefined) {
    throw new TypeError("fault.headers need fault.status or fault.klingCode");
  }
  return f;
}

export class FaultQueue {
  /** @type {any[]} */
  #faults = [];

  /**
   * Queues one fault or an array of them; all are validated before any is queued.
   * @returns {number} how many were queued
   */
  add(input) {
    const list = Array.isArray(input) ? input : [input];
    const valid = list.map(validateFault);
    this.#faults.push(...valid);
    return valid.length;
  }

  /**
   * Consumes the first fault (in insertion order) matching the request that
   * has no request left to skip; every matching fault still skipping counts
   * this request as one it let pass.
   * @param {string} method
   * @param {string} target request target (path + query)
   */
  take(method, target) {
    const matching = this.#faults.filter(
      (f) => (f.method === undefined || f.method === method) && (f.path === undefined || target.startsWith(f.path)),
    );
    const fault = matching.find((f) => !f.skip);
    for (const f of matching) if (f.skip) f.skip -= 1;
    if (fault === undefined) return undefined;
    fault.times -= 1;
    if (fault.times <= 0) this.#faults.splice(this.#faults.indexOf(fault), 1);
    return fault;
  }

  /** Pending faults with their remaining `times`. */
  list() {
    return this.#faults.map((f) => ({ ...f }));
  }

  clear() {
    this.#faults.length = 0;
  }
}
