// KlingExtendError: every failure the package reports, with a `code`.

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

/** Bad input caught on the JS side, worded as the core words its own. */
export function invalid(field, why) {
  return new KlingExtendError({ code: "invalid_request", message: `${field} ${why}`, retryable: false, field });
}
