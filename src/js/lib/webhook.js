// parseWebhook, in every build (verifyWebhook is the server's: signature.js).
import { answer, toJson } from "./boundary.js";
import { wasm } from "./wasm.js";

/** Validates and normalises a Trinetra job document or a Kling callback body. */
export function parseWebhook(body, options) {
  const text = typeof body === "string";
  return answer(wasm.parseWebhook(text ? body : toJson(body, "body"), text, toJson(options, "options")));
}
