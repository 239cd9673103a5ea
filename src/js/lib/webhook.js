// parseWebhook, in every build (verifyWebhook is the server's: signature.js).
import { toJson, unicode } from "./boundary.js";
import { call, callWithText } from "./wasm.js";

/**
 * Validates and normalises a Trinetra job document or a Kling callback body (its JSON text, or parsed).
 * @type {typeof import("../index.js").parseWebhook}
 */
export const parseWebhook = (body, options) => call("parseWebhook", toJson(body, "body"), toJson(options, "options"));

/**
 * `parseWebhook` as servers export it (node.js, workerd.js): a text crosses
 * to the core as itself, not escaped into the arguments' JSON, as a
 * delivery may be megabytes. A page's build reads deliveries, which it
 * rarely gets, from the arguments (this costs it nothing, and the core's
 * side of it 0.25 KB).
 * @type {typeof import("../index.js").parseWebhook}
 */
export function parseWebhookText(body, options) {
  if (typeof body !== "string") return parseWebhook(body, options);
  return callWithText("parseWebhookText", unicode(body, "body"), toJson(options, "options"));
}
