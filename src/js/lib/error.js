// KlingExtendError: every failure the package reports, with a `code`.

const FIELDS = [
  "code", "status", "providerCode", "requestId", "retryable",
  "retryAfterMs", "field", "job", "maybeSubmitted",
];

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
      if (detail[key] !== undefined) this[key] = detail[key];
    }
  }

  toJSON() {
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
 */
export function isKlingExtendError(error) {
  return error instanceof KlingExtendError || (error instanceof Error && error.name === "KlingExtendError" && typeof (/** @type {{ code?: unknown }} */ (error).code) === "string");
}

/** Bad input caught on the JS side, worded as the core words its own. */
export function invalid(field, why) {
  return new KlingExtendError({ code: "invalid_request", message: `${field} ${why}`, retryable: false, field });
}

/** `field`, whose reading threw `cause` (a getter, a Proxy's trap): refused, the throw as `cause`. */
export function unreadable(field, why, cause) {
  const error = invalid(field, why);
  Object.defineProperty(error, "cause", { value: cause, writable: true, configurable: true });
  return error;
}

/** A signal-like object whose reading threw `cause`, refused as `signal`. */
export const unreadableSignal = (cause) => unreadable("signal", "must be an AbortSignal: reading it threw", cause);
