/**
 * Checks the bearer token of the official Kling API: an HS256 JWT whose
 * payload is `{ iss: ACCESS_KEY, exp, nbf }` (seconds since the epoch),
 * signed with the SECRET_KEY of that access key.
 *
 * The outcome is a Kling body code (see klingcodes.js), checked in this order:
 *   1001  no Authorization header, or an empty one
 *   1002  not "Bearer <jwt>": not three base64url parts, or the header or
 *         payload part is not a JSON object
 *   1000  alg is not HS256, iss is not a configured access key, exp or nbf is
 *         not a number, or the signature does not match
 *   1004  exp has passed (now >= exp)
 *   1003  nbf is still ahead (now < nbf)
 * "now" is Math.floor(Date.now() / 1000), with no leeway: a client signs
 * `nbf = now - 5` itself to cover clock skew.
 *
 * Nothing here ever puts the token, a key or a secret into a message.
 */
import { createHmac, timingSafeEqual } from "node:crypto";

const BASE64URL = /^[A-Za-z0-9_-]+$/;

/**
 * @param {string | string[] | undefined} authorization the request's header value
 * @param {{ accessKey: string, secretKey: string }[]} keys
 * @param {number} [nowMs]
 * @returns {{ code: 0, accessKey: string } | { code: number, message: string }}
 */
export function verifyKlingToken(authorization, keys, nowMs = Date.now()) {
  if (authorization === undefined || authorization === "" || (Array.isArray(authorization) && authorization.length === 0)) {
    return fail(1001, "Authorization is empty");
  }
  if (typeof authorization !== "string") return fail(1002, "Authorization is invalid: send one header");
  const m = /^Bearer +(\S+)\s*$/i.exec(authorization);
  if (!m) return fail(1002, 'Authorization is invalid: expected "Bearer <JWT>"');
  const parts = m[1].split(".");
  if (parts.length !== 3 || !parts.every((p) => BASE64URL.test(p))) {
    return fail(1002, "Authorization is invalid: not a JWT");
  }
  const [headerPart, payloadPart, signaturePart] = parts;
  const header = decodeJson(headerPart);
  const payload = decodeJson(payloadPart);
  if (!header || !payload) return fail(1002, "Authorization is invalid: not a JWT");

  if (header.alg !== "HS256") return fail(1000, "authentication failed: alg must be HS256");
  if (typeof payload.iss !== "string") return fail(1000, "authentication failed: iss is missing");
  const key = keys.find((k) => k.accessKey === payload.iss);
  if (!key) return fail(1000, "authentication failed: unknown access key");
  if (!Number.isFinite(payload.exp) || !Number.isFinite(payload.nbf)) {
    return fail(1000, "authentication failed: exp and nbf must be numbers");
  }
  const expected = createHmac("sha256", key.secretKey).update(`${headerPart}.${payloadPart}`).digest("base64url");
  if (!sameText(expected, signaturePart)) return fail(1000, "authentication failed: bad signature");

  const now = Math.floor(nowMs / 1000);
  if (now >= payload.exp) return fail(1004, "Authorization has expired");
  if (now < payload.nbf) return fail(1003, "Authorization is not yet valid");
  return { code: 0, accessKey: key.accessKey };
}

/** Parses a base64url part as a JSON object, or null. */
function decodeJson(part) {
  try {
    const value = JSON.parse(Buffer.from(part, "base64url").toString("utf8"));
    return typeof value === "object" && value !== null && !Array.isArray(value) ? value : null;
  } catch {
    return null;
  }
}

/** Constant-time comparison of two ASCII strings (the length is not secret). */
export function sameText(a, b) {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function fail(code, message) {
  return { code, message };
}
