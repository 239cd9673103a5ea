// parseWebhook, in every build (verifyWebhook is the server's: signature.js).
import { answer, toJson, unicode } from "./boundary.js";
import { call, enter, takeRaw, wasm } from "./wasm.js";

/**
 * Validates and normalises a Trinetra job document or a Kling callback body
 * (its JSON text, or parsed). A text crosses to the core as itself, not
 * escaped into the arguments' JSON: a delivery may be megabytes.
 */
export function parseWebhook(body, options) {
  if (typeof body !== "string") return call("parseWebhook", toJson(body, "body"), toJson(options, "options"));
  const [checked, json] = [unicode(body, "body"), toJson(options, "options")];
  const answered = enter(() => wasm.parseWebhookText(checked, json), "in parseWebhook");
  return answer(answered, takeRaw);
}
