// The API of the server build (Node, Workers): the client API, plus what only
// a server uses — createProxy and webhooks. Browsers load api.js alone.
import { parseWebhook as coreParse, verifyWebhook as coreVerify } from "./kling_extend.js";
import { answer, toJson } from "./boundary.js";
import { invalid } from "./error.js";

export * from "./api.js";
export { createProxy } from "./proxy.js";

/** Validates and normalises a Trinetra job document or a Kling callback body. */
export function parseWebhook(body, options) {
  const text = typeof body === "string";
  return answer(coreParse(text ? body : toJson(body, "body"), text, toJson(options, "options")));
}

/** Checks a Standard Webhooks signature, then parses like parseWebhook. */
export async function verifyWebhook(rawBody, headers, secret, options) {
  const record = typeof headers?.get === "function" && typeof headers[Symbol.iterator] === "function"
    ? Object.fromEntries(headers)
    : headers;
  const verdict = coreVerify(bytes(rawBody), toJson(record, "headers"), toJson(secret, "secret"), toJson(options, "options"), Date.now() / 1000);
  return answer(verdict);
}

/** The body exactly as received; a parsed object cannot be verified, its bytes are gone. */
function bytes(rawBody) {
  if (typeof rawBody === "string") return new TextEncoder().encode(rawBody);
  if (rawBody instanceof Uint8Array) return rawBody;
  if (rawBody instanceof ArrayBuffer) return new Uint8Array(rawBody);
  throw invalid("rawBody", "must be the raw body as a string or bytes, not a parsed object");
}
