// KlingExtendError: every failure the package reports, with a `code`.

/** @type {(keyof import("../index.js").KlingExtendErrorDetail)[]} */
const FIELDS = [
  "code", "status", "providerCode", "requestId", "retryable",
  "retryAfterMs", "field", "job", "maybeSubmitted",
];
/** @typedef {Record<string, unknown>} Fields */

export class KlingExtendError extends Error {
  // A page's bundle is minified, which renames the class: its name is set
  // here so `constructor.name` stays what users match on.
  static {
    Object.defineProperty(this, "name", { value: "KlingExtendError" });
  }

  /**
   * `cause`: the underlying error (a fetch failure, a wasm trap), when there is one.
   * @param {import("../index.js").KlingExtendErrorDetail} detail
   * @param {unknown} [cause]
   */
  constructor(detail, cause) {
    super(detail.message, cause === undefined ? undefined : { cause });
    this.name = "KlingExtendError";
    for (const key of FIELDS) {
      // The instance takes the fields the .d.ts gives it.
      if (detail[key] !== undefined) /** @type {Fields} */ (/** @type {unknown} */ (this))[key] = detail[key];
    }
  }

  /** @this {KlingExtendError & Fields} the fields the constructor set */
  toJSON() {
    /** @type {Fields} */
    const out = { name: this.name, message: this.message };
    for (const key of FIELDS) {
      if (this[key] !== undefined) out[key] = this[key];
    }
    return out;
  }
}

/**
 * Whether `error` is a KlingExtendError, also one made by another copy of
 * the package (two versions in one bundle), which `instanceof` misses.
 * @param {unknown} error
 */
export function isKlingExtendError(error) {
  return error instanceof KlingExtendError || (error instanceof Error && error.name === "KlingExtendError" && typeof (/** @type {{ code?: unknown }} */ (error).code) === "string");
}

/**
 * Bad input caught on the JS side, worded as the core words its own.
 * @param {string} field
 * @param {string} why
 */
export function invalid(field, why) {
  return new KlingExtendError({ code: "invalid_request", message: `${field} ${why}`, retryable: false, field });
}

/**
 * `field`, whose reading threw `cause` (a getter, a Proxy's trap): refused, the throw as `cause`.
 * @param {string} field
 * @param {string} why
 * @param {unknown} cause
 */
export function unreadable(field, why, cause) {
  const error = invalid(field, why);
  Object.defineProperty(error, "cause", { value: cause, writable: true, configurable: true });
  return error;
}

/** A signal-like object whose reading threw `cause`, refused as `signal`. */
export const unreadableSignal = (/** @type {unknown} */ cause) => unreadable("signal", "must be an AbortSignal: reading it threw", cause);
