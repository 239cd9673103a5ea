// KlingExtendError, and the conversion of the wasm layer's error objects.

const BRAND = Symbol.for("kling-extend.error");
const FIELDS = [
  "code", "status", "providerCode", "requestId", "retryable",
  "retryAfterMs", "field", "job", "maybeSubmitted",
];

export class KlingExtendError extends Error {
  constructor(detail) {
    super(detail.message);
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

// Errors made by the wasm layer carry the brand; anything else (an exception
// from the caller's own onUpdate, say) is rethrown as it is.
export function rethrow(error) {
  throw error !== null && typeof error === "object" && error[BRAND] ? new KlingExtendError(error) : error;
}

/** A synchronous export whose failures become KlingExtendErrors. */
export const synchronous = (fn) => (...args) => {
  try {
    return fn(...args);
  } catch (error) {
    return rethrow(error);
  }
};

/** An asynchronous export whose rejections become KlingExtendErrors. */
export const asynchronous = (fn) => (...args) => fn(...args).catch(rethrow);
