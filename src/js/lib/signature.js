// verifyWebhook: the server build checks the signature, then parses.
import { answer, toJson } from "./boundary.js";
import { invalid } from "./error.js";
import { wasm } from "./wasm.js";

/** Checks a Standard Webhooks signature, then parses like parseWebhook. */
export async function verifyWebhook(rawBody, headers, secret, options) {
  const record = typeof headers?.get === "function" && typeof headers[Symbol.iterator] === "function"
    ? Object.fromEntries(headers)
    : headers;
  const args = [bytes(rawBody), toJson(record, "headers"), toJson(secret, "secret"), toJson(options, "options")];
  return answer(wasm.verifyWebhook(...args, Date.now() / 1000));
}

/** The body exactly as received; a parsed object cannot be verified, its bytes are gone. */
function bytes(rawBody) {
  if (typeof rawBody === "string") return new TextEncoder().encode(rawBody);
  if (rawBody instanceof Uint8Array) return rawBody;
  if (rawBody instanceof ArrayBuffer) return new Uint8Array(rawBody);
  throw invalid("rawBody", "must be the raw body as a string or bytes, not a parsed object");
}
