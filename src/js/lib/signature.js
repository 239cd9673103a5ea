// verifyWebhook: the server build checks the signature, then parses.
import { readLimited } from "./body.js";
import { answer, toJson } from "./boundary.js";
import { invalid } from "./error.js";
import { takeRaw, wasm } from "./wasm.js";

/** A delivery is a job document of a few KB; a body past this is not one. */
const MAX_BODY_BYTES = 1 << 20;

/**
 * Checks a Standard Webhooks signature, then parses like parseWebhook. The
 * first argument may be the fetch Request itself: its raw body is read here,
 * and the arguments after it are the secret and the options.
 * @param {unknown} rawBody
 * @param {any} headers the headers, or with a Request the secret
 * @param {unknown} secret the secret, or with a Request the options
 * @param {unknown} [options]
 * @returns {Promise<import("../index.js").VerifiedJob>}
 */
export async function verifyWebhook(rawBody, headers, secret, options) {
  if (isRequest(rawBody)) return verifyWebhook(await bodyOf(rawBody), rawBody.headers, headers, secret);
  const record = typeof headers?.get === "function" && typeof headers[Symbol.iterator] === "function"
    ? Object.fromEntries(headers)
    : headers;
  const args = [bytes(rawBody), toJson(record, "headers"), toJson(secret, "secret"), toJson(options, "options")];
  // The server build has it.
  return answer(/** @type {NonNullable<typeof wasm.verifyWebhook>} */ (wasm.verifyWebhook)(...args, Date.now() / 1000), takeRaw);
}

/**
 * A fetch Request (or any object with its body and a Headers bag).
 * @type {(value: any) => value is Request}
 */
const isRequest = (value) => typeof value?.arrayBuffer === "function" && typeof value.headers?.get === "function";

/**
 * The bytes of a Request's body, read once and bounded; a body already read cannot be verified.
 * @param {Request} request
 */
async function bodyOf(request) {
  if (request.bodyUsed) {
    throw invalid("request", "has a body that was already read: verify the Request before anything parses it, or pass the raw body read (verifyWebhook(rawBody, headers, secret))");
  }
  let body;
  try {
    // Firefox's Request has no body stream (`body` undefined): read it whole, then check.
    body = request.body === undefined ? atMost(new Uint8Array(await request.arrayBuffer())) : await readLimited(request.body, MAX_BODY_BYTES);
  } catch (error) {
    throw invalid("request", `has a body that could not be read (${String(error).slice(0, 200)})`);
  }
  if (body === null) throw invalid("request", `has a body over ${MAX_BODY_BYTES} bytes, which no delivery is`);
  return body;
}

const atMost = (/** @type {Uint8Array<ArrayBuffer>} */ body) => (body.byteLength > MAX_BODY_BYTES ? null : body);

/**
 * The body exactly as received; a parsed object cannot be verified, its bytes are gone.
 * @param {unknown} rawBody
 */
function bytes(rawBody) {
  if (typeof rawBody === "string") return new TextEncoder().encode(rawBody);
  if (rawBody instanceof Uint8Array) return rawBody;
  if (rawBody instanceof ArrayBuffer) return new Uint8Array(rawBody);
  throw invalid("rawBody", "must be the raw body as a string or bytes, not a parsed object");
}
