/**
 * The official Kling API's answer envelope and its error codes, shared by the
 * Kling routes (kling.js), the JWT check (jwt.js) and `klingCode` faults
 * (faults.js validates, server.js answers).
 *
 * Every Kling answer is `{ code, message, request_id, data? }`; `code` 0 is
 * success, anything else an error. The HTTP status is set as well, from the
 * table below.
 */

/** code → [HTTP status, default message]. Messages are the mock's own wording. */
export const KLING_CODES = Object.freeze({
  1000: [401, "authentication failed"],
  1001: [401, "Authorization is empty"],
  1002: [401, "Authorization is invalid"],
  1003: [401, "Authorization is not yet valid"],
  1004: [401, "Authorization has expired"],
  1100: [429, "account exception"],
  1101: [429, "account in arrears"],
  1102: [429, "resource pack exhausted or expired"],
  1103: [403, "no permission for the requested resource"],
  1200: [400, "invalid request parameters"],
  1201: [400, "invalid parameters"],
  1202: [404, "invalid request method"],
  1203: [404, "requested resource does not exist"],
  1300: [400, "platform policy triggered"],
  1301: [400, "content security policy triggered"],
  1302: [429, "rate limit exceeded"],
  1303: [429, "concurrency or QPS limit exceeded"],
  1304: [429, "IP allow-list policy triggered"],
  5000: [500, "internal server error"],
  5001: [503, "service temporarily unavailable"],
  5002: [504, "internal server timeout"],
});

/** True for a code in the table (0, success, is not one). */
export function isKlingCode(code) {
  return Number.isInteger(code) && Object.hasOwn(KLING_CODES, code);
}

/**
 * An error answer: the table's HTTP status and the envelope without `data`.
 * @param {number} code a code from KLING_CODES
 * @param {string} requestId also sent as x-request-id by the server
 * @param {string} [message] defaults to the table's message
 */
export function klingError(code, requestId, message) {
  const [status, fallback] = KLING_CODES[code];
  return { status, body: { code, message: message ?? fallback, request_id: requestId } };
}

/** A success answer (HTTP 200, code 0) carrying `data`. */
export function klingSuccess(data, requestId) {
  return { status: 200, body: { code: 0, message: "SUCCEED", request_id: requestId, data } };
}
