// parseWebhook, in every build (verifyWebhook is the server's: signature.js).
import { toJson, unicode } from "./boundary.js";
import { call, callWithText, hasServerHalf } from "./wasm.js";

/**
 * Validates and normalises a Trinetra job document or a Kling callback body
 * (its JSON text, or parsed). On a server, a text crosses to the core as
 * itself, not escaped into the arguments' JSON: a delivery may be megabytes.
 */
export function parseWebhook(body, options) {
  if (typeof body !== "string" || hasServerHalf()) return call("parseWebhook", toJson(body, "body"), toJson(options, "options"));
  return callWithText("parseWebhookText", unicode(body, "body"), toJson(options, "options"));
}
